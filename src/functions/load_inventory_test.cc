#include "functions/load_inventory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/in_memory_ports.h"
#include "test_util.h"

namespace invtrack {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::InMemoryObjects;
using testing::InMemoryTable;

constexpr char kBerlin[] =
    "store,item,count\n"
    "Berlin,Echo Dot,12\n"
    "Berlin,Echo (2nd Gen),19\n"
    "Berlin,Echo Plus,0\n";

class LoadInventoryTest : public ::testing::Test {
 protected:
  S3EventRecord Upload(const std::string& key, std::string body, const std::string& etag,
                       const std::string& sequencer) {
    objects_.Put(key, std::move(body), etag);
    S3EventRecord record;
    record.bucket = "inventory";
    record.key = key;
    record.etag = etag;
    record.sequencer = sequencer;
    return record;
  }

  FileResult LoadOne(const S3EventRecord& record) {
    Result<std::vector<FileResult>> results = function_.Handle({&record, 1});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok() || results->size() != 1) return {};
    return (*results)[0];
  }

  int64_t Count(const std::string& store, const std::string& item) {
    auto it = table_.rows.find({store, item});
    return it == table_.rows.end() ? -1 : it->second.count;
  }

  InMemoryObjects objects_;
  InMemoryTable table_;
  LoadInventory function_{&objects_, &table_};
};

TEST_F(LoadInventoryTest, LabFileLoadsEveryRow) {
  FileResult result = LoadOne(Upload("inventory-berlin.csv", kBerlin, "e1", "01"));
  EXPECT_EQ(result.outcome, FileOutcome::kApplied);
  EXPECT_EQ(result.stats.rows, 3u);
  EXPECT_EQ(result.stats.changes, 3u);
  EXPECT_EQ(Count("Berlin", "Echo Dot"), 12);
  EXPECT_EQ(Count("Berlin", "Echo Plus"), 0);
  EXPECT_EQ(table_.changes.size(), 3u);
}

TEST_F(LoadInventoryTest, BadRowRejectsTheWholeFileAndNamesTheLine) {
  LoadOne(Upload("inventory-berlin.csv", kBerlin, "e1", "01"));
  FileResult result = LoadOne(Upload("inventory-berlin.csv",
                                     "store,item,count\n"
                                     "Berlin,Echo Dot,5\n"
                                     "Berlin,Echo Show,many\n"
                                     "Berlin,,3\n",
                                     "e2", "02"));
  EXPECT_EQ(result.outcome, FileOutcome::kRejected);
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_THAT(result.problems[0], HasSubstr("line 3"));
  EXPECT_THAT(result.problems[1], HasSubstr("line 4"));
  EXPECT_EQ(Count("Berlin", "Echo Dot"), 12) << "the good row before the bad one is not applied";
  EXPECT_EQ(table_.changes.size(), 3u);
  ASSERT_EQ(table_.rejections.size(), 1u);
  EXPECT_EQ(table_.rejections[0].second, result.problems);
}

TEST_F(LoadInventoryTest, DuplicateItemWithDifferentCountsIsRejected) {
  FileResult result = LoadOne(Upload("f.csv",
                                     "store,item,count\n"
                                     "Berlin,Echo Dot,5\n"
                                     "Berlin,Echo Dot,5\n"
                                     "Berlin,Echo Dot,7\n",
                                     "e1", "01"));
  EXPECT_EQ(result.outcome, FileOutcome::kRejected);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_THAT(result.problems[0], HasSubstr("line 4"));
  EXPECT_THAT(result.problems[0], HasSubstr("Echo Dot"));
  EXPECT_TRUE(table_.rows.empty());
}

TEST_F(LoadInventoryTest, ProblemsAreCappedWithACountOfTheRest) {
  std::string body = "store,item,count\n";
  for (int i = 0; i < 150; ++i) body += "Berlin,Item" + std::to_string(i) + ",x\n";
  FileResult result = LoadOne(Upload("f.csv", body, "e1", "01"));
  EXPECT_EQ(result.outcome, FileOutcome::kRejected);
  ASSERT_EQ(result.problems.size(), 101u);
  EXPECT_THAT(result.problems[0], HasSubstr("line 2"));
  EXPECT_THAT(result.problems.back(), HasSubstr("stopped after 100 problems"));
}

TEST_F(LoadInventoryTest, EmptyAndHeaderOnlyFilesGetClearErrors) {
  FileResult empty = LoadOne(Upload("a.csv", "", "e1", "01"));
  EXPECT_EQ(empty.outcome, FileOutcome::kRejected);
  EXPECT_THAT(empty.problems, ElementsAre(HasSubstr("empty")));
  FileResult header_only = LoadOne(Upload("b.csv", "store,item,count\r\n", "e2", "02"));
  EXPECT_EQ(header_only.outcome, FileOutcome::kRejected);
  EXPECT_THAT(header_only.problems, ElementsAre(HasSubstr("no rows")));
}

TEST_F(LoadInventoryTest, BinaryAndNonUtf8FilesAreRejected) {
  FileResult binary =
      LoadOne(Upload("a.csv", std::string("store,item,count\nB,\0x,1\n", 24), "e1", "01"));
  EXPECT_EQ(binary.outcome, FileOutcome::kRejected);
  EXPECT_THAT(binary.problems, ElementsAre(HasSubstr("line 2")));
  FileResult latin1 = LoadOne(Upload("b.csv", "store,item,count\nK\xf6ln,Echo,1\n", "e2", "02"));
  EXPECT_EQ(latin1.outcome, FileOutcome::kRejected);
  EXPECT_THAT(latin1.problems, ElementsAre(HasSubstr("UTF-8")));
  EXPECT_TRUE(table_.rows.empty());
}

TEST_F(LoadInventoryTest, MissingColumnRejectsTheFile) {
  FileResult result = LoadOne(Upload("a.csv", "store,item\nBerlin,Echo\n", "e1", "01"));
  EXPECT_EQ(result.outcome, FileOutcome::kRejected);
  EXPECT_THAT(result.problems, ElementsAre(HasSubstr("count")));
}

TEST_F(LoadInventoryTest, StorePrefixOfTheKeySuppliesOrChecksTheStore) {
  FileResult no_store_column =
      LoadOne(Upload("stores/Pusan/today.csv", "item,count\nEcho Dot,4\n", "e1", "01"));
  EXPECT_EQ(no_store_column.outcome, FileOutcome::kApplied);
  EXPECT_EQ(Count("Pusan", "Echo Dot"), 4);
  FileResult wrong_store = LoadOne(
      Upload("stores/Pusan/other.csv", "store,item,count\nBerlin,Echo Dot,4\n", "e2", "02"));
  EXPECT_EQ(wrong_store.outcome, FileOutcome::kRejected);
  EXPECT_THAT(wrong_store.problems, ElementsAre(HasSubstr("Berlin")));
}

TEST_F(LoadInventoryTest, RedeliveryOfTheSameVersionAppliesNothingTwice) {
  S3EventRecord record = Upload("inventory-berlin.csv", kBerlin, "e1", "01");
  EXPECT_EQ(LoadOne(record).outcome, FileOutcome::kApplied);
  EXPECT_EQ(LoadOne(record).outcome, FileOutcome::kAlreadyApplied);
  EXPECT_EQ(table_.changes.size(), 3u);
}

TEST_F(LoadInventoryTest, AnOlderVersionArrivingLateDoesNotOverwrite) {
  S3EventRecord older = Upload("f.csv", "store,item,count\nBerlin,Echo Dot,1\n", "old", "0A");
  S3EventRecord newer = Upload("f.csv", "store,item,count\nBerlin,Echo Dot,2\n", "new", "0B");
  EXPECT_EQ(LoadOne(newer).outcome, FileOutcome::kApplied);
  // The old event's object now has the new ETag: detected before reading.
  EXPECT_EQ(LoadOne(older).outcome, FileOutcome::kSuperseded);
  // Even if the old body were still readable, its sequencer is older.
  objects_.Put("f.csv", "store,item,count\nBerlin,Echo Dot,1\n", "old");
  EXPECT_EQ(LoadOne(older).outcome, FileOutcome::kSuperseded);
  EXPECT_EQ(Count("Berlin", "Echo Dot"), 2);
}

TEST_F(LoadInventoryTest, UnchangedRowsProduceNoChangeRecords) {
  LoadOne(Upload("f.csv", kBerlin, "e1", "01"));
  FileResult again = LoadOne(Upload("f.csv", kBerlin, "e2", "02"));
  EXPECT_EQ(again.outcome, FileOutcome::kApplied);
  EXPECT_EQ(again.stats.rows, 3u);
  EXPECT_EQ(again.stats.changes, 0u);
  EXPECT_EQ(table_.changes.size(), 3u);
}

TEST_F(LoadInventoryTest, EveryRecordOfTheEventIsHandled) {
  std::vector<S3EventRecord> records = {
      Upload("a.csv", "store,item,count\nBerlin,Echo Dot,1\n", "a", "01"),
      Upload("b.csv", "store,item,count\nPusan,Echo Dot,2\n", "b", "02")};
  Result<std::vector<FileResult>> results = function_.Handle(records);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ(Count("Berlin", "Echo Dot"), 1);
  EXPECT_EQ(Count("Pusan", "Echo Dot"), 2);
}

TEST_F(LoadInventoryTest, NonUploadEventsAndVanishedObjectsAreSkipped) {
  S3EventRecord removed = Upload("a.csv", kBerlin, "e1", "01");
  removed.event_name = "ObjectRemoved:Delete";
  EXPECT_EQ(LoadOne(removed).outcome, FileOutcome::kSkipped);
  S3EventRecord gone = Upload("b.csv", kBerlin, "e2", "02");
  objects_.Remove("b.csv");
  EXPECT_EQ(LoadOne(gone).outcome, FileOutcome::kSkipped);
  EXPECT_TRUE(table_.rows.empty());
}

TEST_F(LoadInventoryTest, InfrastructureFailuresFailTheInvocation) {
  S3EventRecord record = Upload("a.csv", kBerlin, "e1", "01");
  objects_.FailNextOpen(Status::IOError("disk gone"));
  EXPECT_FALSE(function_.Handle({&record, 1}).ok());
  table_.FailNextBegin(Status::Unavailable("database is locked"));
  EXPECT_FALSE(function_.Handle({&record, 1}).ok());
  EXPECT_TRUE(table_.rows.empty());
  EXPECT_EQ(LoadOne(record).outcome, FileOutcome::kApplied) << "a retry succeeds";
}

TEST(FileResultJsonTest, RoundTrips) {
  FileResult r;
  r.version = FileVersion{"inventory", "stores/Berlin/a b.csv", "abc", "0F", 42, "AKIA"};
  r.outcome = FileOutcome::kRejected;
  r.problems = {"line 2: count 'x' is not a whole number >= 0"};
  r.note = "n";
  std::string json = FileResultsToJson({&r, 1});
  Result<std::vector<FileResult>> parsed = ParseFileResults(json);
  ASSERT_OK(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].version.key, r.version.key);
  EXPECT_EQ((*parsed)[0].outcome, FileOutcome::kRejected);
  EXPECT_EQ((*parsed)[0].problems, r.problems);
  EXPECT_FALSE(ParseFileResults("{").ok());
  EXPECT_FALSE(ParseFileResults(R"({"files":[{"bucket":"b","key":"k","outcome":"odd"}]})").ok());
}

}  // namespace
}  // namespace invtrack
