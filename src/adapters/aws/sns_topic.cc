#include "adapters/aws/sns_topic.h"

#include <map>

#include <pugixml.hpp>

#include "core/url_codec.h"

namespace invtrack {

namespace {

bool IsSnsRetryable(const AwsResponse& response) {
  if (response.status >= 500 || response.status == 429) return true;
  return response.status == 400 &&
         (response.body.find("<Code>Throttling</Code>") != std::string::npos ||
          response.body.find("<Code>Throttled</Code>") != std::string::npos);
}

// SNS's <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>.
Status SnsErrorStatus(const AwsResponse& response) {
  pugi::xml_document doc;
  std::string code;
  std::string message;
  if (doc.load_buffer(response.body.data(), response.body.size())) {
    pugi::xml_node error = doc.child("ErrorResponse").child("Error");
    code = error.child_value("Code");
    message = error.child_value("Message");
  }
  std::string text = "SNS Publish: " + (code.empty() ? std::string("error") : code) + ": " +
                     message + " (HTTP " + std::to_string(response.status) + ", after " +
                     std::to_string(response.attempts) + " attempts)";
  if (response.status == 403 || code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" ||
      code == "AuthorizationError" || code == "ExpiredToken") {
    return Status::PermissionDenied(text, "check the AWS credentials and the role's policy");
  }
  if (code == "NotFound") return Status::NotFound(text);
  if (IsSnsRetryable(response)) return Status::Unavailable(text);
  return Status::InvalidArgument(text);
}

}  // namespace

std::string SnsPublishForm(std::string_view topic_arn, const Alert& alert) {
  std::map<std::string, std::string> fields{
      {"Action", "Publish"},      {"Version", "2010-03-31"},  {"TopicArn", std::string(topic_arn)},
      {"Subject", alert.subject}, {"Message", alert.message},
  };
  struct Attribute {
    const char* name;
    const char* type;
    std::string value;
  };
  const Attribute attributes[] = {
      {"AlertId", "String", alert.id},
      {"Kind", "String", std::string(AlertKindName(alert.kind))},
      {"Store", "String", alert.store},
      {"Item", "String", alert.item},
      {"Count", "Number", std::to_string(alert.count)},
  };
  int index = 0;
  for (const Attribute& attribute : attributes) {
    if (attribute.value.empty()) continue;  // SNS refuses empty attribute values
    std::string prefix = "MessageAttributes.entry." + std::to_string(++index);
    fields[prefix + ".Name"] = attribute.name;
    fields[prefix + ".Value.DataType"] = attribute.type;
    fields[prefix + ".Value.StringValue"] = attribute.value;
  }
  std::string form;
  for (const auto& [name, value] : fields) {
    if (!form.empty()) form += '&';
    form += PercentEncode(name, false) + "=" + PercentEncode(value, false);
  }
  return form;
}

Result<std::unique_ptr<SnsTopic>> SnsTopic::Create(AwsClientOptions options,
                                                   std::string topic_arn) {
  if (topic_arn.empty()) return Status::InvalidArgument("no SNS topic ARN given");
  options.retry.retryable_response = IsSnsRetryable;
  Result<std::unique_ptr<AwsHttpClient>> http = AwsHttpClient::Create(std::move(options));
  if (!http.ok()) return http.status();
  return std::unique_ptr<SnsTopic>(new SnsTopic(std::move(http).value(), std::move(topic_arn)));
}

Result<std::string> SnsTopic::PublishOne(const Alert& alert) {
  std::string form = SnsPublishForm(topic_arn_, alert);
  StringOutgoingBody body(form);
  AwsRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = &body;
  // A duplicate is harmless (AlertId); a lost alert is not.
  request.idempotent = true;
  Result<AwsResponse> response = http_->Send(request);
  if (!response.ok()) return Status::Unavailable("SNS Publish", response.status().message());
  if (!response->ok()) return SnsErrorStatus(*response);
  pugi::xml_document doc;
  if (!doc.load_buffer(response->body.data(), response->body.size())) {
    return Status::Corruption("SNS Publish: the answer is not XML");
  }
  std::string id = doc.child("PublishResponse").child("PublishResult").child_value("MessageId");
  if (id.empty()) return Status::Corruption("SNS Publish: the answer has no MessageId");
  return id;
}

Status SnsTopic::Publish(std::span<const Alert> alerts, size_t* published) {
  std::lock_guard<std::mutex> lock(mutex_);
  *published = 0;
  for (const Alert& alert : alerts) {
    Result<std::string> id = PublishOne(alert);
    if (!id.ok()) {
      last_error_ = id.status();
      return last_error_;
    }
    message_ids_.push_back(std::move(id).value());
    ++*published;
  }
  last_error_ = Status::OK();
  return Status::OK();
}

Status SnsTopic::last_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

std::vector<std::string> SnsTopic::TakeMessageIds() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(message_ids_, {});
}

}  // namespace invtrack
