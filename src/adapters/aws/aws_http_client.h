// AwsHttpClient: signed HTTP requests to one AWS-style endpoint over libcurl,
// the transport under S3Client (and later DynamoDB and SNS clients). It keeps
// one curl handle, so consecutive requests reuse the connection
// (keep-alive); signs every attempt with SigV4; streams bodies in both
// directions; enforces connect and idle timeouts; and retries, with
// exponential backoff and jitter, connection failures and retryable answers
// (5xx, 429) of idempotent requests whose body can be replayed.
//
// Service errors are not turned into Status here: the response is returned
// as is, since each service words its errors differently (S3: XML).
// Thread-safety: not thread-safe; use one client per thread.
#ifndef INVTRACK_ADAPTERS_AWS_AWS_HTTP_CLIENT_H_
#define INVTRACK_ADAPTERS_AWS_AWS_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "adapters/aws/aws_call_error.h"
#include "adapters/aws/http_headers.h"
#include "adapters/aws/outgoing_body.h"
#include "adapters/aws/response_sink.h"
#include "core/result.h"
#include "sigv4/signer.h"

namespace invtrack {

struct AwsResponse {
  int status = 0;
  HttpHeaders headers;
  // The body of an error answer (at most 1 MiB of it), or of a success when
  // the request gave no sink.
  std::string body;
  int attempts = 0;

  bool ok() const { return status >= 200 && status < 300; }
};

struct RetryPolicy {
  int max_attempts = 4;  // including the first
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // Which answers are worth another attempt; S3's SlowDown is a 503.
  std::function<bool(const AwsResponse&)> retryable_response = [](const AwsResponse& r) {
    return r.status >= 500 || r.status == 429;
  };
};

struct AwsClientOptions {
  // "http://127.0.0.1:9000": scheme, host and optional port; no path.
  std::string endpoint;
  AwsCredentials credentials;
  SigningScope scope;
  std::chrono::milliseconds connect_timeout{5000};
  // A request fails when no byte moved either way for this long, e.g. a
  // server that stopped answering. Not a limit on the whole transfer.
  std::chrono::milliseconds idle_timeout{60000};
  RetryPolicy retry;
  std::string user_agent = "invtrack/0.1";
  // curl's receive and send buffers; large ones help 1 GiB transfers.
  long buffer_bytes = 512 * 1024;
  // PEM file of trusted CAs for https; empty: libcurl's built-in default
  // (Debian's path, absent on Amazon Linux: the Lambda package ships one).
  std::string ca_bundle;
};

struct AwsRequest {
  std::string method = "GET";
  std::string path = "/";  // percent-encoded, as it goes on the wire
  std::string query;       // without '?'; encoded, parameters in sorted order
  HttpHeaders headers;     // signed, with host and the x-amz-* ones added here
  OutgoingBody* body = nullptr;
  ResponseSink* sink = nullptr;  // receives the body of a 2xx answer
  // Whether sending the request twice does no harm. Requests that never
  // reached the server (connection refused) are retried regardless.
  bool idempotent = true;
  // Called as body bytes are handed to the connection: (sent, total).
  std::function<void(uint64_t, uint64_t)> on_upload_progress;
};

class AwsHttpClient {
 public:
  // InvalidArgument for an endpoint that is not http(s)://host[:port].
  static Result<std::unique_ptr<AwsHttpClient>> Create(AwsClientOptions options);
  ~AwsHttpClient();
  AwsHttpClient(const AwsHttpClient&) = delete;
  AwsHttpClient& operator=(const AwsHttpClient&) = delete;

  // Sends `request` (retrying as the policy allows) and returns the final
  // answer, whatever its status. Fails, after retries, when no answer came
  // (Unavailable for connection problems and timeouts) or when the body or
  // sink failed; last_error() then tells which.
  Result<AwsResponse> Send(AwsRequest& request);

  // Set by every Send: kNone after an answer was received.
  const AwsCallError& last_error() const { return last_error_; }
  const AwsClientOptions& options() const { return options_; }
  const std::string& endpoint() const { return base_url_; }    // without a trailing '/'
  const std::string& authority() const { return authority_; }  // host[:port], as signed

 private:
  AwsHttpClient(AwsClientOptions options, void* curl, std::string base_url, std::string authority);
  // One attempt; *delivered counts the body bytes the sink received.
  Result<AwsResponse> SendOnce(AwsRequest& request, uint64_t* delivered);
  std::chrono::milliseconds Backoff(int failed_attempts);

  AwsClientOptions options_;
  void* curl_;  // CURL*, kept across requests for its connection cache
  std::string base_url_;
  std::string authority_;
  AwsCallError last_error_;
  std::mt19937 jitter_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_AWS_HTTP_CLIENT_H_
