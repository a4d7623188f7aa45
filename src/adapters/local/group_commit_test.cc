#include "adapters/local/group_commit.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

std::unique_ptr<SqliteDb> OpenDb(const std::filesystem::path& path) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  EXPECT_OK(db.status());
  EXPECT_OK((*db)->Exec("CREATE TABLE IF NOT EXISTS t (v INTEGER PRIMARY KEY)"));
  return std::move(db).value();
}

int64_t CountRows(SqliteDb& db) {
  Result<SqliteStatement> count = db.Prepare("SELECT count(*) FROM t");
  EXPECT_OK(count.status());
  EXPECT_TRUE(*count->Step());
  return count->ColumnInt(0);
}

Status Insert(SqliteDb& db, int64_t value) {
  Result<SqliteStatement> insert = db.Prepare("INSERT INTO t (v) VALUES (?1)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, value);
  return insert->Run();
}

TEST(GroupCommitTest, ConcurrentCallersShareTransactionsAndAllCommit) {
  testing::TempDir dir;
  GroupCommit group(OpenDb(dir.path() / "g.db"));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::atomic<int> arrived{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ++arrived;
        Status status = group.Run([&](SqliteDb& db) {
          if (t == 0 && i == 0) {
            // Hold the first batch until every thread has queued once, so
            // batching is observable; bounded in case a thread is slow.
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (arrived < kThreads && std::chrono::steady_clock::now() < deadline) {
              std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
          return Insert(db, t * 1000 + i);
        });
        EXPECT_OK(status);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::unique_ptr<SqliteDb> reader = OpenDb(dir.path() / "g.db");
  EXPECT_EQ(CountRows(*reader), kThreads * kPerThread);
  EXPECT_LT(group.batches(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(GroupCommitTest, AFailingItemRollsBackOnlyItself) {
  testing::TempDir dir;
  GroupCommit group(OpenDb(dir.path() / "g.db"));
  ASSERT_OK(group.Run([](SqliteDb& db) { return Insert(db, 1); }));
  // Writes, then fails: its insert must vanish, the others stay.
  Status failed = group.Run([](SqliteDb& db) {
    Status inserted = Insert(db, 2);
    if (!inserted.ok()) return inserted;
    return Status::Aborted("hook refused");
  });
  EXPECT_TRUE(failed.IsAborted());
  Status duplicate = group.Run([](SqliteDb& db) { return Insert(db, 1); });
  EXPECT_TRUE(duplicate.IsAlreadyExists()) << duplicate.ToString();
  ASSERT_OK(group.Run([](SqliteDb& db) { return Insert(db, 3); }));
  std::unique_ptr<SqliteDb> reader = OpenDb(dir.path() / "g.db");
  EXPECT_EQ(CountRows(*reader), 2);
  Result<SqliteStatement> two = reader->Prepare("SELECT count(*) FROM t WHERE v = 2");
  ASSERT_OK(two.status());
  ASSERT_TRUE(*two->Step());
  EXPECT_EQ(two->ColumnInt(0), 0);
}

TEST(GroupCommitTest, FailuresInsideOneBatchDoNotAffectNeighbours) {
  testing::TempDir dir;
  GroupCommit group(OpenDb(dir.path() / "g.db"));
  std::atomic<int> arrived{0};
  std::vector<std::thread> threads;
  std::vector<Status> results(6);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      ++arrived;
      results[t] = group.Run([&, t](SqliteDb& db) {
        if (t == 0) {
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (arrived < 6 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        Status inserted = Insert(db, t);
        if (!inserted.ok() || t % 2 == 0) return inserted;
        return Status::Aborted("odd items fail");
      });
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 6; ++t) EXPECT_EQ(results[t].ok(), t % 2 == 0) << t;
  std::unique_ptr<SqliteDb> reader = OpenDb(dir.path() / "g.db");
  EXPECT_EQ(CountRows(*reader), 3);
}

}  // namespace
}  // namespace invtrack
