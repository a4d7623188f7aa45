#include "adapters/aws/sns_topic.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(SnsTopicTest, PublishFormCarriesTextAndAttributesEncoded) {
  Alert alert;
  alert.id = "a1b2";
  alert.kind = AlertKind::kOut;
  alert.store = "Berlin";
  alert.item = "Echo (2nd Gen)";
  alert.count = 0;
  alert.subject = "Inventory Alert!";
  alert.message = "Berlin is out of stock of Echo (2nd Gen)";
  std::string form = SnsPublishForm("arn:aws:sns:us-east-1:123:t", alert);
  EXPECT_NE(form.find("Action=Publish"), std::string::npos);
  EXPECT_NE(form.find("TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123%3At"), std::string::npos);
  EXPECT_NE(form.find("Subject=Inventory%20Alert%21"), std::string::npos);
  EXPECT_NE(form.find("Message=Berlin%20is%20out%20of%20stock%20of%20Echo%20%282nd%20Gen%29"),
            std::string::npos);
  EXPECT_NE(form.find("MessageAttributes.entry.1.Name=AlertId"), std::string::npos);
  EXPECT_NE(form.find("MessageAttributes.entry.2.Value.StringValue=OUT"), std::string::npos);
  EXPECT_NE(form.find("MessageAttributes.entry.5.Name=Count"), std::string::npos);
  EXPECT_NE(form.find("MessageAttributes.entry.5.Value.DataType=Number"), std::string::npos);
  EXPECT_EQ(form.find(' '), std::string::npos);
}

TEST(SnsTopicTest, EmptyAttributesAreLeftOut) {
  Alert alert;
  alert.store = "Berlin";
  alert.item = "Echo Dot";
  alert.subject = "s";
  alert.message = "m";
  std::string form = SnsPublishForm("arn", alert);  // no id
  EXPECT_EQ(form.find("AlertId"), std::string::npos);
  EXPECT_NE(form.find("MessageAttributes.entry.1.Name=Kind"), std::string::npos);
}

TEST(SnsTopicTest, RefusesAnEmptyTopicArn) {
  AwsClientOptions options;
  options.endpoint = "http://127.0.0.1:1";
  Result<std::unique_ptr<SnsTopic>> topic = SnsTopic::Create(options, "");
  ASSERT_FALSE(topic.ok());
  EXPECT_TRUE(topic.status().IsInvalidArgument());
}

}  // namespace
}  // namespace invtrack
