// S3Error: an S3 error response (status, code, message), rendered as the
// XML body every S3 client parses: <Error><Code>..</Code><Message>..
// </Message><Resource>..</Resource><RequestId>..</RequestId></Error>.
// Thread-safety: a value type.
#ifndef INVTRACK_S3_S3_ERROR_H_
#define INVTRACK_S3_S3_ERROR_H_

#include <string>
#include <string_view>

#include "http/http_response.h"

namespace invtrack {

struct S3Error {
  int http_status = 500;
  std::string code;
  std::string message;

  static S3Error AccessDenied(std::string message = "Access Denied") {
    return {403, "AccessDenied", std::move(message)};
  }
  static S3Error InvalidArgument(std::string message) {
    return {400, "InvalidArgument", std::move(message)};
  }
  static S3Error InvalidRequest(std::string message) {
    return {400, "InvalidRequest", std::move(message)};
  }
  static S3Error NoSuchBucket() {
    return {404, "NoSuchBucket", "The specified bucket does not exist"};
  }
  static S3Error NoSuchKey() { return {404, "NoSuchKey", "The specified key does not exist."}; }
  static S3Error NoSuchUpload() {
    return {404, "NoSuchUpload",
            "The specified multipart upload does not exist. The upload ID may be invalid, or "
            "the upload may have been aborted or completed."};
  }
  static S3Error MalformedXml() {
    return {400, "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our "
            "published schema"};
  }
  static S3Error NotImplemented(std::string what) {
    return {501, "NotImplemented",
            "A header or query you provided implies functionality that is not implemented: " +
                std::move(what)};
  }
  static S3Error Internal(std::string message) {
    return {500, "InternalError", std::move(message)};
  }
};

// The error as an HTTP response; `resource` is the request path. A HEAD
// request gets the status and headers only, as S3 does.
HttpResponse ErrorResponse(const S3Error& error, std::string_view resource,
                           std::string_view request_id, bool head_request);

}  // namespace invtrack

#endif  // INVTRACK_S3_S3_ERROR_H_
