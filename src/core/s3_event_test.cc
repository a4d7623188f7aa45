#include "core/s3_event.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace invtrack {
namespace {

std::string ReadFixture(const std::string& name) {
  return testing::ReadSourceFile("tests/data/events/" + name);
}

// Asserts that parsing fails with InvalidArgument and a message naming `needle`.
void ExpectInvalid(std::string_view json, std::string_view needle) {
  testing::ExpectInvalidArgument(ParseS3Event(json), needle);
}

// A minimal record whose object member is `object_json`.
std::string EventWithObject(std::string_view object_json) {
  return R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":)" +
         std::string(object_json) + "}}]}";
}

TEST(S3EventTest, ParsesDocumentedPutEvent) {
  auto r = ParseS3Event(ReadFixture("s3-put.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 1u);
  const S3EventRecord& rec = (*r)[0];
  EXPECT_EQ(rec.event_name, "ObjectCreated:Put");
  EXPECT_TRUE(rec.IsObjectCreated());
  EXPECT_EQ(rec.event_time, "2026-11-25T16:03:16.123Z");
  EXPECT_EQ(rec.aws_region, "us-west-2");
  EXPECT_EQ(rec.principal_id, "AWS:AIDAJDPLRKLG7UEXAMPLE");
  EXPECT_EQ(rec.source_ip, "203.0.113.7");
  EXPECT_EQ(rec.bucket, "inventory-123456789012");
  EXPECT_EQ(rec.key, "stores/Berlin/inventory berlin.csv");
  EXPECT_EQ(rec.size, 142u);
  EXPECT_EQ(rec.etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(rec.version_id, "096fKKXTRTtl3on89fVO.nfljtsv6qko");
  EXPECT_EQ(rec.sequencer, "0055AED6DCD90281E5");
}

TEST(S3EventTest, ParsesEveryRecordWithEncodedUnicodeKeys) {
  auto r = ParseS3Event(ReadFixture("s3-put-two-records.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].key, "stores/M\xC3\xBCnchen/inventory (1) a+b 100%.csv");
  EXPECT_EQ((*r)[0].version_id, "");
  EXPECT_EQ((*r)[1].event_name, "ObjectCreated:CompleteMultipartUpload");
  EXPECT_TRUE((*r)[1].IsObjectCreated());
  EXPECT_EQ((*r)[1].key, "stores/\xE6\x9D\xB1\xE4\xBA\xAC/big.csv");
  EXPECT_EQ((*r)[1].size, 5368709120u);  // larger than 32 bits
  EXPECT_EQ((*r)[1].etag, "a1b2c3d4e5f60718293a4b5c6d7e8f90-3");
  EXPECT_EQ((*r)[1].version_id, "");  // absent
}

TEST(S3EventTest, ToleratesSdkFixtureExtrasAndNullVersion) {
  // eventVersion 2.0, an extra urlDecodedKey field and "versionId": null, as
  // in the SDKs' sample events.
  auto r = ParseS3Event(ReadFixture("s3-put-v2.0-sdk.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].key, "inventory-springfield.csv");
  EXPECT_EQ((*r)[0].version_id, "");
  EXPECT_EQ((*r)[0].sequencer, "0A1B2C3D4E5F678901");
}

TEST(S3EventTest, TestEventHasNoRecords) {
  auto r = ParseS3Event(ReadFixture("s3-test-event.json"));
  ASSERT_OK(r);
  EXPECT_TRUE(r->empty());
  auto empty = ParseS3Event(R"({"Records":[]})");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(S3EventTest, OtherEventTypesAreReturned) {
  auto r =
      ParseS3Event(R"({"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},)"
                   R"("object":{"key":"gone.csv","sequencer":"0055AED6DCD90281E6"}}}]})");
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_FALSE((*r)[0].IsObjectCreated());
  EXPECT_EQ((*r)[0].size, 0u);
}

TEST(S3EventTest, RejectsMalformedJson) {
  ExpectInvalid("", "not valid JSON");
  ExpectInvalid("{\"Records\":[", "not valid JSON");
  ExpectInvalid("Records", "not valid JSON");
  ExpectInvalid("[]", "expected a JSON object");
  ExpectInvalid(R"({"Records":{}})", "Records: expected an array");
  ExpectInvalid(R"({"Records":null})", "Records: expected an array");
  ExpectInvalid(R"({"Records":[42]})", "Records[0]: expected an object");
}

TEST(S3EventTest, RejectsMissingOrMistypedFields) {
  ExpectInvalid(R"({"Records":[{"s3":{"object":{"key":"k"}}}]})",
                "Records[0].s3.bucket.name: missing");
  ExpectInvalid(R"({"Records":[{"s3":{"bucket":{"name":"b"}}}]})",
                "Records[0].s3.object.key: missing");
  ExpectInvalid(R"({"Records":[{"s3":{"bucket":{"name":""},"object":{"key":"k"}}}]})",
                "Records[0].s3.bucket.name: is empty");
  ExpectInvalid(EventWithObject(R"({"key":""})"), "Records[0].s3.object.key: is empty");
  ExpectInvalid(EventWithObject(R"({"key":7})"), "Records[0].s3.object.key: expected a string");
  ExpectInvalid(R"({"Records":[{"s3":[]}]})", "Records[0].s3: expected an object");
  ExpectInvalid(R"({"Records":[{"eventName":1,"s3":{}}]})",
                "Records[0].eventName: expected a string");
  ExpectInvalid(R"({"Records":[{"userIdentity":{"principalId":5}}]})",
                "Records[0].userIdentity.principalId: expected a string");
  ExpectInvalid(EventWithObject(R"({"key":"k","size":-1})"), "Records[0].s3.object.size");
  ExpectInvalid(EventWithObject(R"({"key":"k","size":1.5})"), "Records[0].s3.object.size");
  ExpectInvalid(EventWithObject(R"({"key":"k","size":"10"})"), "Records[0].s3.object.size");
  ExpectInvalid(EventWithObject(R"({"key":"k","eTag":["x"]})"), "Records[0].s3.object.eTag");
  ExpectInvalid(EventWithObject(R"({"key":"k","sequencer":12})"), "Records[0].s3.object.sequencer");
}

TEST(S3EventTest, ErrorNamesTheFailingRecord) {
  const std::string good = R"({"s3":{"bucket":{"name":"b"},"object":{"key":"ok"}}})";
  const std::string bad = R"({"s3":{"bucket":{"name":"b"},"object":{"key":"bad%G1"}}})";
  ExpectInvalid(R"({"Records":[)" + good + "," + good + "," + bad + "]}",
                "Records[2].s3.object.key: invalid %-escape");
}

TEST(S3EventTest, RejectsKeysThatDecodeToInvalidUtf8) {
  ExpectInvalid(EventWithObject(R"({"key":"a%FFb"})"), "not valid UTF-8");
  ExpectInvalid(EventWithObject(R"({"key":"%C0%AF"})"), "not valid UTF-8");     // overlong '/'
  ExpectInvalid(EventWithObject(R"({"key":"%ED%A0%80"})"), "not valid UTF-8");  // surrogate
  ExpectInvalid(EventWithObject(R"({"key":"%E6%9D"})"), "not valid UTF-8");     // truncated
}

TEST(S3EventTest, RendersTheDocumentedShape) {
  S3EventRecord rec;
  rec.event_time = "2026-11-25T16:03:16.123Z";
  rec.principal_id = "AWS:AIDAEXAMPLE";
  rec.source_ip = "127.0.0.1";
  rec.bucket = "inventory";
  rec.key = "stores/Berlin/inventory berlin+1.csv";
  rec.size = 142;
  rec.etag = "d41d8cd98f00b204e9800998ecf8427e";
  rec.sequencer = "0055AED6DCD90281E5";
  nlohmann::json doc = nlohmann::json::parse(S3EventToJson({&rec, 1}));
  ASSERT_EQ(doc["Records"].size(), 1u);
  nlohmann::json& r = doc["Records"][0];
  EXPECT_EQ(r["eventVersion"], "2.1");
  EXPECT_EQ(r["eventSource"], "aws:s3");
  EXPECT_EQ(r["awsRegion"], "us-east-1");
  EXPECT_EQ(r["eventName"], "ObjectCreated:Put");
  EXPECT_EQ(r["userIdentity"]["principalId"], "AWS:AIDAEXAMPLE");
  EXPECT_EQ(r["requestParameters"]["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(r["responseElements"]["x-amz-request-id"].get<std::string>().size(), 16u);
  EXPECT_TRUE(r["responseElements"]["x-amz-id-2"].is_string());
  EXPECT_EQ(r["s3"]["s3SchemaVersion"], "1.0");
  EXPECT_TRUE(r["s3"]["configurationId"].is_string());
  EXPECT_EQ(r["s3"]["bucket"]["name"], "inventory");
  EXPECT_EQ(r["s3"]["bucket"]["arn"], "arn:aws:s3:::inventory");
  EXPECT_TRUE(r["s3"]["bucket"]["ownerIdentity"]["principalId"].is_string());
  EXPECT_EQ(r["s3"]["object"]["key"], "stores/Berlin/inventory+berlin%2B1.csv");
  EXPECT_EQ(r["s3"]["object"]["size"], 142);
  EXPECT_EQ(r["s3"]["object"]["eTag"], "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_FALSE(r["s3"]["object"].contains("versionId"));  // unversioned bucket
  EXPECT_EQ(r["s3"]["object"]["sequencer"], "0055AED6DCD90281E5");
}

TEST(S3EventTest, RenderingIsDeterministic) {
  S3EventRecord rec;
  rec.bucket = "b";
  rec.key = "k";
  EXPECT_EQ(S3EventToJson({&rec, 1}), S3EventToJson({&rec, 1}));
  EXPECT_EQ(S3EventToJson({}), R"({"Records":[]})");
}

TEST(S3EventTest, RoundTripsFixtures) {
  for (const char* name : {"s3-put.json", "s3-put-two-records.json", "s3-put-v2.0-sdk.json"}) {
    auto first = ParseS3Event(ReadFixture(name));
    ASSERT_OK(first);
    auto second = ParseS3Event(S3EventToJson(*first));
    ASSERT_OK(second);
    EXPECT_EQ(*second, *first) << name;
  }
}

// Property: S3EventToJson then ParseS3Event gives back the same records, for
// keys built from the characters that URL encoding gets wrong most often.
TEST(S3EventTest, RoundTripsTrickyKeys) {
  const std::vector<std::string> pieces = {
      " ",
      "+",
      "%",
      "%20",
      "%2B",
      "/",
      "//",
      "\"",
      "'",
      "\\",
      "&",
      "=",
      "?",
      "#",
      "~",
      ".",
      "..",
      "a",
      "Z",
      "0",
      "\t",
      "\n",
      "\x7F",
      "\xC3\xA9",
      "\xE6\x97\xA5",
      "\xF0\x9F\x99\x82",
      "(",
      ")",
      "[x]",
      "stores/Berlin/",
      "*",
      "!",
      "$",
      ",",
      ";",
  };
  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(1, 12);
  std::uniform_int_distribution<uint64_t> size(0, UINT64_MAX);
  for (int i = 0; i < 300; ++i) {
    std::vector<S3EventRecord> records(1 + i % 3);
    for (S3EventRecord& rec : records) {
      for (int n = count(rng); n > 0; --n) rec.key += pieces[pick(rng)];
      rec.bucket = std::string("bucket-") + std::to_string(i);
      rec.size = size(rng);
      rec.etag = "0123456789abcdef0123456789abcdef";
      rec.version_id = (i % 2 == 0) ? "" : std::string("v") + std::to_string(i);
      rec.sequencer = (i % 5 == 0) ? "" : std::string("0055AED6DCD90281E") + std::to_string(i % 10);
      rec.principal_id = std::string("AWS:") + pieces[pick(rng)];
      rec.event_time = "2026-11-25T16:03:16.123Z";
    }
    auto parsed = ParseS3Event(S3EventToJson(records));
    ASSERT_OK(parsed);
    ASSERT_EQ(*parsed, records) << "key: " << records[0].key;
  }
}

// Robustness: corrupted and deeply nested input yields a Status, never an
// exception or a crash (run under ASan/UBSan too).
TEST(S3EventTest, SurvivesMutatedInput) {
  const std::string base = ReadFixture("s3-put-two-records.json");
  const std::string alphabet = "{}[]\",:0-1.e%+ntfu\\";
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pos(0, base.size() - 1);
  std::uniform_int_distribution<size_t> ch(0, alphabet.size() - 1);
  for (int i = 0; i < 1000; ++i) {
    std::string text = base;
    for (int n = 1 + i % 4; n > 0; --n) text[pos(rng)] = alphabet[ch(rng)];
    if (i % 7 == 0) text.resize(pos(rng));
    auto r = ParseS3Event(text);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    }
  }
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  ExpectInvalid(deep, "expected a JSON object");
  ExpectInvalid(R"({"Records":)" + deep + "}", "Records[0]: expected an object");
}

TEST(S3EventTest, SequencersCompareAsRightPaddedHex) {
  EXPECT_EQ(CompareSequencers("0055AED6DCD90281E5", "0055AED6DCD90281E5"), 0);
  EXPECT_LT(CompareSequencers("0055AED6DCD90281E5", "0055AED6DCD90281E6"), 0);
  EXPECT_GT(CompareSequencers("0055AED6DCD90281F0", "0055AED6DCD90281E6"), 0);
  // Different lengths: the shorter is right-padded with zeros (S3 docs).
  EXPECT_EQ(CompareSequencers("0055AED6DCD90281E5", "0055AED6DCD90281E500"), 0);
  EXPECT_LT(CompareSequencers("0055AED6DCD90281E5", "0055AED6DCD90281E501"), 0);
  EXPECT_GT(CompareSequencers("0055AED6DCD90281E6", "0055AED6DCD90281E5FF"), 0);
  // Case does not matter; empty sorts as all zeros.
  EXPECT_EQ(CompareSequencers("00ab", "00AB"), 0);
  EXPECT_EQ(CompareSequencers("", "000"), 0);
  EXPECT_LT(CompareSequencers("", "01"), 0);
  // Antisymmetry.
  EXPECT_GT(CompareSequencers("0055AED6DCD90281E501", "0055AED6DCD90281E5"), 0);
}

}  // namespace
}  // namespace invtrack
