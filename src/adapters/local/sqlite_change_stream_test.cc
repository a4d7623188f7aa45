// Tests of SqliteChangeStream reading the records SqliteInventoryTable
// writes: order, segment boundaries, positions, reopening.
#include "adapters/local/sqlite_change_stream.h"

#include "adapters/local/sqlite_inventory_table_test_util.h"

namespace invtrack {
namespace {

// Same fixture; its own suite name, as gtest wants one fixture type per suite.
class SqliteChangeStreamTest : public SqliteInventoryTableTest {};

// ---- the change stream ----

TEST_F(SqliteChangeStreamTest, ReadAfterAcrossSegmentBoundariesReturnsEachRecordOnce) {
  const uint32_t kSegment = SqliteInventoryTable::kSegmentRecords;
  // Segments of kSegment, 904 (first load), then 3 (second load).
  const int kFirst = static_cast<int>(kSegment) + 904;
  Apply(Version("one.csv", 1), ManyRows(kFirst, "A"));
  Apply(Version("two.csv", 1), {Row("B", "x", 1), Row("B", "y", 2), Row("A", "item-000000", 5)});
  const uint64_t total = static_cast<uint64_t>(kFirst) + 3;
  ASSERT_EQ(Latest(), total);

  for (size_t max : {size_t{1}, size_t{3}, size_t{100}, size_t{kSegment - 1}, size_t{kSegment},
                     size_t{kSegment + 1}, size_t{total}, size_t{1} << 20}) {
    SCOPED_TRACE("max " + std::to_string(max));
    std::unique_ptr<SqliteChangeStream> stream = Stream();
    ASSERT_NE(stream, nullptr);
    std::vector<StreamRecord> all;
    uint64_t after = 0;
    while (true) {
      std::vector<StreamRecord> batch;
      Result<size_t> read = stream->ReadAfter(after, max, &batch);
      ASSERT_OK(read);
      ASSERT_EQ(*read, batch.size());
      ASSERT_LE(batch.size(), max);
      if (batch.empty()) break;
      // Full batches unless the stream ran out.
      if (after + max <= total) {
        ASSERT_EQ(batch.size(), max);
      }
      after = std::stoull(batch.back().sequence_number);
      all.insert(all.end(), batch.begin(), batch.end());
    }
    ASSERT_EQ(all.size(), total);
    for (uint64_t i = 0; i < total; ++i) {
      ASSERT_EQ(all[i].sequence_number, std::to_string(i + 1));
      ASSERT_EQ(all[i].event_id, table_->stream_label() + "-" + std::to_string(i + 1));
    }
    EXPECT_EQ(all[0].new_image, Image("A", "item-000000", 1));
    EXPECT_EQ(all[kSegment].new_image->item, ItemName(static_cast<int>(kSegment)));
    EXPECT_EQ(all[total - 1].event_name, StreamEventName::kModify);
    EXPECT_EQ(all[total - 1].old_image, Image("A", "item-000000", 1));
    EXPECT_EQ(all[total - 1].new_image, Image("A", "item-000000", 5));
  }
}

TEST_F(SqliteChangeStreamTest, ReadAfterFromAnyPosition) {
  const uint32_t kSegment = SqliteInventoryTable::kSegmentRecords;
  const uint64_t total = kSegment + 10;
  Apply(Version("one.csv", 1), ManyRows(static_cast<int>(total)));
  std::unique_ptr<SqliteChangeStream> stream = Stream();
  ASSERT_NE(stream, nullptr);
  for (uint64_t after : {uint64_t{0}, uint64_t{1}, uint64_t{kSegment - 1}, uint64_t{kSegment},
                         uint64_t{kSegment + 1}, total - 1, total, total + 1, total + 5000}) {
    std::vector<StreamRecord> batch;
    Result<size_t> read = stream->ReadAfter(after, 5, &batch);
    ASSERT_OK(read);
    size_t expected = after >= total ? 0 : std::min<uint64_t>(5, total - after);
    ASSERT_EQ(batch.size(), expected) << "after " << after;
    for (size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(batch[i].sequence_number, std::to_string(after + 1 + i));
    }
  }
  std::vector<StreamRecord> none;
  Result<size_t> zero = stream->ReadAfter(0, 0, &none);
  ASSERT_OK(zero);
  EXPECT_EQ(*zero, 0u);
  EXPECT_TRUE(none.empty());
}

TEST_F(SqliteChangeStreamTest, ReadAfterAppendsToOutput) {
  Apply(Version("a.csv", 1), {Row("S", "a", 1), Row("S", "b", 2)});
  std::unique_ptr<SqliteChangeStream> stream = Stream();
  ASSERT_NE(stream, nullptr);
  std::vector<StreamRecord> out(1);
  Result<size_t> read = stream->ReadAfter(0, 10, &out);
  ASSERT_OK(read);
  EXPECT_EQ(*read, 2u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].sequence_number, "1");
}

TEST_F(SqliteChangeStreamTest, StreamSeesLaterCommitsAndLatestSequence) {
  std::unique_ptr<SqliteChangeStream> stream = Stream();
  ASSERT_NE(stream, nullptr);
  Result<uint64_t> latest = stream->LatestSequence();
  ASSERT_OK(latest);
  EXPECT_EQ(*latest, 0u);
  std::vector<StreamRecord> batch;
  ASSERT_OK(stream->ReadAfter(0, 10, &batch));
  EXPECT_TRUE(batch.empty());

  Apply(Version("a.csv", 1), {Row("S", "a", 1), Row("S", "b", 2)});
  latest = stream->LatestSequence();
  ASSERT_OK(latest);
  EXPECT_EQ(*latest, 2u);
  ASSERT_OK(stream->ReadAfter(0, 10, &batch));
  ASSERT_EQ(batch.size(), 2u);

  // A new segment after the cached one is found by the same reader.
  Apply(Version("b.csv", 1), {Row("S", "c", 3)});
  batch.clear();
  ASSERT_OK(stream->ReadAfter(2, 10, &batch));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].sequence_number, "3");
  EXPECT_EQ(batch[0].new_image, Image("S", "c", 3));
  latest = stream->LatestSequence();
  ASSERT_OK(latest);
  EXPECT_EQ(*latest, 3u);
}

TEST_F(SqliteChangeStreamTest, StreamOpenFailsWithoutDatabase) {
  Result<std::unique_ptr<SqliteChangeStream>> stream =
      SqliteChangeStream::Open(dir_.path() / "missing.db");
  EXPECT_FALSE(stream.ok());
}

TEST_F(SqliteChangeStreamTest, SecondTableOnSameFileSharesStreamLabel) {
  Result<std::unique_ptr<SqliteInventoryTable>> second =
      SqliteInventoryTable::Open(db_path(), &clock_);
  ASSERT_OK(second);
  EXPECT_EQ((*second)->stream_label(), table_->stream_label());

  // A different database has a different label.
  Result<std::unique_ptr<SqliteInventoryTable>> other =
      SqliteInventoryTable::Open(dir_.path() / "other.db", &clock_);
  ASSERT_OK(other);
  EXPECT_NE((*other)->stream_label(), table_->stream_label());

  // Writes through either are one stream.
  Apply(Version("a.csv", 1), {Row("S", "a", 1)});
  Result<LoadStart> start = (*second)->BeginLoad(Version("b.csv", 1));
  ASSERT_OK(start);
  ASSERT_EQ(start->check, VersionCheck::kNew);
  ASSERT_OK(start->load->Put(Row("S", "b", 2)));
  ASSERT_OK(start->load->Commit());
  start->load.reset();
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].sequence_number, "2");
  EXPECT_EQ(records[1].event_id, table_->stream_label() + "-2");
  // And the version marks are shared.
  EXPECT_EQ(Check(Version("b.csv", 1)), VersionCheck::kAlreadyApplied);
}

TEST_F(SqliteChangeStreamTest, ReopenContinuesSequenceNumbers) {
  const std::string label = table_->stream_label();
  Apply(Version("a.csv", 1), {Row("S", "a", 1), Row("S", "b", 2)});
  table_.reset();
  OpenTable();
  EXPECT_EQ(table_->stream_label(), label);
  EXPECT_EQ(Check(Version("a.csv", 1)), VersionCheck::kAlreadyApplied);
  Apply(Version("b.csv", 1), {Row("S", "a", 0)});
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].sequence_number, "3");
  EXPECT_EQ(records[2].event_id, label + "-3");
  EXPECT_EQ(records[2].old_image, Image("S", "a", 1));
  EXPECT_EQ(records[2].new_image, Image("S", "a", 0));
  EXPECT_EQ(Items().size(), 2u);
}

// ---- concurrency ----

}  // namespace
}  // namespace invtrack
