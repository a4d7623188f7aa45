#include "adapters/aws/aws_json_client.h"

#include <array>

namespace invtrack {

namespace {

constexpr std::array<std::string_view, 5> kThrottlingTypes = {
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "TransactionConflictException", "LimitExceededException"};

constexpr std::array<std::string_view, 7> kCredentialTypes = {
    "UnrecognizedClientException", "InvalidSignatureException",
    "AccessDeniedException",       "MissingAuthenticationTokenException",
    "ExpiredTokenException",       "IncompleteSignatureException",
    "InvalidClientTokenId"};

template <size_t N>
bool OneOf(std::string_view type, const std::array<std::string_view, N>& types) {
  for (std::string_view candidate : types) {
    if (type == candidate) return true;
  }
  return false;
}

std::string JsonErrorMessage(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return std::string(body.substr(0, 200));
  for (const char* field : {"message", "Message"}) {
    auto it = parsed.find(field);
    if (it != parsed.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

}  // namespace

std::string JsonErrorType(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return "";
  auto it = parsed.find("__type");
  if (it == parsed.end() || !it->is_string()) return "";
  std::string type = it->get<std::string>();
  size_t hash = type.rfind('#');
  return hash == std::string::npos ? type : type.substr(hash + 1);
}

bool IsJsonRetryable(const AwsResponse& response) {
  if (response.status >= 500 || response.status == 429) return true;
  return response.status == 400 && OneOf(JsonErrorType(response.body), kThrottlingTypes);
}

Result<std::unique_ptr<AwsJsonClient>> AwsJsonClient::Create(AwsClientOptions options,
                                                             AwsJsonProtocol protocol) {
  options.retry.retryable_response = IsJsonRetryable;
  Result<std::unique_ptr<AwsHttpClient>> http = AwsHttpClient::Create(std::move(options));
  if (!http.ok()) return http.status();
  return std::unique_ptr<AwsJsonClient>(
      new AwsJsonClient(std::move(http).value(), std::move(protocol)));
}

Result<nlohmann::json> AwsJsonClient::Call(std::string_view operation,
                                           const nlohmann::json& request) {
  std::string body = request.dump();
  StringOutgoingBody outgoing(body);
  AwsRequest call;
  call.method = "POST";
  call.path = "/";
  call.headers.Add("Content-Type", protocol_.content_type);
  call.headers.Add("X-Amz-Target", protocol_.target_prefix + "." + std::string(operation));
  call.body = &outgoing;
  // Writes here are idempotent by construction (puts of whole items,
  // conditional updates), so a retry after a lost answer is harmless.
  call.idempotent = true;
  std::string what = std::string(operation) + " (" + http_->endpoint() + ")";
  Result<AwsResponse> response = http_->Send(call);
  if (!response.ok()) {
    last_error_ = http_->last_error();
    last_attempts_ = http_->options().retry.max_attempts;
    return Status::Unavailable(what, response.status().message());
  }
  last_attempts_ = response->attempts;
  if (!response->ok()) {
    last_error_ = AwsCallError{};
    last_error_.kind = AwsCallError::Kind::kService;
    last_error_.http_status = response->status;
    last_error_.code = JsonErrorType(response->body);
    last_error_.message = JsonErrorMessage(response->body);
    last_error_.request_id = std::string(response->headers.Find("x-amzn-RequestId").value_or(""));
    std::string text = what + ": " + (last_error_.code.empty() ? "error" : last_error_.code) +
                       ": " + last_error_.message + " (HTTP " + std::to_string(response->status) +
                       ", after " + std::to_string(response->attempts) + " attempt" +
                       (response->attempts == 1 ? "" : "s") + ")";
    const std::string& type = last_error_.code;
    if (response->status == 403 || OneOf(type, kCredentialTypes)) {
      return Status::PermissionDenied(text, "check the AWS credentials and the role's policy");
    }
    if (type == "ResourceNotFoundException") return Status::NotFound(text);
    if (type == "ConditionalCheckFailedException" || type == "TransactionCanceledException") {
      return Status::Aborted(text);
    }
    if (IsJsonRetryable(*response)) return Status::Unavailable(text);
    return Status::InvalidArgument(text);
  }
  last_error_ = AwsCallError{};
  nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::Corruption(what + ": the answer is not a JSON object");
  }
  return parsed;
}

}  // namespace invtrack
