#include "core/batch_response.h"

#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

void ExpectInvalid(std::string_view json, std::string_view needle) {
  auto r = ParseBatchResponse(json);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(needle), std::string::npos)
      << "message \"" << r.status().message() << "\" does not mention \"" << needle << "\"";
}

TEST(BatchResponseTest, RendersTheLambdaShape) {
  BatchResponse response;
  response.failed_item_identifiers = {"1405400000000002063282832", "21258900000000008186295383"};
  EXPECT_EQ(BatchResponseToJson(response),
            R"({"batchItemFailures":[{"itemIdentifier":"1405400000000002063282832"},)"
            R"({"itemIdentifier":"21258900000000008186295383"}]})");
  EXPECT_FALSE(response.ok());
}

TEST(BatchResponseTest, RendersSuccessAsEmptyList) {
  BatchResponse response;
  EXPECT_TRUE(response.ok());
  EXPECT_EQ(BatchResponseToJson(response), R"({"batchItemFailures":[]})");
}

TEST(BatchResponseTest, ParsesFailures) {
  auto r = ParseBatchResponse(
      R"({"batchItemFailures":[{"itemIdentifier":"111"},{"itemIdentifier":"222","extra":1}]})");
  ASSERT_OK(r);
  EXPECT_EQ(r->failed_item_identifiers, (std::vector<std::string>{"111", "222"}));
}

TEST(BatchResponseTest, SuccessShapesLambdaAccepts) {
  for (const char* ok : {"null", " null ", "{}", R"({"batchItemFailures":[]})",
                         R"({"batchItemFailures":null})", R"({"other":1})"}) {
    auto r = ParseBatchResponse(ok);
    ASSERT_OK(r);
    EXPECT_TRUE(r->ok()) << ok;
  }
}

TEST(BatchResponseTest, RoundTrips) {
  for (const BatchResponse& response :
       {BatchResponse{}, BatchResponse{{"1"}},
        BatchResponse{{"1405400000000002063282832", "x\"y\\z", "\xE6\x97\xA5"}}}) {
    auto parsed = ParseBatchResponse(BatchResponseToJson(response));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, response);
  }
}

TEST(BatchResponseTest, RejectsMalformedResponses) {
  ExpectInvalid("", "not valid JSON");
  ExpectInvalid("{", "not valid JSON");
  ExpectInvalid("[]", "expected a JSON object, got array");
  ExpectInvalid("\"ok\"", "expected a JSON object, got string");
  ExpectInvalid(R"({"batchItemFailures":{}})", "batchItemFailures: expected an array");
  ExpectInvalid(R"({"batchItemFailures":["111"]})", "batchItemFailures[0]: expected an object");
}

TEST(BatchResponseTest, RejectsIdentifiersLambdaTreatsAsTotalFailure) {
  ExpectInvalid(R"({"batchItemFailures":[{"itemIdentifier":"1"},{"itemIdentifier":""}]})",
                "batchItemFailures[1].itemIdentifier: empty");
  ExpectInvalid(R"({"batchItemFailures":[{"itemIdentifier":null}]})",
                "batchItemFailures[0].itemIdentifier: missing");
  ExpectInvalid(R"({"batchItemFailures":[{"itemIdentifer":"1"}]})",  // misspelt key
                "batchItemFailures[0].itemIdentifier: missing");
  ExpectInvalid(R"({"batchItemFailures":[{"itemIdentifier":111}]})",
                "batchItemFailures[0].itemIdentifier: expected a string");
}

}  // namespace
}  // namespace invtrack
