// RuntimeApiClient: the HTTP side of a Lambda custom runtime. It talks to
// the Runtime API at AWS_LAMBDA_RUNTIME_API (host:port, plain HTTP on the
// sandbox's loopback): GET .../invocation/next (blocks until an event
// arrives), POST .../invocation/<id>/response, POST .../invocation/<id>/error
// and POST .../init/error. One curl handle, so the connection is reused.
// Thread-safety: not thread-safe; the runtime loop is its only user.
#ifndef INVTRACK_LAMBDA_RUNTIME_API_CLIENT_H_
#define INVTRACK_LAMBDA_RUNTIME_API_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

// One event handed to the function by Lambda.
struct LambdaInvocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;   // Lambda-Runtime-Deadline-Ms: epoch ms
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;      // Lambda-Runtime-Trace-Id (X-Ray)
  std::string payload;       // the event JSON
};

// What a function reports when it fails: errorType + errorMessage.
struct LambdaError {
  std::string type;  // e.g. "Runtime.InvalidEvent", "Function.Unavailable"
  std::string message;
};

// The error body Lambda expects: {"errorMessage","errorType","stackTrace":[]}.
std::string LambdaErrorJson(const LambdaError& error);

class RuntimeApiClient {
 public:
  // `runtime_api` is the value of AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001").
  static Result<std::unique_ptr<RuntimeApiClient>> Create(std::string runtime_api);
  ~RuntimeApiClient();
  RuntimeApiClient(const RuntimeApiClient&) = delete;
  RuntimeApiClient& operator=(const RuntimeApiClient&) = delete;

  // Waits (without a time limit: Lambda freezes the process meanwhile) for
  // the next event. Unavailable when the API cannot be reached or answers
  // with an error; Corruption when the answer lacks the request id.
  Result<LambdaInvocation> Next();
  Status PostResponse(std::string_view request_id, std::string_view body);
  Status PostError(std::string_view request_id, const LambdaError& error);
  Status PostInitError(const LambdaError& error);

 private:
  RuntimeApiClient(void* curl, std::string base_url)
      : curl_(curl), base_url_(std::move(base_url)) {}
  // One request; the answer's status, headers and body.
  struct Answer;
  Result<Answer> Perform(std::string_view method, const std::string& path, std::string_view body,
                         std::string_view error_type);
  Status Post(const std::string& path, std::string_view body, std::string_view error_type);

  void* curl_;  // CURL*
  std::string base_url_;
};

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_RUNTIME_API_CLIENT_H_
