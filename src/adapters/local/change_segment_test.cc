#include "adapters/local/change_segment.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

constexpr int64_t kMaxExactCount = (int64_t{1} << 53) - 1;

struct Change {
  StreamEventName event;
  std::string store;
  std::string item;
  std::optional<ItemState> before;
  std::optional<ItemState> after;
};

std::optional<ItemImage> ImageOf(const Change& c, const std::optional<ItemState>& state) {
  if (!state) return std::nullopt;
  return ItemImage{c.store, c.item, state->count, state->low_threshold};
}

// Writes `changes` into one segment and decodes it at `position`.
Result<std::vector<StreamRecord>> RoundTrip(const std::vector<Change>& changes,
                                            const SegmentPosition& position) {
  ChangeSegmentWriter writer;
  for (const Change& c : changes) writer.Add(c.event, c.store, c.item, c.before, c.after);
  std::vector<StreamRecord> out;
  Status s = DecodeChangeSegment(writer.bytes(), writer.record_count(), position, &out);
  if (!s.ok()) return s;
  return out;
}

void ExpectMatches(const std::vector<Change>& changes, const std::vector<StreamRecord>& records) {
  ASSERT_EQ(records.size(), changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i));
    EXPECT_EQ(records[i].event_name, changes[i].event);
    EXPECT_EQ(records[i].old_image, ImageOf(changes[i], changes[i].before));
    EXPECT_EQ(records[i].new_image, ImageOf(changes[i], changes[i].after));
  }
}

// A segment with one record of each kind, with and without thresholds.
std::vector<Change> MixedChanges() {
  return {
      {StreamEventName::kInsert, "Berlin", "Echo Dot", std::nullopt, ItemState{12, std::nullopt}},
      {StreamEventName::kInsert, "Berlin", "Echo Plus", std::nullopt, ItemState{0, 3}},
      {StreamEventName::kModify, "Berlin", "Echo Dot", ItemState{12, std::nullopt},
       ItemState{4, std::nullopt}},
      {StreamEventName::kModify, "Berlin", "Echo Plus", ItemState{0, 3}, ItemState{7, 5}},
      {StreamEventName::kModify, "Pusan", "Echo Show", ItemState{9, std::nullopt}, ItemState{9, 2}},
      {StreamEventName::kModify, "Pusan", "Echo Look", ItemState{1, 8}, ItemState{2, std::nullopt}},
      {StreamEventName::kRemove, "Pusan", "Amazon Tap", ItemState{5, std::nullopt}, std::nullopt},
      {StreamEventName::kRemove, "Pusan", "Echo Show", ItemState{9, 2}, std::nullopt},
  };
}

SegmentPosition Position(uint64_t first, int64_t created_ms = 1764086400123,
                         std::string_view prefix = "abcd1234-") {
  return SegmentPosition{first, created_ms, prefix};
}

// Whether a decoded record is usable by the stream's consumers: the images
// its kind requires are there, with the record's key.
bool IsWellFormed(const StreamRecord& r) {
  switch (r.event_name) {
    case StreamEventName::kInsert:
      return r.new_image.has_value() && !r.old_image.has_value();
    case StreamEventName::kModify:
      return r.new_image.has_value() && r.old_image.has_value();
    case StreamEventName::kRemove:
      return !r.new_image.has_value() && r.old_image.has_value();
  }
  return false;
}

TEST(ChangeSegmentTest, EmptyWriter) {
  ChangeSegmentWriter writer;
  EXPECT_TRUE(writer.empty());
  EXPECT_EQ(writer.record_count(), 0u);
  EXPECT_TRUE(writer.bytes().empty());
  std::vector<StreamRecord> out;
  EXPECT_OK(DecodeChangeSegment(writer.bytes(), 0, Position(1), &out));
  EXPECT_TRUE(out.empty());
}

TEST(ChangeSegmentTest, RoundTripsEveryKindWithAndWithoutThresholds) {
  std::vector<Change> changes = MixedChanges();
  Result<std::vector<StreamRecord>> records = RoundTrip(changes, Position(1));
  ASSERT_OK(records);
  ExpectMatches(changes, *records);
}

TEST(ChangeSegmentTest, WriterCountsAndClears) {
  ChangeSegmentWriter writer;
  for (const Change& c : MixedChanges()) writer.Add(c.event, c.store, c.item, c.before, c.after);
  EXPECT_FALSE(writer.empty());
  EXPECT_EQ(writer.record_count(), MixedChanges().size());
  EXPECT_FALSE(writer.bytes().empty());
  writer.Clear();
  EXPECT_TRUE(writer.empty());
  EXPECT_EQ(writer.record_count(), 0u);
  EXPECT_TRUE(writer.bytes().empty());

  // Reusable after Clear: only the new records are there.
  writer.Add(StreamEventName::kInsert, "S", "I", std::nullopt, ItemState{1, std::nullopt});
  std::vector<StreamRecord> out;
  ASSERT_OK(DecodeChangeSegment(writer.bytes(), writer.record_count(), Position(1), &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].new_image->store, "S");
}

TEST(ChangeSegmentTest, BigCountsAndThresholdsSurvive) {
  std::vector<Change> changes = {
      {StreamEventName::kInsert, "s", "max exact", std::nullopt,
       ItemState{kMaxExactCount, kMaxExactCount}},
      {StreamEventName::kModify, "s", "max exact", ItemState{kMaxExactCount, kMaxExactCount},
       ItemState{kMaxExactCount - 1, 0}},
      {StreamEventName::kInsert, "s", "int64 max", std::nullopt,
       ItemState{std::numeric_limits<int64_t>::max(), std::nullopt}},
      {StreamEventName::kInsert, "s", "varint edges", std::nullopt, ItemState{127, 128}},
      {StreamEventName::kInsert, "s", "varint edges 2", std::nullopt, ItemState{16383, 16384}},
      {StreamEventName::kRemove, "s", "zero", ItemState{0, 0}, std::nullopt},
  };
  Result<std::vector<StreamRecord>> records = RoundTrip(changes, Position(1));
  ASSERT_OK(records);
  ExpectMatches(changes, *records);
  EXPECT_EQ((*records)[0].new_image->count, kMaxExactCount);
  EXPECT_EQ((*records)[0].new_image->low_threshold, kMaxExactCount);
}

TEST(ChangeSegmentTest, Utf8AndUnusualNamesSurvive) {
  std::string long_name(300, 'x');  // length needs a two-byte varint
  std::string with_nul("a\0b", 3);
  std::vector<Change> changes = {
      {StreamEventName::kInsert, "Zürich", "Échô Dót", std::nullopt, ItemState{1, std::nullopt}},
      {StreamEventName::kInsert, "東京", "エコー 🔊", std::nullopt, ItemState{2, 1}},
      {StreamEventName::kInsert, "", "", std::nullopt, ItemState{3, std::nullopt}},
      {StreamEventName::kInsert, " ", "\t", std::nullopt, ItemState{4, std::nullopt}},
      {StreamEventName::kModify, with_nul, long_name, ItemState{5, std::nullopt},
       ItemState{6, std::nullopt}},
      {StreamEventName::kRemove, "a,b", "\"quoted\"\n", ItemState{7, 7}, std::nullopt},
  };
  Result<std::vector<StreamRecord>> records = RoundTrip(changes, Position(1));
  ASSERT_OK(records);
  ExpectMatches(changes, *records);
  EXPECT_EQ((*records)[4].store(), with_nul);
  EXPECT_EQ((*records)[4].item().size(), 300u);
  EXPECT_EQ((*records)[2].store(), "");
}

TEST(ChangeSegmentTest, SequenceNumbersEventIdsAndTimeComeFromPosition) {
  std::vector<Change> changes = MixedChanges();
  Result<std::vector<StreamRecord>> records =
      RoundTrip(changes, Position(4097, 1764086400999, "label-"));
  ASSERT_OK(records);
  ASSERT_EQ(records->size(), changes.size());
  for (size_t i = 0; i < records->size(); ++i) {
    const StreamRecord& r = (*records)[i];
    std::string sequence = std::to_string(4097 + i);
    EXPECT_EQ(r.sequence_number, sequence);
    EXPECT_EQ(r.event_id, "label-" + sequence);
    EXPECT_EQ(r.approximate_creation_time, 1764086400);  // seconds, rounded down
    EXPECT_TRUE(r.event_source_arn.empty());
  }
}

TEST(ChangeSegmentTest, LargeFirstSequenceAndEmptyPrefix) {
  std::vector<Change> changes = MixedChanges();
  uint64_t first = uint64_t{1} << 40;
  Result<std::vector<StreamRecord>> records = RoundTrip(changes, Position(first, 0, ""));
  ASSERT_OK(records);
  EXPECT_EQ(records->front().sequence_number, std::to_string(first));
  EXPECT_EQ(records->front().event_id, std::to_string(first));
  EXPECT_EQ(records->back().sequence_number, std::to_string(first + changes.size() - 1));
  EXPECT_EQ(records->front().approximate_creation_time, 0);
}

TEST(ChangeSegmentTest, DecodeAppendsToExistingRecords) {
  std::vector<StreamRecord> out(2);
  out[0].event_id = "keep-0";
  out[1].event_id = "keep-1";
  ChangeSegmentWriter writer;
  writer.Add(StreamEventName::kInsert, "S", "I", std::nullopt, ItemState{1, std::nullopt});
  ASSERT_OK(DecodeChangeSegment(writer.bytes(), writer.record_count(), Position(9), &out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].event_id, "keep-0");
  EXPECT_EQ(out[1].event_id, "keep-1");
  EXPECT_EQ(out[2].sequence_number, "9");
}

TEST(ChangeSegmentTest, ManyRecordsRoundTrip) {
  ChangeSegmentWriter writer;
  for (int i = 0; i < 5000; ++i) {
    writer.Add(StreamEventName::kInsert, "store", "item " + std::to_string(i), std::nullopt,
               ItemState{i, i % 3 == 0 ? std::optional<int64_t>(i / 3) : std::nullopt});
  }
  std::vector<StreamRecord> out;
  ASSERT_OK(DecodeChangeSegment(writer.bytes(), writer.record_count(), Position(1), &out));
  ASSERT_EQ(out.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(out[i].new_image->item, "item " + std::to_string(i));
    ASSERT_EQ(out[i].new_image->count, i);
    ASSERT_EQ(out[i].sequence_number, std::to_string(i + 1));
  }
}

// ---- corruption ----

std::string MixedBytes(uint32_t* count) {
  ChangeSegmentWriter writer;
  for (const Change& c : MixedChanges()) writer.Add(c.event, c.store, c.item, c.before, c.after);
  *count = writer.record_count();
  return std::string(writer.bytes());
}

TEST(ChangeSegmentCorruptionTest, EveryTruncationIsCorruption) {
  uint32_t count = 0;
  std::string bytes = MixedBytes(&count);
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::vector<StreamRecord> out;
    Status s =
        DecodeChangeSegment(std::string_view(bytes).substr(0, size), count, Position(1), &out);
    EXPECT_TRUE(s.IsCorruption()) << "truncated to " << size << ": " << s.ToString();
  }
}

TEST(ChangeSegmentCorruptionTest, ExtraBytesAreCorruption) {
  uint32_t count = 0;
  std::string bytes = MixedBytes(&count);
  for (std::string tail : {std::string(1, '\0'), std::string("x"), std::string(100, '\x10')}) {
    std::vector<StreamRecord> out;
    Status s = DecodeChangeSegment(bytes + tail, count, Position(1), &out);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  }
}

TEST(ChangeSegmentCorruptionTest, WrongRecordCountIsCorruption) {
  uint32_t count = 0;
  std::string bytes = MixedBytes(&count);
  for (uint32_t wrong :
       {0u, 1u, count - 1, count + 1, 1000000u, std::numeric_limits<uint32_t>::max()}) {
    std::vector<StreamRecord> out;
    Status s = DecodeChangeSegment(bytes, wrong, Position(1), &out);
    EXPECT_TRUE(s.IsCorruption()) << "record_count " << wrong << ": " << s.ToString();
  }
}

TEST(ChangeSegmentCorruptionTest, MessageNamesTheSegment) {
  uint32_t count = 0;
  std::string bytes = MixedBytes(&count);
  std::vector<StreamRecord> out;
  Status s = DecodeChangeSegment(bytes, count + 1, Position(8193), &out);
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("8193"), std::string::npos) << s.message();
}

TEST(ChangeSegmentCorruptionTest, UnknownEventKindIsCorruption) {
  ChangeSegmentWriter writer;
  writer.Add(StreamEventName::kInsert, "S", "I", std::nullopt, ItemState{1, std::nullopt});
  std::string bytes(writer.bytes());
  bytes[0] = static_cast<char>((bytes[0] & ~0x03) | 0x03);  // event kind 3 does not exist
  std::vector<StreamRecord> out;
  EXPECT_TRUE(DecodeChangeSegment(bytes, 1, Position(1), &out).IsCorruption());
}

// Flags that contradict the event kind (an INSERT without a new image, a
// REMOVE with one, ...) or set unknown bits describe no valid record; taking
// them at face value would hand consumers a record without the images its
// kind promises (StreamRecord::store() would then read an empty optional).
TEST(ChangeSegmentCorruptionTest, FlagsInconsistentWithEventKindAreCorruption) {
  // Hand-built records: flags, store "S", item "I", then the counts the flags
  // announce (so the byte count is always right for the flags given).
  auto record = [](uint8_t flags) {
    std::string r(1, static_cast<char>(flags));
    r += "\x01S\x01I";
    if (flags & 0x04) r.push_back('\x02');  // old count
    if (flags & 0x08) r.push_back('\x03');  // old threshold
    if (flags & 0x10) r.push_back('\x04');  // new count
    if (flags & 0x20) r.push_back('\x05');  // new threshold
    return r;
  };
  const uint8_t kInsert = 0, kModify = 1, kRemove = 2;
  const uint8_t kOld = 0x04, kOldT = 0x08, kNew = 0x10, kNewT = 0x20;
  // Sanity: the consistent forms decode.
  for (uint8_t flags :
       {uint8_t(kInsert | kNew), uint8_t(kInsert | kNew | kNewT), uint8_t(kModify | kOld | kNew),
        uint8_t(kModify | kOld | kOldT | kNew | kNewT), uint8_t(kRemove | kOld),
        uint8_t(kRemove | kOld | kOldT)}) {
    std::vector<StreamRecord> out;
    EXPECT_OK(DecodeChangeSegment(record(flags), 1, Position(1), &out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(IsWellFormed(out[0])) << "flags " << int{flags};
  }
  for (uint8_t flags : {uint8_t(kInsert), uint8_t(kInsert | kOld), uint8_t(kInsert | kOld | kNew),
                        uint8_t(kModify), uint8_t(kModify | kOld), uint8_t(kModify | kNew),
                        uint8_t(kRemove), uint8_t(kRemove | kNew), uint8_t(kRemove | kOld | kNew),
                        uint8_t(kInsert | kNewT),         // a threshold without its image
                        uint8_t(kRemove | kOld | kNewT),  // ditto
                        uint8_t(kInsert | kNew | 0x40), uint8_t(kRemove | kOld | 0x80)}) {
    std::vector<StreamRecord> out;
    Status s = DecodeChangeSegment(record(flags), 1, Position(1), &out);
    EXPECT_TRUE(s.IsCorruption()) << "flags 0x" << std::hex << int{flags} << ": " << s.ToString();
  }
}

TEST(ChangeSegmentCorruptionTest, OverlongVarintIsCorruption) {
  // Flags for an INSERT with a new image, store "S", item "I", then a count
  // varint that never ends within 10 bytes.
  std::string bytes("\x10\x01S\x01I", 5);
  bytes.append(11, '\x80');
  bytes.push_back('\x01');
  std::vector<StreamRecord> out;
  EXPECT_TRUE(DecodeChangeSegment(bytes, 1, Position(1), &out).IsCorruption());
}

TEST(ChangeSegmentCorruptionTest, StringLongerThanSegmentIsCorruption) {
  // store length claims 2^62 bytes.
  std::string bytes("\x10", 1);
  bytes += std::string("\x80\x80\x80\x80\x80\x80\x80\x80\x40", 9);
  bytes += "S\x01I\x01";
  std::vector<StreamRecord> out;
  EXPECT_TRUE(DecodeChangeSegment(bytes, 1, Position(1), &out).IsCorruption());
}

// Any single damaged byte either is detected or still yields records that
// are safe to use; never a crash (run under ASan/UBSan).
TEST(ChangeSegmentCorruptionTest, SingleByteDamageNeverYieldsUnusableRecords) {
  uint32_t count = 0;
  std::string bytes = MixedBytes(&count);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      std::vector<StreamRecord> out;
      Status s = DecodeChangeSegment(damaged, count, Position(1), &out);
      if (s.ok()) {
        ASSERT_EQ(out.size(), count);
        for (const StreamRecord& r : out) {
          EXPECT_TRUE(IsWellFormed(r)) << "byte " << i << " bit " << bit;
        }
      } else {
        EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      }
    }
  }
}

TEST(ChangeSegmentCorruptionTest, RandomBytesNeverCrash) {
  std::mt19937 random(20251126);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(static_cast<size_t>(length(random)), '\0');
    for (char& c : bytes) c = static_cast<char>(byte(random));
    uint32_t count = static_cast<uint32_t>(round % 5);
    std::vector<StreamRecord> out;
    Status s = DecodeChangeSegment(bytes, count, Position(1), &out);
    if (s.ok()) {
      EXPECT_EQ(out.size(), count);
      for (const StreamRecord& r : out) EXPECT_TRUE(IsWellFormed(r));
    } else {
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    }
  }
}

}  // namespace
}  // namespace invtrack

namespace invtrack {
namespace {

TEST(ChangeSegmentStoreRepeatTest, RepeatedStoreIsWrittenOnceAndReadBackEverywhere) {
  const std::string store = "A store with a long name";
  ChangeSegmentWriter one;
  one.Add(StreamEventName::kInsert, store, "x", std::nullopt, ItemState{1, std::nullopt});
  ChangeSegmentWriter many;
  const char* stores[] = {store.c_str(), store.c_str(), "Other", "Other", store.c_str()};
  for (int i = 0; i < 5; ++i) {
    many.Add(StreamEventName::kInsert, stores[i], "x", std::nullopt, ItemState{i, std::nullopt});
  }
  // Three store names are written (runs of A, Other, A), not five.
  EXPECT_LT(many.bytes().size(), 5 * one.bytes().size() - 2 * store.size());
  std::vector<StreamRecord> out;
  ASSERT_TRUE(DecodeChangeSegment(many.bytes(), 5, SegmentPosition{1, 0, "p-"}, &out).ok());
  ASSERT_EQ(out.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i].new_image->store, stores[i]);
    EXPECT_EQ(out[i].new_image->count, i);
  }
  // After Clear, the first record must carry its store again.
  many.Clear();
  many.Add(StreamEventName::kInsert, store, "y", std::nullopt, ItemState{7, std::nullopt});
  out.clear();
  ASSERT_TRUE(DecodeChangeSegment(many.bytes(), 1, SegmentPosition{1, 0, "p-"}, &out).ok());
  EXPECT_EQ(out[0].new_image->store, store);
}

}  // namespace
}  // namespace invtrack
