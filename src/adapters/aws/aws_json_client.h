// AwsJsonClient: calls to an AWS service that speaks the JSON protocol
// (DynamoDB, DynamoDB Streams): POST / with `X-Amz-Target: <prefix>.<Operation>`
// and a JSON body, over AwsHttpClient (keep-alive, SigV4, timeouts). On top
// of the transport's retries of 5xx and 429 it retries the JSON services'
// throttling answers, which arrive as 400s (ThrottlingException,
// ProvisionedThroughputExceededException, RequestLimitExceeded, ...).
//
// Errors become a Status naming the operation, the service's error type
// (the part of `__type` after '#') and its message: PermissionDenied for
// bad or expired credentials, NotFound for a missing resource, Aborted for
// a failed condition (ConditionalCheckFailedException,
// TransactionCanceledException), Unavailable for throttling and 5xx left
// after the retries, InvalidArgument otherwise. last_error() has the fields.
// Thread-safety: not thread-safe; use one client per thread.
#ifndef INVTRACK_ADAPTERS_AWS_AWS_JSON_CLIENT_H_
#define INVTRACK_ADAPTERS_AWS_AWS_JSON_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/aws/aws_http_client.h"

namespace invtrack {

struct AwsJsonProtocol {
  std::string target_prefix;                                // "DynamoDB_20120810"
  std::string content_type = "application/x-amz-json-1.0";  // 1.0 for DynamoDB
};

class AwsJsonClient {
 public:
  // options.retry.retryable_response is replaced by the JSON services' rule.
  static Result<std::unique_ptr<AwsJsonClient>> Create(AwsClientOptions options,
                                                       AwsJsonProtocol protocol);

  // Sends one operation; the answer's JSON on success.
  Result<nlohmann::json> Call(std::string_view operation, const nlohmann::json& request);

  const AwsCallError& last_error() const { return last_error_; }
  int last_attempts() const { return last_attempts_; }

 private:
  AwsJsonClient(std::unique_ptr<AwsHttpClient> http, AwsJsonProtocol protocol)
      : http_(std::move(http)), protocol_(std::move(protocol)) {}

  std::unique_ptr<AwsHttpClient> http_;
  AwsJsonProtocol protocol_;
  AwsCallError last_error_;
  int last_attempts_ = 0;
};

// The error type of a JSON-protocol error body ("ThrottlingException"), or "".
std::string JsonErrorType(std::string_view body);

// Whether an answer of a JSON-protocol service deserves another attempt.
bool IsJsonRetryable(const AwsResponse& response);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_AWS_JSON_CLIENT_H_
