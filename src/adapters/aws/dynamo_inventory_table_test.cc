// The pure parts of DynamoInventoryTable: sequencer normalisation and how a
// version compares with a stored claim. The DynamoDB calls themselves are
// tested against moto (tests/e2e/test_aws_lambda.py).
#include "adapters/aws/dynamo_inventory_table.h"

#include <gtest/gtest.h>

#include "adapters/aws/aws_json_client.h"
#include "core/s3_event.h"

namespace invtrack {
namespace {

using nlohmann::json;

TEST(DynamoInventoryTableTest, NormalisedSequencersOrderLikeS3) {
  const char* pairs[][2] = {{"0055AED6DCD90281E5", "0055AED6DCD90281E500"},
                            {"0055aed6dcd90281e5", "0055AED6DCD90281E6"},
                            {"0055AED6DCD90281E5", "0055AED6DCD90281F"},
                            {"", "00"},
                            {"1", "0FFFFFFFFFFFFFFFFF"}};
  for (const auto& [a, b] : pairs) {
    int expected = CompareSequencers(a, b);
    int got = NormaliseSequencer(a).compare(NormaliseSequencer(b));
    EXPECT_EQ(expected < 0, got < 0) << a << " vs " << b;
    EXPECT_EQ(expected == 0, got == 0) << a << " vs " << b;
  }
  EXPECT_EQ(NormaliseSequencer("ab").size(), 64u);
}

json Claim(std::string_view sequencer, std::string_view etag, std::string_view state) {
  return json{{"Sequencer", {{"S", NormaliseSequencer(sequencer)}}},
              {"ETag", {{"S", std::string(etag)}}},
              {"State", {{"S", std::string(state)}}}};
}

TEST(DynamoInventoryTableTest, ClassifiesAgainstTheStoredClaim) {
  FileVersion version{"b", "k", "etag1", "0055AED6DCD90281E5", 10, ""};
  EXPECT_EQ(ClassifyAgainstClaim(version, nullptr), VersionCheck::kNew);
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E5", "etag1", "applied")),
            VersionCheck::kAlreadyApplied);
  // Right-padding: the same sequencer written longer is the same version.
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E500", "etag1", "applied")),
            VersionCheck::kAlreadyApplied);
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E6", "etag0", "applied")),
            VersionCheck::kSuperseded);
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E4", "etag0", "applied")),
            VersionCheck::kNew);
  // A claim left "loading" by a crashed invocation may be taken again.
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E5", "etag1", "loading")),
            VersionCheck::kNew);
  // A rejected version is looked at again (the report is rewritten).
  EXPECT_EQ(ClassifyAgainstClaim(version, Claim("0055AED6DCD90281E5", "etag1", "rejected")),
            VersionCheck::kNew);
}

TEST(AwsJsonClientTest, ErrorTypesAndWhichAreRetried) {
  EXPECT_EQ(JsonErrorType(R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"})"),
            "ThrottlingException");
  EXPECT_EQ(JsonErrorType(R"({"__type":"ValidationException","message":"x"})"),
            "ValidationException");
  EXPECT_EQ(JsonErrorType("not json"), "");
  EXPECT_EQ(JsonErrorType(R"({"__type":42})"), "");
  AwsResponse throttled{400, {}, R"({"__type":"x#ProvisionedThroughputExceededException"})", 1};
  AwsResponse invalid{400, {}, R"({"__type":"x#ValidationException"})", 1};
  AwsResponse unavailable{503, {}, "", 1};
  EXPECT_TRUE(IsJsonRetryable(throttled));
  EXPECT_FALSE(IsJsonRetryable(invalid));
  EXPECT_TRUE(IsJsonRetryable(unavailable));
}

}  // namespace
}  // namespace invtrack
