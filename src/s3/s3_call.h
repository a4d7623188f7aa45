// S3Call: one S3 request being served: who sent it (the verified access
// key), what it addresses (bucket, key, query) and the services it may use.
// Handlers take an S3Call and return the HTTP response.
// Thread-safety: used by the one thread serving the request.
#ifndef INVTRACK_S3_S3_CALL_H_
#define INVTRACK_S3_S3_CALL_H_

#include <string>

#include "http/http_request.h"
#include "http/http_response.h"
#include "s3/access_key_store.h"
#include "s3/query_params.h"
#include "s3/s3_endpoint.h"
#include "s3/s3_error.h"
#include "sigv4/verifier.h"

namespace invtrack {

struct S3Call {
  HttpRequest& http;
  const S3EndpointOptions& options;
  const S3Services& services;
  std::string request_id;
  std::string bucket;  // decoded; empty for service-level requests
  std::string key;     // decoded; empty for bucket-level requests
  QueryParams query;
  AccessKey caller;
  ParsedAuthorization auth;

  bool is_head() const { return http.method() == "HEAD"; }
  HttpResponse Fail(const S3Error& error) const {
    return ErrorResponse(error, http.path(), request_id, is_head());
  }
  // An empty 200 response (Serve adds the request id to every response).
  HttpResponse Ok() const;
  HttpResponse Xml(std::string body) const;  // 200, Content-Type application/xml
};

}  // namespace invtrack

#endif  // INVTRACK_S3_S3_CALL_H_
