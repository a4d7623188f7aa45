#include "adapters/local/wal_checkpointer.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using testing::TempDir;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(dir_.Sub("t.db"), SqliteOptions{.background_checkpoints = true});
    ASSERT_OK(db);
    db_ = std::move(db).value();
    ASSERT_OK(db_->Exec("CREATE TABLE t(x INTEGER)"));
  }

  void Write(int rows) {
    ASSERT_OK(db_->Exec("BEGIN"));
    for (int i = 0; i < rows; ++i) ASSERT_OK(db_->Exec("INSERT INTO t VALUES(randomblob(1000))"));
    ASSERT_OK(db_->Exec("COMMIT"));
  }

  TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(WalCheckpointerTest, CommitsNoLongerCheckpointThemselves) {
  // 3,000 pages: far past SQLite's automatic threshold of 1,000.
  Write(3000);
  std::error_code ignored;
  EXPECT_GT(std::filesystem::file_size(dir_.Sub("t.db-wal"), ignored), 3000u * 1000);
  EXPECT_LT(std::filesystem::file_size(dir_.Sub("t.db"), ignored), 100u * 1024)
      << "the database file must not have received the pages yet";
}

TEST_F(WalCheckpointerTest, CheckpointNowCopiesTheLog) {
  Write(200);
  Result<std::unique_ptr<WalCheckpointer>> checkpointer =
      WalCheckpointer::Start(dir_.Sub("t.db"), /*idle_ms=*/60000);
  ASSERT_OK(checkpointer);
  ASSERT_OK((*checkpointer)->CheckpointNow());
  std::error_code ignored;
  EXPECT_GT(std::filesystem::file_size(dir_.Sub("t.db"), ignored), 200u * 1000);
}

TEST_F(WalCheckpointerTest, NotifiedCheckpointerCopiesOnceCommitsPause) {
  Result<std::unique_ptr<WalCheckpointer>> checkpointer =
      WalCheckpointer::Start(dir_.Sub("t.db"), /*idle_ms=*/60000);
  ASSERT_OK(checkpointer);
  Write(200);
  (*checkpointer)->Notify();
  std::error_code ignored;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(dir_.Sub("t.db"), ignored) < 200u * 1000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(std::filesystem::file_size(dir_.Sub("t.db"), ignored), 200u * 1000);
}

TEST_F(WalCheckpointerTest, StoppingLeavesAReadableDatabase) {
  {
    Result<std::unique_ptr<WalCheckpointer>> checkpointer =
        WalCheckpointer::Start(dir_.Sub("t.db"), /*idle_ms=*/1);
    ASSERT_OK(checkpointer);
    Write(2000);
    (*checkpointer)->Notify();
  }  // destroyed, possibly mid-checkpoint
  db_.reset();
  Result<std::unique_ptr<SqliteDb>> reopened = SqliteDb::Open(dir_.Sub("t.db"));
  ASSERT_OK(reopened);
  Result<SqliteStatement> count = (*reopened)->Prepare("SELECT count(*) FROM t");
  ASSERT_OK(count);
  Result<bool> row = count->Step();
  ASSERT_OK(row);
  EXPECT_EQ(count->ColumnInt(0), 2000);
}

}  // namespace
}  // namespace invtrack
