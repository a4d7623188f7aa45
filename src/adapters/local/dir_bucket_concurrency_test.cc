// DirBucket: overwrites, commit hooks, and concurrent use from threads and
// from two instances on one root (as two processes would).
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "adapters/local/sqlite_db.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::CountFiles;
using testing::Get;
using testing::Md5Hex;
using testing::Pattern;
using testing::PutString;
using testing::ReadAll;
using testing::TempDir;

class DirBucketWriteTest : public ::testing::Test {
 protected:
  void SetUp() override { bucket_ = OpenBucket(); }

  std::unique_ptr<DirBucket> OpenBucket() {
    // Every body a data file: these tests count and race on data files
    // (inline bodies have dir_bucket_inline_test.cc).
    Result<std::unique_ptr<DirBucket>> opened =
        DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = 0});
    EXPECT_OK(opened);
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  // A table the hooks write into, as the notification outbox would be.
  void CreateEventsTable() {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("CREATE TABLE events (key TEXT, etag TEXT, sequencer TEXT)"));
  }

  int64_t CountEvents() {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    EXPECT_OK(db);
    Result<SqliteStatement> stmt = (*db)->Prepare("SELECT count(*) FROM events");
    EXPECT_OK(stmt);
    EXPECT_TRUE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }

  fs::path root() const { return dir_.path() / "bucket"; }
  int DataFiles() const { return CountFiles(root() / "data"); }
  int TmpFiles() const { return CountFiles(root() / "tmp"); }

  TempDir dir_;
  std::unique_ptr<DirBucket> bucket_;
};

Status InsertEvent(SqliteDb& db, const StoredObject& object) {
  Result<SqliteStatement> stmt =
      db.Prepare("INSERT INTO events (key, etag, sequencer) VALUES (?1, ?2, ?3)");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, object.key).Bind(2, object.info.etag).Bind(3, object.info.sequencer).Run();
}

TEST_F(DirBucketWriteTest, OverwriteHasGreaterSequencerAndDeletesOldFile) {
  Result<StoredObject> first = PutString(*bucket_, "k", "one");
  ASSERT_OK(first);
  Result<StoredObject> second = PutString(*bucket_, "k", "two");
  ASSERT_OK(second);
  EXPECT_GT(second->info.sequencer, first->info.sequencer);
  EXPECT_EQ(second->info.etag, Md5Hex("two"));
  EXPECT_EQ(Get(*bucket_, "k").value(), "two");
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketWriteTest, ReaderOfOldVersionKeepsReadingAfterOverwriteAndDelete) {
  std::string old_body = Pattern(3 * 1024 * 1024, 1);
  ASSERT_OK(PutString(*bucket_, "k", old_body));
  Result<std::unique_ptr<ObjectStream>> reader = bucket_->Open("inventory", "k");
  ASSERT_OK(reader);
  char head[1000];
  ASSERT_EQ((*reader)->Read(head, sizeof(head)).value(), sizeof(head));

  ASSERT_OK(PutString(*bucket_, "k", "new"));
  EXPECT_EQ(DataFiles(), 1);  // the old file is unlinked, still open here
  Result<std::string> rest = ReadAll(reader->get());
  ASSERT_OK(rest);
  EXPECT_TRUE(std::string(head, sizeof(head)) + *rest == old_body);
  EXPECT_EQ((*reader)->info().etag, Md5Hex(old_body));

  Result<std::unique_ptr<ObjectStream>> newer = bucket_->Open("inventory", "k");
  ASSERT_OK(newer);
  EXPECT_OK(bucket_->Delete("k"));
  EXPECT_EQ(ReadAll(newer->get()).value(), "new");
  EXPECT_EQ(DataFiles(), 0);
}

TEST_F(DirBucketWriteTest, FailingHookRollsBackEverything) {
  CreateEventsTable();
  auto failing = [](SqliteDb& db, const StoredObject& object) {
    Status written = InsertEvent(db, object);
    return written.ok() ? Status::Unavailable("notification refused") : written;
  };
  Status status = PutString(*bucket_, "new-key", "body", {}, failing).status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
  EXPECT_TRUE(bucket_->Head("new-key").status().IsNotFound());
  EXPECT_EQ(CountEvents(), 0);
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(TmpFiles(), 0);

  // Over an existing key, the previous version stays.
  Result<StoredObject> first = PutString(*bucket_, "k", "first");
  ASSERT_OK(first);
  EXPECT_FALSE(PutString(*bucket_, "k", "second", {}, failing).ok());
  Result<StoredObject> head = bucket_->Head("k");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.sequencer, first->info.sequencer);
  EXPECT_EQ(Get(*bucket_, "k").value(), "first");
  EXPECT_EQ(DataFiles(), 1);

  // The sequencer bump was rolled back too, yet the next one is still greater.
  Result<StoredObject> third = PutString(*bucket_, "k", "third");
  ASSERT_OK(third);
  EXPECT_GT(third->info.sequencer, first->info.sequencer);
}

TEST_F(DirBucketWriteTest, HookSeesObjectAndItsWritesCommitWithIt) {
  CreateEventsTable();
  StoredObject seen;
  bool visible_inside = false;
  Status outside = Status::OK();
  auto hook = [&](SqliteDb& db, const StoredObject& object) {
    seen = object;
    // The hook's connection sees the new row; other connections do not yet.
    Result<SqliteStatement> stmt = db.Prepare("SELECT sequencer FROM objects WHERE key = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, object.key);
    visible_inside = stmt->Step().value() && stmt->ColumnText(0) == object.info.sequencer;
    outside = bucket_->Head(object.key).status();
    return InsertEvent(db, object);
  };
  PutOptions options;
  options.content_type = "text/csv";
  options.user_metadata = {{"store", "s1"}};
  Result<StoredObject> put = PutString(*bucket_, "stores/s1/a.csv", "a,b\n", options, hook);
  ASSERT_OK(put);
  EXPECT_EQ(seen.key, "stores/s1/a.csv");
  EXPECT_EQ(seen.info.etag, Md5Hex("a,b\n"));
  EXPECT_EQ(seen.info.size, 4u);
  EXPECT_EQ(seen.info.sequencer, put->info.sequencer);
  EXPECT_EQ(seen.content_type, "text/csv");
  EXPECT_EQ(seen.user_metadata.at("store"), "s1");
  EXPECT_TRUE(visible_inside);
  EXPECT_TRUE(outside.IsNotFound()) << outside.ToString();
  EXPECT_EQ(CountEvents(), 1);
}

TEST_F(DirBucketWriteTest, ConcurrentPutsOfOneKeyLeaveOneConsistentObject) {
  constexpr int kThreads = 2;
  constexpr int kPuts = 50;
  std::map<std::string, std::string> etag_of_body;
  std::vector<std::vector<std::string>> bodies(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPuts; ++i) {
      bodies[t].push_back(Pattern(20000 + 100 * i, t * 1000 + i));
      etag_of_body[bodies[t].back()] = Md5Hex(bodies[t].back());
    }
  }
  std::vector<std::vector<std::string>> sequencers(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const std::string& body : bodies[t]) {
        Result<StoredObject> put = PutString(*bucket_, "shared.csv", body);
        if (!put.ok()) {
          ADD_FAILURE() << put.status().ToString();
          ++failures;
          continue;
        }
        sequencers[t].push_back(put->info.sequencer);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);

  std::set<std::string> all;
  for (const auto& mine : sequencers) {
    for (size_t i = 1; i < mine.size(); ++i) EXPECT_LT(mine[i - 1], mine[i]);
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPuts));

  Result<StoredObject> head = bucket_->Head("shared.csv");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.sequencer, *all.rbegin());  // the last commit won
  Result<std::string> body = Get(*bucket_, "shared.csv");
  ASSERT_OK(body);
  ASSERT_TRUE(etag_of_body.count(*body));
  EXPECT_EQ(head->info.etag, etag_of_body[*body]);
  EXPECT_EQ(head->info.size, body->size());
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketWriteTest, ReadersDuringOverwritesSeeWholeVersions) {
  ASSERT_OK(PutString(*bucket_, "k", Pattern(300000, 0)));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (unsigned i = 1; i <= 40; ++i) EXPECT_OK(PutString(*bucket_, "k", Pattern(300000, i)));
    done = true;
  });
  int reads = 0;
  while (!done || reads == 0) {
    Result<std::unique_ptr<ObjectStream>> stream = bucket_->Open("inventory", "k");
    ASSERT_OK(stream);
    Result<std::string> body = ReadAll(stream->get(), 65536);
    ASSERT_OK(body);
    EXPECT_EQ(Md5Hex(*body), (*stream)->info().etag);
    ++reads;
  }
  writer.join();
  EXPECT_EQ(DataFiles(), 1);
}

TEST_F(DirBucketWriteTest, SequencersIncreaseAcrossTwoInstancesOnOneRoot) {
  std::unique_ptr<DirBucket> other = OpenBucket();
  ASSERT_NE(other, nullptr);
  std::string last;
  for (int i = 0; i < 20; ++i) {
    DirBucket& bucket = i % 2 == 0 ? *bucket_ : *other;
    Result<StoredObject> put =
        PutString(bucket, i % 3 == 0 ? "same" : "k" + std::to_string(i), "v" + std::to_string(i));
    ASSERT_OK(put);
    EXPECT_GT(put->info.sequencer, last);
    last = put->info.sequencer;
  }
  EXPECT_EQ(Get(*other, "same").value(), "v18");
  EXPECT_EQ(Get(*bucket_, "same").value(), "v18");

  // Concurrently, one thread per instance: still unique and increasing.
  std::vector<std::string> seqs[2];
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      DirBucket& bucket = t == 0 ? *bucket_ : *other;
      for (int i = 0; i < 30; ++i) {
        Result<StoredObject> put = PutString(bucket, "t" + std::to_string(i % 4), "x");
        if (put.ok())
          seqs[t].push_back(put->info.sequencer);
        else
          ADD_FAILURE() << put.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : seqs) {
    for (size_t i = 1; i < mine.size(); ++i) EXPECT_LT(mine[i - 1], mine[i]);
    for (const std::string& seq : mine) EXPECT_GT(seq, last);
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), 60u);
  EXPECT_EQ(DataFiles(), 1 + 13 + 4);  // "same", the 13 "k<i>" keys, t0..t3
}

}  // namespace
}  // namespace invtrack
