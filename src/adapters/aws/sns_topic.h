// SnsTopic: the Topic port over Amazon SNS, for Check-Stock as a Lambda
// function. Each alert is one Publish (query protocol, POST form body) with
// the lab's subject and message as the text people read, and message
// attributes that subscribers can filter and de-duplicate on: AlertId (the
// stable id: a redelivered change republishes the same id, and SNS standard
// topics leave de-duplication to receivers), Kind (OUT/LOW/BACK_IN_STOCK),
// Store, Item, Count (Number).
//
// Throttling (400 Throttling/Throttled, 429) and 5xx are retried with
// backoff by the transport; a Publish whose answer was lost may thus be
// delivered twice, which the AlertId makes harmless.
// Thread-safety: Publish may be called concurrently (serialised on one
// client).
#ifndef INVTRACK_ADAPTERS_AWS_SNS_TOPIC_H_
#define INVTRACK_ADAPTERS_AWS_SNS_TOPIC_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/aws_http_client.h"
#include "functions/topic.h"

namespace invtrack {

class SnsTopic final : public Topic {
 public:
  // `options.scope.service` should be "sns".
  static Result<std::unique_ptr<SnsTopic>> Create(AwsClientOptions options, std::string topic_arn);

  Status Publish(std::span<const Alert> alerts, size_t* published) override;

  // The SNS MessageIds of the alerts published so far (for logs and tests).
  std::vector<std::string> TakeMessageIds();
  // Why the last Publish stopped (OK after a full success).
  Status last_error();

 private:
  SnsTopic(std::unique_ptr<AwsHttpClient> http, std::string topic_arn)
      : http_(std::move(http)), topic_arn_(std::move(topic_arn)) {}
  Result<std::string> PublishOne(const Alert& alert);

  std::mutex mutex_;
  std::unique_ptr<AwsHttpClient> http_;  // guarded by mutex_
  std::string topic_arn_;
  std::vector<std::string> message_ids_;  // guarded by mutex_
  Status last_error_;                     // guarded by mutex_
};

// The form body of one Publish (Action=Publish&Version=2010-03-31&...),
// parameters in sorted order, values percent-encoded.
std::string SnsPublishForm(std::string_view topic_arn, const Alert& alert);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_SNS_TOPIC_H_
