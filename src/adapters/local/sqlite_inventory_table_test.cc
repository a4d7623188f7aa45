// Tests of SqliteInventoryTable: loads, change records, versions, uploads.
#include <atomic>
#include <thread>

#include "adapters/local/sqlite_inventory_table_test_util.h"

namespace invtrack {
namespace {

// ---- loads and change records ----

TEST_F(SqliteInventoryTableTest, NewTableIsEmpty) {
  EXPECT_TRUE(Items().empty());
  EXPECT_TRUE(AllRecords().empty());
  EXPECT_EQ(Latest(), 0u);
  Result<std::vector<UploadRecord>> uploads = table_->ListUploads(10);
  ASSERT_OK(uploads);
  EXPECT_TRUE(uploads->empty());
  EXPECT_EQ(table_->stream_label().size(), 8u);
  EXPECT_EQ(table_->path(), db_path());
}

TEST_F(SqliteInventoryTableTest, InsertThenModifyCarriesOldAndNewImages) {
  const int64_t first_load_ms = clock_.NowMillis();
  LoadStats stats = Apply(Version("inventory-berlin.csv", 1),
                          {Row("Berlin", "Echo Dot", 10, 3), Row("Berlin", "Echo Plus", 0)});
  EXPECT_EQ(stats.rows, 2u);
  EXPECT_EQ(stats.changes, 2u);

  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].event_name, StreamEventName::kInsert);
  EXPECT_FALSE(records[0].old_image.has_value());
  EXPECT_EQ(records[0].new_image, Image("Berlin", "Echo Dot", 10, 3));
  EXPECT_EQ(records[0].sequence_number, "1");
  EXPECT_EQ(records[0].event_id, table_->stream_label() + "-1");
  EXPECT_EQ(records[0].approximate_creation_time, first_load_ms / 1000);
  EXPECT_EQ(records[1].event_name, StreamEventName::kInsert);
  EXPECT_EQ(records[1].new_image, Image("Berlin", "Echo Plus", 0));
  EXPECT_EQ(records[1].sequence_number, "2");
  EXPECT_EQ(records[1].event_id, table_->stream_label() + "-2");

  clock_.Advance(60000);
  // The second file omits the threshold: the stored one is kept.
  stats = Apply(Version("inventory-berlin.csv", 2, "etag-2"),
                {Row("Berlin", "Echo Dot", 2), Row("Berlin", "Echo Plus", 0)});
  EXPECT_EQ(stats.rows, 2u);
  EXPECT_EQ(stats.changes, 1u);

  records = AllRecords();
  ASSERT_EQ(records.size(), 3u);
  const StreamRecord& modify = records[2];
  EXPECT_EQ(modify.event_name, StreamEventName::kModify);
  EXPECT_EQ(modify.old_image, Image("Berlin", "Echo Dot", 10, 3));
  EXPECT_EQ(modify.new_image, Image("Berlin", "Echo Dot", 2, 3));
  EXPECT_EQ(modify.sequence_number, "3");
  EXPECT_EQ(modify.event_id, table_->stream_label() + "-3");
  EXPECT_EQ(modify.approximate_creation_time, clock_.NowMillis() / 1000);
  EXPECT_EQ(Latest(), 3u);

  std::vector<InventoryItem> items = Items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].item, "Echo Dot");
  EXPECT_EQ(items[0].count, 2);
  EXPECT_EQ(items[0].low_threshold, 3);
  EXPECT_EQ(items[0].source_key, "inventory-berlin.csv");
  EXPECT_EQ(items[0].source_etag, "etag-2");
  EXPECT_EQ(items[0].updated_ms, clock_.NowMillis());
  EXPECT_EQ(items[1].item, "Echo Plus");
  EXPECT_EQ(items[1].count, 0);
  EXPECT_EQ(items[1].low_threshold, std::nullopt);
}

TEST_F(SqliteInventoryTableTest, ThresholdChangeAloneIsAModify) {
  Apply(Version("a.csv", 1), {Row("S", "I", 7)});
  LoadStats stats = Apply(Version("a.csv", 2, "e2"), {Row("S", "I", 7, 4)});
  EXPECT_EQ(stats.changes, 1u);
  stats = Apply(Version("a.csv", 3, "e3"), {Row("S", "I", 7, 9)});
  EXPECT_EQ(stats.changes, 1u);
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].event_name, StreamEventName::kModify);
  EXPECT_EQ(records[1].old_image, Image("S", "I", 7));
  EXPECT_EQ(records[1].new_image, Image("S", "I", 7, 4));
  EXPECT_EQ(records[2].old_image, Image("S", "I", 7, 4));
  EXPECT_EQ(records[2].new_image, Image("S", "I", 7, 9));
}

TEST_F(SqliteInventoryTableTest, UnchangedRowsProduceNoRecords) {
  std::vector<StockRow> rows = {Row("Berlin", "Echo Dot", 10, 3), Row("Berlin", "Echo Plus", 0)};
  Apply(Version("first.csv", 1), rows);
  ASSERT_EQ(Latest(), 2u);

  // Same data from another file, and again with the threshold left out.
  LoadStats stats = Apply(Version("second.csv", 1), rows);
  EXPECT_EQ(stats.rows, 2u);
  EXPECT_EQ(stats.changes, 0u);
  stats = Apply(Version("third.csv", 1),
                {Row("Berlin", "Echo Dot", 10), Row("Berlin", "Echo Plus", 0)});
  EXPECT_EQ(stats.changes, 0u);
  EXPECT_EQ(Latest(), 2u);
  EXPECT_EQ(AllRecords().size(), 2u);

  // The applied uploads report their change counts.
  Result<std::vector<UploadRecord>> uploads = table_->ListUploads(10);
  ASSERT_OK(uploads);
  ASSERT_EQ(uploads->size(), 3u);
  EXPECT_EQ((*uploads)[0].version.key, "third.csv");
  EXPECT_EQ((*uploads)[0].changes, 0u);
  EXPECT_EQ((*uploads)[2].version.key, "first.csv");
  EXPECT_EQ((*uploads)[2].changes, 2u);
  EXPECT_EQ((*uploads)[2].rows, 2u);
}

TEST_F(SqliteInventoryTableTest, CommitWithNoRowsIsApplied) {
  LoadStats stats = Apply(Version("empty.csv", 1), {});
  EXPECT_EQ(stats.rows, 0u);
  EXPECT_EQ(stats.changes, 0u);
  EXPECT_EQ(Latest(), 0u);
  EXPECT_EQ(Check(Version("empty.csv", 1)), VersionCheck::kAlreadyApplied);
}

// ---- all-or-nothing ----

TEST_F(SqliteInventoryTableTest, DroppedLoadLeavesTableAndStreamUntouched) {
  Apply(Version("base.csv", 1), {Row("Berlin", "Echo Dot", 10)});
  {
    std::unique_ptr<InventoryLoad> load = Begin(Version("dropped.csv", 1));
    ASSERT_NE(load, nullptr);
    ASSERT_OK(load->Put(Row("Berlin", "Echo Dot", 0)));
    ASSERT_OK(load->Put(Row("Berlin", "Echo Show", 5)));
  }  // dropped without Commit

  std::vector<InventoryItem> items = Items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].count, 10);
  EXPECT_EQ(Latest(), 1u);
  Result<std::vector<UploadRecord>> uploads = table_->ListUploads(10);
  ASSERT_OK(uploads);
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].version.key, "base.csv");
  Result<std::optional<UploadRecord>> found = table_->FindUpload(Version("dropped.csv", 1));
  ASSERT_OK(found);
  EXPECT_FALSE(found->has_value());

  // The version was not marked as seen, and the stream continues without a gap.
  LoadStats stats = Apply(Version("dropped.csv", 1), {Row("Berlin", "Echo Show", 5)});
  EXPECT_EQ(stats.changes, 1u);
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].sequence_number, "2");
  EXPECT_EQ(records[1].new_image, Image("Berlin", "Echo Show", 5));
}

TEST_F(SqliteInventoryTableTest, DroppedLoadAfterSegmentFlushesLeavesNoTrace) {
  Apply(Version("base.csv", 1), {Row("Berlin", "Echo Dot", 10)});
  const int kRows = static_cast<int>(SqliteInventoryTable::kSegmentRecords) * 2 + 10;
  {
    std::unique_ptr<InventoryLoad> load = Begin(Version("big.csv", 1));
    ASSERT_NE(load, nullptr);
    for (const StockRow& row : ManyRows(kRows)) {
      Result<PutOutcome> put = load->Put(row);
      ASSERT_OK(put);
    }
    // Two segments were written inside the open transaction by now.
  }
  EXPECT_EQ(Items().size(), 1u);
  EXPECT_EQ(Latest(), 1u);
  EXPECT_EQ(AllRecords().size(), 1u);

  // The next load gets sequence 2 onwards, and its records are its own.
  LoadStats stats = Apply(Version("next.csv", 1), {Row("Pusan", "Echo Look", 3)});
  EXPECT_EQ(stats.changes, 1u);
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].sequence_number, "2");
  EXPECT_EQ(records[1].new_image, Image("Pusan", "Echo Look", 3));
}

TEST_F(SqliteInventoryTableTest, BigLoadCommitsAcrossSegments) {
  const int kRows = static_cast<int>(SqliteInventoryTable::kSegmentRecords) * 2 + 10;
  LoadStats stats = Apply(Version("big.csv", 1), ManyRows(kRows));
  EXPECT_EQ(stats.rows, static_cast<uint64_t>(kRows));
  EXPECT_EQ(stats.changes, static_cast<uint64_t>(kRows));
  EXPECT_EQ(Latest(), static_cast<uint64_t>(kRows));
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    ASSERT_EQ(records[i].sequence_number, std::to_string(i + 1));
  }
  EXPECT_EQ(Items("Big").size(), static_cast<size_t>(kRows));
}

// ---- duplicates within one file ----

TEST_F(SqliteInventoryTableTest, InFileDuplicateWithOtherCountIsAConflict) {
  Apply(Version("base.csv", 1), {Row("Berlin", "Echo Dot", 10), Row("Berlin", "Echo Show", 3)});
  std::unique_ptr<InventoryLoad> load = Begin(Version("dup.csv", 1));
  ASSERT_NE(load, nullptr);
  Result<PutOutcome> first = load->Put(Row("Berlin", "Echo Dot", 4));
  ASSERT_OK(first);
  EXPECT_FALSE(first->conflict);
  Result<PutOutcome> second = load->Put(Row("Berlin", "Echo Dot", 7));
  ASSERT_OK(second);
  EXPECT_TRUE(second->conflict);
  EXPECT_EQ(second->earlier_count, 4);

  // Also for an item the file itself inserted.
  ASSERT_OK(load->Put(Row("Berlin", "New", 1)));
  Result<PutOutcome> third = load->Put(Row("Berlin", "New", 2));
  ASSERT_OK(third);
  EXPECT_TRUE(third->conflict);
  EXPECT_EQ(third->earlier_count, 1);

  // And for an item whose first line changed nothing.
  Result<PutOutcome> unchanged = load->Put(Row("Berlin", "Echo Show", 3));
  ASSERT_OK(unchanged);
  EXPECT_FALSE(unchanged->conflict);
  Result<PutOutcome> fourth = load->Put(Row("Berlin", "Echo Show", 9));
  ASSERT_OK(fourth);
  EXPECT_TRUE(fourth->conflict);
  EXPECT_EQ(fourth->earlier_count, 3);
  load.reset();  // the caller rejects the file

  std::vector<InventoryItem> items = Items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].count, 10);
  EXPECT_EQ(items[1].count, 3);
  EXPECT_EQ(Latest(), 2u);
}

TEST_F(SqliteInventoryTableTest, InFileDuplicateWithSameCountIsNoConflict) {
  Apply(Version("base.csv", 1), {Row("Berlin", "Echo Dot", 10)});
  std::unique_ptr<InventoryLoad> load = Begin(Version("dup.csv", 1));
  ASSERT_NE(load, nullptr);
  for (int i = 0; i < 3; ++i) {
    Result<PutOutcome> put = load->Put(Row("Berlin", "Echo Dot", 4));
    ASSERT_OK(put);
    EXPECT_FALSE(put->conflict) << "put " << i;
  }
  Result<LoadStats> stats = load->Commit();
  ASSERT_OK(stats);
  EXPECT_EQ(stats->changes, 1u);  // one change for the item, not one per line
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].old_image, Image("Berlin", "Echo Dot", 10));
  EXPECT_EQ(records[1].new_image, Image("Berlin", "Echo Dot", 4));
}

TEST_F(SqliteInventoryTableTest, SameItemInAnotherStoreIsNoConflict) {
  std::unique_ptr<InventoryLoad> load = Begin(Version("two.csv", 1));
  ASSERT_NE(load, nullptr);
  ASSERT_OK(load->Put(Row("Berlin", "Echo Dot", 4)));
  Result<PutOutcome> other = load->Put(Row("Pusan", "Echo Dot", 9));
  ASSERT_OK(other);
  EXPECT_FALSE(other->conflict);
  ASSERT_OK(load->Commit());
  EXPECT_EQ(Items().size(), 2u);
}

// ---- version ordering ----

TEST_F(SqliteInventoryTableTest, VersionCheckRules) {
  Apply(Version("k.csv", 5, "e5"), {Row("S", "I", 1)});
  EXPECT_EQ(Check(Version("k.csv", 5, "e5")), VersionCheck::kAlreadyApplied);
  EXPECT_EQ(Check(Version("k.csv", 5, "other")), VersionCheck::kSuperseded);
  EXPECT_EQ(Check(Version("k.csv", 4, "e4")), VersionCheck::kSuperseded);
  EXPECT_EQ(Check(Version("k.csv", 4, "e5")), VersionCheck::kSuperseded);
  EXPECT_EQ(Check(Version("k.csv", 6, "e6")), VersionCheck::kNew);
  // Other keys and buckets are independent.
  EXPECT_EQ(Check(Version("other.csv", 1, "e5")), VersionCheck::kNew);
  EXPECT_EQ(Check(Version("k.csv", 1, "e5", "other-bucket")), VersionCheck::kNew);

  // Fixed-width hex: 0x10 > 0x0F although '1' < 'F' at the last position.
  Apply(Version("hex.csv", 0x0F, "a"), {});
  EXPECT_EQ(Check(Version("hex.csv", 0x10, "b")), VersionCheck::kNew);
  EXPECT_EQ(Check(Version("hex.csv", 0x0E, "c")), VersionCheck::kSuperseded);
  // Sequencers compare case-insensitively.
  FileVersion lower = Version("hex.csv", 0x0F, "a");
  for (char& c : lower.sequencer) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(Check(lower), VersionCheck::kAlreadyApplied);

  // A newer version applied moves the mark: the old one is now superseded.
  Apply(Version("k.csv", 6, "e6"), {Row("S", "I", 2)});
  EXPECT_EQ(Check(Version("k.csv", 5, "e5")), VersionCheck::kSuperseded);
  EXPECT_EQ(Check(Version("k.csv", 6, "e6")), VersionCheck::kAlreadyApplied);
}

TEST_F(SqliteInventoryTableTest, RefusedBeginLoadReleasesTheWriter) {
  Apply(Version("k.csv", 5, "e5"), {Row("S", "I", 1)});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Check(Version("k.csv", 5, "e5")), VersionCheck::kAlreadyApplied);
    EXPECT_EQ(Check(Version("k.csv", 1, "e1")), VersionCheck::kSuperseded);
  }
  // Neither held the lock nor left an open transaction.
  LoadStats stats = Apply(Version("k.csv", 7, "e7"), {Row("S", "I", 2)});
  EXPECT_EQ(stats.changes, 1u);
  Result<std::vector<UploadRecord>> uploads = table_->ListUploads(10);
  ASSERT_OK(uploads);
  EXPECT_EQ(uploads->size(), 2u);  // refused versions leave no upload record
}

// ---- rejections and upload records ----

TEST_F(SqliteInventoryTableTest, RejectionIsListedWithItsProblems) {
  clock_.Advance(1000);
  std::vector<std::string> problems = {"line 2: count 'abc' is not a whole number",
                                       "line 3: item is empty", "Zürich: ünïcödé"};
  FileVersion rejected = Version("bad.csv", 3, "bad-etag");
  ASSERT_OK(table_->RecordRejection(rejected, problems));

  Result<std::vector<UploadRecord>> uploads = table_->ListUploads(10);
  ASSERT_OK(uploads);
  ASSERT_EQ(uploads->size(), 1u);
  const UploadRecord& u = (*uploads)[0];
  EXPECT_EQ(u.status, "rejected");
  EXPECT_EQ(u.problems, problems);
  EXPECT_EQ(u.rows, 0u);
  EXPECT_EQ(u.changes, 0u);
  EXPECT_EQ(u.time_ms, clock_.NowMillis());
  EXPECT_EQ(u.version.bucket, rejected.bucket);
  EXPECT_EQ(u.version.key, rejected.key);
  EXPECT_EQ(u.version.etag, rejected.etag);
  EXPECT_EQ(u.version.sequencer, rejected.sequencer);
  EXPECT_EQ(u.version.size, rejected.size);
  EXPECT_EQ(u.version.uploader, rejected.uploader);

  Result<std::optional<UploadRecord>> found = table_->FindUpload(rejected);
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->status, "rejected");
  EXPECT_EQ((*found)->problems, problems);
  EXPECT_EQ((*found)->id, u.id);

  // Nothing was written to the table or stream.
  EXPECT_TRUE(Items().empty());
  EXPECT_EQ(Latest(), 0u);
}

TEST_F(SqliteInventoryTableTest, RejectionCountsAsSeenForOrdering) {
  ASSERT_OK(table_->RecordRejection(Version("k.csv", 5, "e5"), {"line 2: bad"}));
  EXPECT_EQ(Check(Version("k.csv", 5, "e5")), VersionCheck::kAlreadyApplied);
  EXPECT_EQ(Check(Version("k.csv", 4, "e4")), VersionCheck::kSuperseded);
  EXPECT_EQ(Check(Version("k.csv", 6, "e6")), VersionCheck::kNew);
}

// A rejection of an older version that arrives after a newer one was applied
// (e.g. two invocations for the same key overlapping) must not lower the
// "newest seen" mark: the newer version stays applied, the older superseded.
TEST_F(SqliteInventoryTableTest, LateRejectionOfOlderVersionKeepsNewerMark) {
  Apply(Version("k.csv", 7, "e7"), {Row("S", "I", 1)});
  ASSERT_OK(table_->RecordRejection(Version("k.csv", 3, "e3"), {"line 2: bad"}));
  EXPECT_EQ(Check(Version("k.csv", 7, "e7")), VersionCheck::kAlreadyApplied);
  EXPECT_EQ(Check(Version("k.csv", 5, "e5")), VersionCheck::kSuperseded);
  EXPECT_EQ(Latest(), 1u);
}

TEST_F(SqliteInventoryTableTest, EmptyProblemListRoundTrips) {
  ASSERT_OK(table_->RecordRejection(Version("k.csv", 1), {}));
  Result<std::optional<UploadRecord>> found = table_->FindUpload(Version("k.csv", 1));
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->problems.empty());
}

TEST_F(SqliteInventoryTableTest, ListUploadsNewestFirstWithLimit) {
  Apply(Version("a.csv", 1, "ea"), {Row("S", "A", 1)});
  ASSERT_OK(table_->RecordRejection(Version("b.csv", 1, "eb"), {"line 2: bad"}));
  Apply(Version("c.csv", 1, "ec"), {Row("S", "C", 1), Row("S", "D", 2)});

  Result<std::vector<UploadRecord>> all = table_->ListUploads(10);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].version.key, "c.csv");
  EXPECT_EQ((*all)[0].status, "applied");
  EXPECT_EQ((*all)[0].rows, 2u);
  EXPECT_EQ((*all)[0].changes, 2u);
  EXPECT_TRUE((*all)[0].problems.empty());
  EXPECT_EQ((*all)[1].version.key, "b.csv");
  EXPECT_EQ((*all)[1].status, "rejected");
  EXPECT_EQ((*all)[2].version.key, "a.csv");
  EXPECT_GT((*all)[0].id, (*all)[1].id);
  EXPECT_GT((*all)[1].id, (*all)[2].id);

  Result<std::vector<UploadRecord>> two = table_->ListUploads(2);
  ASSERT_OK(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].version.key, "b.csv");
  Result<std::vector<UploadRecord>> none = table_->ListUploads(0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(SqliteInventoryTableTest, FindUploadMatchesBucketKeyAndEtag) {
  Apply(Version("k.csv", 1, "e1"), {Row("S", "I", 1)});
  clock_.Advance(5);
  Apply(Version("k.csv", 2, "e2"), {Row("S", "I", 2)});

  Result<std::optional<UploadRecord>> first = table_->FindUpload(Version("k.csv", 1, "e1"));
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->version.sequencer, Seq(1));
  EXPECT_EQ((*first)->status, "applied");
  EXPECT_EQ((*first)->rows, 1u);

  Result<std::optional<UploadRecord>> second = table_->FindUpload(Version("k.csv", 2, "e2"));
  ASSERT_OK(second);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->version.sequencer, Seq(2));
  EXPECT_EQ((*second)->time_ms, clock_.NowMillis());

  for (const FileVersion& missing : {Version("k.csv", 1, "nope"), Version("other.csv", 1, "e1"),
                                     Version("k.csv", 1, "e1", "other-bucket")}) {
    Result<std::optional<UploadRecord>> found = table_->FindUpload(missing);
    ASSERT_OK(found);
    EXPECT_FALSE(found->has_value()) << missing.bucket << "/" << missing.key << " " << missing.etag;
  }
}

TEST_F(SqliteInventoryTableTest, FindUploadReturnsTheMostRecentRecord) {
  // Same content (same etag) uploaded twice under one key.
  Apply(Version("k.csv", 1, "same"), {Row("S", "I", 1)});
  Apply(Version("k.csv", 2, "same"), {Row("S", "I", 1)});
  Result<std::optional<UploadRecord>> found = table_->FindUpload(Version("k.csv", 1, "same"));
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->version.sequencer, Seq(2));
  EXPECT_EQ((*found)->changes, 0u);
}

// ---- reads ----

TEST_F(SqliteInventoryTableTest, ScanItemsOrderAndStoreFilter) {
  Apply(Version("a.csv", 1),
        {Row("Zürich", "b", 1), Row("Berlin", "echo", 2), Row("Berlin", "Echo", 3),
         Row("Berlin", "Amazon Tap", 4), Row("Pusan", "x", 5), Row("berlin", "a", 6)});
  std::vector<std::pair<std::string, std::string>> keys;
  for (const InventoryItem& item : Items()) keys.emplace_back(item.store, item.item);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Berlin", "Amazon Tap"}, {"Berlin", "Echo"}, {"Berlin", "echo"},
      {"Pusan", "x"},           {"Zürich", "b"},    {"berlin", "a"}};
  EXPECT_EQ(keys, expected);

  std::vector<InventoryItem> berlin = Items("Berlin");
  ASSERT_EQ(berlin.size(), 3u);
  for (const InventoryItem& item : berlin) EXPECT_EQ(item.store, "Berlin");
  EXPECT_EQ(berlin[0].item, "Amazon Tap");
  EXPECT_EQ(berlin[0].count, 4);

  ASSERT_EQ(Items("Zürich").size(), 1u);
  EXPECT_TRUE(Items("Nowhere").empty());
  EXPECT_TRUE(Items("").empty());
}

TEST_F(SqliteInventoryTableTest, ScanItemsStopsWhenVisitorSaysSo) {
  Apply(Version("a.csv", 1), {Row("S", "a", 1), Row("S", "b", 2), Row("S", "c", 3)});
  int visited = 0;
  ASSERT_OK(table_->ScanItems(ItemQuery{}, [&](const InventoryItem&) { return ++visited < 2; }));
  EXPECT_EQ(visited, 2);
}
TEST_F(SqliteInventoryTableTest, ReaderOnAnotherThreadSeesPreLoadState) {
  Apply(Version("base.csv", 1), {Row("Berlin", "Echo Dot", 10), Row("Berlin", "Echo Plus", 3)});
  std::unique_ptr<InventoryLoad> load = Begin(Version("next.csv", 1));
  ASSERT_NE(load, nullptr);
  ASSERT_OK(load->Put(Row("Berlin", "Echo Dot", 0)));
  ASSERT_OK(load->Put(Row("Berlin", "Echo Show", 7)));
  // Enough rows that pages and a segment spill while the load is open.
  for (const StockRow& row : ManyRows(SqliteInventoryTable::kSegmentRecords + 5)) {
    ASSERT_OK(load->Put(row));
  }

  std::vector<InventoryItem> seen;
  Status scan;
  uint64_t latest = 99;
  Status latest_status;
  std::thread reader([&] {
    scan = table_->ScanItems(ItemQuery{}, [&](const InventoryItem& item) {
      seen.push_back(item);
      return true;
    });
    Result<std::unique_ptr<SqliteChangeStream>> stream = SqliteChangeStream::Open(db_path());
    if (!stream.ok()) {
      latest_status = stream.status();
      return;
    }
    Result<uint64_t> l = (*stream)->LatestSequence();
    latest_status = l.status();
    if (l.ok()) latest = *l;
  });
  reader.join();
  ASSERT_OK(scan);
  ASSERT_OK(latest_status);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].item, "Echo Dot");
  EXPECT_EQ(seen[0].count, 10);
  EXPECT_EQ(seen[1].item, "Echo Plus");
  EXPECT_EQ(latest, 2u);

  ASSERT_OK(load->Commit());
  load.reset();
  std::vector<InventoryItem> after = Items("Berlin");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].count, 0);
  EXPECT_EQ(Latest(), 2u + 2u + SqliteInventoryTable::kSegmentRecords + 5);
}

TEST_F(SqliteInventoryTableTest, ConcurrentLoadsAreSerialised) {
  // Several threads apply files of distinct keys; every row and change lands
  // exactly once and the stream has no gaps.
  constexpr int kThreads = 4;
  constexpr int kFilesPerThread = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int f = 0; f < kFilesPerThread; ++f) {
        std::string key = "t" + std::to_string(t) + "-f" + std::to_string(f) + ".csv";
        Result<LoadStart> start = table_->BeginLoad(Version(key, 1));
        if (!start.ok() || start->check != VersionCheck::kNew) {
          ++failures;
          continue;
        }
        for (int r = 0; r < 10; ++r) {
          if (!start->load->Put(Row("T" + std::to_string(t), key + std::to_string(r), r)).ok()) {
            ++failures;
          }
        }
        if (!start->load->Commit().ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Items().size(), static_cast<size_t>(kThreads * kFilesPerThread * 10));
  std::vector<StreamRecord> records = AllRecords();
  ASSERT_EQ(records.size(), static_cast<size_t>(kThreads * kFilesPerThread * 10));
  std::set<std::pair<std::string, std::string>> keys;
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].sequence_number, std::to_string(i + 1));
    keys.emplace(records[i].store(), records[i].item());
  }
  EXPECT_EQ(keys.size(), records.size());
}

}  // namespace
}  // namespace invtrack
