#include "core/stream_record.h"

#include <fstream>
#include <limits>
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

void ExpectInvalid(std::string_view json, std::string_view needle) {
  testing::ExpectInvalidArgument(ParseStreamEvent(json), needle);
}

constexpr char kGoodImage[] =
    R"({"Store":{"S":"Berlin"},"Item":{"S":"Echo Dot"},"Count":{"N":"4"}})";

// One record of `event_name` whose dynamodb member holds `ddb_members`.
std::string Event(std::string_view event_name, std::string_view ddb_members) {
  return R"({"Records":[{"eventID":"1","eventName":")" + std::string(event_name) +
         R"(","dynamodb":{)" + std::string(ddb_members) + "}}]}";
}

// An INSERT whose NewImage has Count given as `count_attr`.
std::string InsertWithCount(std::string_view count_attr) {
  return Event("INSERT", R"("SequenceNumber":"100","NewImage":{"Store":{"S":"B"},)"
                         R"("Item":{"S":"I"},"Count":)" +
                             std::string(count_attr) + "}");
}

ItemImage Image(std::string store, std::string item, int64_t count,
                std::optional<int64_t> low = std::nullopt) {
  return ItemImage{std::move(store), std::move(item), count, low};
}

TEST(StreamRecordTest, ParsesInsertModifyRemove) {
  auto r = ParseStreamEvent(ReadFixture("dynamodb-stream.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 3u);
  const std::string arn =
      "arn:aws:dynamodb:us-east-1:123456789012:table/Inventory/stream/2026-11-25T15:00:00.000";

  const StreamRecord& insert = (*r)[0];
  EXPECT_EQ(insert.event_id, "c4ca4238a0b923820dcc509a6f75849b");
  EXPECT_EQ(insert.event_name, StreamEventName::kInsert);
  EXPECT_EQ(insert.sequence_number, "1405400000000002063282832");
  EXPECT_EQ(insert.approximate_creation_time, 1795622596);
  EXPECT_EQ(insert.event_source_arn, arn);
  EXPECT_FALSE(insert.old_image.has_value());
  ASSERT_TRUE(insert.new_image.has_value());
  EXPECT_EQ(*insert.new_image, Image("Berlin", "Echo Plus", 0));  // UpdatedAt etc. ignored
  EXPECT_EQ(insert.store(), "Berlin");
  EXPECT_EQ(insert.item(), "Echo Plus");

  const StreamRecord& modify = (*r)[1];
  EXPECT_EQ(modify.event_name, StreamEventName::kModify);
  ASSERT_TRUE(modify.new_image && modify.old_image);
  EXPECT_EQ(*modify.new_image, Image("Berlin", "Echo Dot", 3, 5));
  EXPECT_EQ(*modify.old_image, Image("Berlin", "Echo Dot", 12, 5));

  const StreamRecord& remove = (*r)[2];
  EXPECT_EQ(remove.event_name, StreamEventName::kRemove);
  EXPECT_EQ(remove.sequence_number, "21258900000000008186295383");
  EXPECT_FALSE(remove.new_image.has_value());
  ASSERT_TRUE(remove.old_image.has_value());
  EXPECT_EQ(*remove.old_image, Image("Pusan", "Amazon Tap", 7));
  EXPECT_EQ(remove.store(), "Pusan");  // from the old image
  EXPECT_EQ(remove.item(), "Amazon Tap");
}

TEST(StreamRecordTest, ParsesSdkStyleAttributeValuesAndIgnoresOtherTypes) {
  // Every type tag present with unused ones null, attributes of every other
  // type (B, BS, BOOL, NULL, SS, NS, L, M, fractional N), a fractional
  // ApproximateCreationDateTime and a LowThreshold of type NULL.
  auto r = ParseStreamEvent(ReadFixture("dynamodb-stream-sdk-style.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 1u);
  const StreamRecord& rec = (*r)[0];
  EXPECT_EQ(rec.approximate_creation_time, 1568013979);
  const std::string tokyo = "\xE6\x9D\xB1\xE4\xBA\xAC";
  const std::string show = "Echo Show \xF0\x9F\x93\xBA";
  ASSERT_TRUE(rec.new_image && rec.old_image);
  EXPECT_EQ(*rec.new_image, Image(tokyo, show, -2));  // NULL LowThreshold = none
  EXPECT_EQ(*rec.old_image, Image(tokyo, show, 4));   // "0004"
}

TEST(StreamRecordTest, RendersTheLambdaShape) {
  StreamRecord rec;
  rec.event_id = "e1";
  rec.event_name = StreamEventName::kInsert;
  rec.sequence_number = "1405400000000002063282832";
  rec.approximate_creation_time = 1795622596;
  rec.event_source_arn = "arn:aws:dynamodb:eu-west-1:1:table/Inventory/stream/x";
  rec.new_image = Image("Berlin", "Echo Plus", 0);
  nlohmann::json doc = nlohmann::json::parse(StreamEventToJson({&rec, 1}, "eu-west-1"));
  ASSERT_EQ(doc["Records"].size(), 1u);
  nlohmann::json& r = doc["Records"][0];
  EXPECT_EQ(r["eventID"], "e1");
  EXPECT_EQ(r["eventName"], "INSERT");
  EXPECT_EQ(r["eventVersion"], "1.1");
  EXPECT_EQ(r["eventSource"], "aws:dynamodb");
  EXPECT_EQ(r["awsRegion"], "eu-west-1");
  EXPECT_EQ(r["eventSourceARN"], "arn:aws:dynamodb:eu-west-1:1:table/Inventory/stream/x");
  nlohmann::json& d = r["dynamodb"];
  EXPECT_EQ(d["ApproximateCreationDateTime"], 1795622596);
  EXPECT_TRUE(d["ApproximateCreationDateTime"].is_number_integer());
  EXPECT_EQ(d["Keys"],
            nlohmann::json::parse(R"({"Store":{"S":"Berlin"},"Item":{"S":"Echo Plus"}})"));
  EXPECT_EQ(d["NewImage"],
            nlohmann::json::parse(
                R"({"Store":{"S":"Berlin"},"Item":{"S":"Echo Plus"},"Count":{"N":"0"}})"));
  EXPECT_FALSE(d.contains("OldImage"));
  EXPECT_EQ(d["SequenceNumber"], "1405400000000002063282832");
  EXPECT_TRUE(d["SequenceNumber"].is_string());
  EXPECT_TRUE(d["SizeBytes"].is_number_integer());
  EXPECT_GE(d["SizeBytes"].get<int64_t>(), 1);
  EXPECT_EQ(d["StreamViewType"], "NEW_AND_OLD_IMAGES");
}

TEST(StreamRecordTest, RendersRemoveWithoutNewImageAndKeysFromOldImage) {
  StreamRecord rec;
  rec.event_name = StreamEventName::kRemove;
  rec.sequence_number = "7";
  rec.old_image = Image("Pusan", "Amazon Tap", 7, 2);
  nlohmann::json doc = nlohmann::json::parse(StreamEventToJson({&rec, 1}));
  nlohmann::json& d = doc["Records"][0]["dynamodb"];
  EXPECT_EQ(doc["Records"][0]["awsRegion"], "us-east-1");
  EXPECT_FALSE(d.contains("NewImage"));
  EXPECT_EQ(d["Keys"],
            nlohmann::json::parse(R"({"Store":{"S":"Pusan"},"Item":{"S":"Amazon Tap"}})"));
  EXPECT_EQ(d["OldImage"]["LowThreshold"], nlohmann::json::parse(R"({"N":"2"})"));
}

TEST(StreamRecordTest, RoundTrips) {
  std::vector<StreamRecord> records(5);
  records[0].event_id = "a";
  records[0].event_name = StreamEventName::kInsert;
  records[0].sequence_number = "1405400000000002063282832";
  records[0].new_image = Image("Berlin", "Echo Dot", 0);
  records[1].event_id = "b";
  records[1].event_name = StreamEventName::kModify;
  records[1].sequence_number = "1234567890123456789012345678901234567890";  // 40 digits
  records[1].approximate_creation_time = 1795622597;
  records[1].event_source_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Inventory/stream/t";
  records[1].old_image =
      Image("M\xC3\xBCnchen", "Echo \"Show\" \xE6\x97\xA5 \xF0\x9F\x99\x82", 9, 5);
  records[1].new_image =
      Image("M\xC3\xBCnchen", "Echo \"Show\" \xE6\x97\xA5 \xF0\x9F\x99\x82", 5, 5);
  records[2].event_name = StreamEventName::kRemove;
  records[2].sequence_number = "000000000000000000001";  // leading zeros kept verbatim
  records[2].old_image = Image("S", "I", std::numeric_limits<int64_t>::max());
  records[3].event_name = StreamEventName::kModify;
  records[3].sequence_number = "99999999999999999999999";
  records[3].approximate_creation_time = -1;
  records[3].old_image = Image("S", "I", std::numeric_limits<int64_t>::min(), 0);
  records[3].new_image = Image("S", "I", -1);  // LowThreshold dropped
  records[4].event_name = StreamEventName::kInsert;
  records[4].sequence_number = "5";
  records[4].new_image = Image("", "", 0, std::numeric_limits<int64_t>::max());

  auto parsed = ParseStreamEvent(StreamEventToJson(records));
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, records);

  auto empty = ParseStreamEvent(StreamEventToJson({}));
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(StreamRecordTest, RoundTripsFixtures) {
  for (const char* name : {"dynamodb-stream.json", "dynamodb-stream-sdk-style.json"}) {
    auto first = ParseStreamEvent(ReadFixture(name));
    ASSERT_OK(first);
    auto second = ParseStreamEvent(StreamEventToJson(*first));
    ASSERT_OK(second);
    EXPECT_EQ(*second, *first) << name;
  }
}

TEST(StreamRecordTest, RejectsMalformedDocuments) {
  ExpectInvalid("", "not valid JSON");
  ExpectInvalid("{\"Records\":[{]}", "not valid JSON");
  ExpectInvalid("[1,2]", "expected a JSON object");
  ExpectInvalid("{}", "Records: missing");
  ExpectInvalid(R"({"Records":{"eventName":"INSERT"}})", "Records: expected an array");
  ExpectInvalid(R"({"Records":"x"})", "Records: expected an array");
  ExpectInvalid(R"({"Records":[null]})", "Records[0]: expected an object");
}

TEST(StreamRecordTest, RejectsBadRecordFields) {
  const std::string ok_ddb = R"("SequenceNumber":"1","NewImage":)" + std::string(kGoodImage);
  ExpectInvalid(Event("UPSERT", ok_ddb), "unknown eventName \"UPSERT\"");
  ExpectInvalid(Event("insert", ok_ddb), "unknown eventName \"insert\"");
  ExpectInvalid(R"({"Records":[{"dynamodb":{}}]})", "Records[0].eventName: missing");
  ExpectInvalid(R"({"Records":[{"eventName":"INSERT"}]})", "Records[0].dynamodb: missing");
  ExpectInvalid(R"({"Records":[{"eventName":"INSERT","dynamodb":[]}]})",
                "Records[0].dynamodb: expected an object");
  ExpectInvalid(R"({"Records":[{"eventName":"INSERT","eventID":3,"dynamodb":{}}]})",
                "Records[0].eventID: expected a string");
  ExpectInvalid(Event("INSERT", R"("NewImage":)" + std::string(kGoodImage)),
                "Records[0].dynamodb.SequenceNumber: missing");
  ExpectInvalid(Event("INSERT", R"("SequenceNumber":123,"NewImage":)" + std::string(kGoodImage)),
                "SequenceNumber: expected a string");
  ExpectInvalid(Event("INSERT", R"("SequenceNumber":"12a","NewImage":)" + std::string(kGoodImage)),
                "SequenceNumber: expected decimal digits");
  ExpectInvalid(Event("INSERT", R"("SequenceNumber":"","NewImage":)" + std::string(kGoodImage)),
                "SequenceNumber: expected decimal digits");
  ExpectInvalid(Event("INSERT", ok_ddb + R"(,"ApproximateCreationDateTime":"today")"),
                "ApproximateCreationDateTime: expected a number");
  ExpectInvalid(Event("INSERT", ok_ddb + R"(,"ApproximateCreationDateTime":1e300)"),
                "ApproximateCreationDateTime: out of range");
}

TEST(StreamRecordTest, RejectsMissingImages) {
  ExpectInvalid(Event("INSERT", R"("SequenceNumber":"1")"),
                "Records[0].dynamodb.NewImage: required for INSERT records");
  ExpectInvalid(Event("REMOVE", R"("SequenceNumber":"1","NewImage":)" + std::string(kGoodImage)),
                "Records[0].dynamodb.OldImage: required for REMOVE records");
  ExpectInvalid(Event("MODIFY", R"("SequenceNumber":"1","NewImage":)" + std::string(kGoodImage)),
                "OldImage: required for MODIFY records");
  ExpectInvalid(Event("MODIFY", R"("SequenceNumber":"1","OldImage":)" + std::string(kGoodImage)),
                "NewImage: required for MODIFY records");
  ExpectInvalid(Event("INSERT", R"("SequenceNumber":"1","NewImage":[])"),
                "NewImage: expected an object");
}

TEST(StreamRecordTest, RejectsBadImageAttributes) {
  ExpectInvalid(
      Event("INSERT", R"("SequenceNumber":"1","NewImage":{"Store":{"S":"B"},"Item":{"S":"I"}})"),
      "Records[0].dynamodb.NewImage.Count: missing attribute");
  ExpectInvalid(
      Event("INSERT", R"("SequenceNumber":"1","NewImage":{"Item":{"S":"I"},"Count":{"N":"1"}})"),
      "NewImage.Store: missing attribute");
  ExpectInvalid(
      Event("INSERT", R"("SequenceNumber":"1","NewImage":{"Store":{"S":"B"},"Count":{"N":"1"}})"),
      "NewImage.Item: missing attribute");
  ExpectInvalid(
      Event(
          "INSERT",
          R"("SequenceNumber":"1","NewImage":{"Store":{"N":"5"},"Item":{"S":"I"},"Count":{"N":"1"}})"),
      "NewImage.Store: expected type S, got N");
  ExpectInvalid(
      Event("INSERT",
            R"("SequenceNumber":"1","NewImage":{"Store":"B","Item":{"S":"I"},"Count":{"N":"1"}})"),
      "NewImage.Store: expected an attribute value object");
  ExpectInvalid(InsertWithCount(R"({"S":"5"})"), "NewImage.Count: expected type N, got S");
  ExpectInvalid(InsertWithCount(R"({"N":5})"), "Count: the N value must be a JSON string");
  ExpectInvalid(InsertWithCount(R"({})"), "Count: expected type N, got nothing");
  ExpectInvalid(InsertWithCount(R"({"NULL":true})"), "Count: expected type N, got NULL");
}

TEST(StreamRecordTest, RejectsNonIntegerCounts) {
  for (const char* bad : {"1.5", "abc", "1e3", "+1", "", "-", " 1", "1 ", "0x10", "--1", "1-"}) {
    ExpectInvalid(InsertWithCount(std::string(R"({"N":")") + bad + "\"}"),
                  std::string("NewImage.Count: expected an integer N value, got \"") + bad + "\"");
  }
}

TEST(StreamRecordTest, RejectsCountsOutsideInt64) {
  ExpectInvalid(InsertWithCount(R"({"N":"9223372036854775808"})"), "out of range");
  ExpectInvalid(InsertWithCount(R"({"N":"-9223372036854775809"})"), "out of range");
  ExpectInvalid(
      InsertWithCount(R"({"N":"100000000000000000000000000000000000000"})"),
      "NewImage.Count: N value \"100000000000000000000000000000000000000\" is out of range");
  auto max = ParseStreamEvent(InsertWithCount(R"({"N":"9223372036854775807"})"));
  ASSERT_OK(max);
  EXPECT_EQ((*max)[0].new_image->count, std::numeric_limits<int64_t>::max());
  auto min = ParseStreamEvent(InsertWithCount(R"({"N":"-9223372036854775808"})"));
  ASSERT_OK(min);
  EXPECT_EQ((*min)[0].new_image->count, std::numeric_limits<int64_t>::min());
}

TEST(StreamRecordTest, ValidatesLowThreshold) {
  const std::string base = R"("SequenceNumber":"1","NewImage":{"Store":{"S":"B"},"Item":{"S":"I"},)"
                           R"("Count":{"N":"1"},"LowThreshold":)";
  ExpectInvalid(Event("INSERT", base + R"({"N":"2.5"}})"),
                "NewImage.LowThreshold: expected an integer N value, got \"2.5\"");
  ExpectInvalid(Event("INSERT", base + R"({"S":"2"}})"), "NewImage.LowThreshold: expected type N");
  auto present = ParseStreamEvent(Event("INSERT", base + R"({"N":"3"}})"));
  ASSERT_OK(present);
  EXPECT_EQ((*present)[0].new_image->low_threshold, 3);
  auto null_typed = ParseStreamEvent(Event("INSERT", base + R"({"NULL":true}})"));
  ASSERT_OK(null_typed);
  EXPECT_FALSE((*null_typed)[0].new_image->low_threshold.has_value());
}

TEST(StreamRecordTest, ErrorNamesTheFailingRecordAndImage) {
  const std::string good = R"({"eventName":"INSERT","dynamodb":{"SequenceNumber":"1","NewImage":)" +
                           std::string(kGoodImage) + "}}";
  const std::string bad =
      R"({"eventName":"MODIFY","dynamodb":{"SequenceNumber":"2","NewImage":)" +
      std::string(kGoodImage) +
      R"(,"OldImage":{"Store":{"S":"B"},"Item":{"S":"I"},"Count":{"N":"1.5"}}}})";
  ExpectInvalid(R"({"Records":[)" + good + "," + bad + "]}",
                "Records[1].dynamodb.OldImage.Count: expected an integer N value, got \"1.5\"");
}

// Robustness: corrupted and deeply nested input yields a Status, never an
// exception or a crash (run under ASan/UBSan too).
TEST(StreamRecordTest, SurvivesMutatedInput) {
  const std::vector<std::string> bases = {ReadFixture("dynamodb-stream.json"),
                                          ReadFixture("dynamodb-stream-sdk-style.json")};
  const std::string alphabet = "{}[]\",:0-1.e+ntfuSN\\";
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> ch(0, alphabet.size() - 1);
  for (int i = 0; i < 1000; ++i) {
    std::string text = bases[i % 2];
    std::uniform_int_distribution<size_t> at(0, text.size() - 1);
    for (int n = 1 + i % 4; n > 0; --n) text[at(rng)] = alphabet[ch(rng)];
    if (i % 7 == 0) text.resize(at(rng));
    auto r = ParseStreamEvent(text);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    }
  }
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  ExpectInvalid(R"({"Records":)" + deep + "}", "Records[0]: expected an object");
}

TEST(StreamRecordTest, EventNamesHaveTheirAwsSpelling) {
  EXPECT_EQ(StreamEventNameToString(StreamEventName::kInsert), "INSERT");
  EXPECT_EQ(StreamEventNameToString(StreamEventName::kModify), "MODIFY");
  EXPECT_EQ(StreamEventNameToString(StreamEventName::kRemove), "REMOVE");
}

TEST(StreamRecordTest, SequenceNumbersCompareNumerically) {
  EXPECT_EQ(CompareSequenceNumbers("111", "111"), 0);
  EXPECT_LT(CompareSequenceNumbers("111", "222"), 0);
  EXPECT_GT(CompareSequenceNumbers("222", "111"), 0);
  // Length wins over lexicographic order: 9 < 10.
  EXPECT_LT(CompareSequenceNumbers("9", "10"), 0);
  EXPECT_GT(CompareSequenceNumbers("21258800000000008186106757", "1405400000000002063282832"), 0);
  // Beyond 64 bits.
  EXPECT_LT(CompareSequenceNumbers("99999999999999999999999999999999999999",
                                   "100000000000000000000000000000000000000"),
            0);
  // Leading zeros do not count.
  EXPECT_EQ(CompareSequenceNumbers("000123", "123"), 0);
  EXPECT_LT(CompareSequenceNumbers("0009", "10"), 0);
  EXPECT_EQ(CompareSequenceNumbers("0", "000"), 0);
  EXPECT_EQ(CompareSequenceNumbers("", "0"), 0);
}

}  // namespace
}  // namespace invtrack
