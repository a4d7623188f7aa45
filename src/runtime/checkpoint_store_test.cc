#include "runtime/checkpoint_store.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using testing::TempDir;

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<CheckpointStore>> store =
        CheckpointStore::Open(dir_.path() / "runtime.db");
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }

  uint64_t Get(std::string_view consumer) {
    Result<uint64_t> got = store_->Get(consumer);
    EXPECT_OK(got);
    return got.ok() ? *got : 987654321;
  }

  std::vector<StreamFailure> Failures() {
    Result<std::vector<StreamFailure>> failures = store_->ListFailures();
    EXPECT_OK(failures);
    return failures.ok() ? *failures : std::vector<StreamFailure>{};
  }

  static StreamFailure Failure(std::string consumer, uint64_t first, uint64_t last,
                               std::string error = "Internal: boom") {
    StreamFailure f;
    f.consumer = std::move(consumer);
    f.first_sequence = first;
    f.last_sequence = last;
    f.records_json = "{\"Records\":[" + std::to_string(first) + "]}";
    f.error = std::move(error);
    f.time_ms = 1764086400000 + static_cast<int64_t>(first);
    return f;
  }

  TempDir dir_;
  std::unique_ptr<CheckpointStore> store_;
};

TEST_F(CheckpointStoreTest, UnknownConsumerStartsAtZero) {
  EXPECT_EQ(Get("check-stock"), 0u);
  EXPECT_EQ(Get(""), 0u);
  EXPECT_TRUE(Failures().empty());
}

TEST_F(CheckpointStoreTest, SetThenGet) {
  ASSERT_OK(store_->Set("check-stock", 42));
  EXPECT_EQ(Get("check-stock"), 42u);
  ASSERT_OK(store_->Set("check-stock", 100));
  EXPECT_EQ(Get("check-stock"), 100u);
}

TEST_F(CheckpointStoreTest, CheckpointNeverMovesBack) {
  ASSERT_OK(store_->Set("c", 50));
  ASSERT_OK(store_->Set("c", 10));
  EXPECT_EQ(Get("c"), 50u);
  ASSERT_OK(store_->Set("c", 50));
  EXPECT_EQ(Get("c"), 50u);
}

TEST_F(CheckpointStoreTest, ConsumersAreIndependent) {
  ASSERT_OK(store_->Set("a", 5));
  ASSERT_OK(store_->Set("b", 9));
  EXPECT_EQ(Get("a"), 5u);
  EXPECT_EQ(Get("b"), 9u);
  EXPECT_EQ(Get("c"), 0u);
}

TEST_F(CheckpointStoreTest, LargeSequencesSurvive) {
  const uint64_t big = (uint64_t{1} << 62) + 12345;
  ASSERT_OK(store_->Set("c", big));
  EXPECT_EQ(Get("c"), big);
}

TEST_F(CheckpointStoreTest, CheckpointsSurviveReopen) {
  ASSERT_OK(store_->Set("check-stock", 77));
  Reopen();
  EXPECT_EQ(Get("check-stock"), 77u);
}

TEST_F(CheckpointStoreTest, RecordFailureStoresBatchAndMovesCheckpoint) {
  ASSERT_OK(store_->Set("c", 3));
  StreamFailure failure = Failure("c", 4, 6);
  ASSERT_OK(store_->RecordFailure(failure));
  EXPECT_EQ(Get("c"), 6u);

  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_GT(failures[0].id, 0);
  EXPECT_EQ(failures[0].consumer, "c");
  EXPECT_EQ(failures[0].first_sequence, 4u);
  EXPECT_EQ(failures[0].last_sequence, 6u);
  EXPECT_EQ(failures[0].records_json, failure.records_json);
  EXPECT_EQ(failures[0].error, "Internal: boom");
  EXPECT_EQ(failures[0].time_ms, failure.time_ms);
}

TEST_F(CheckpointStoreTest, RecordFailureDoesNotMoveCheckpointBack) {
  ASSERT_OK(store_->Set("c", 20));
  ASSERT_OK(store_->RecordFailure(Failure("c", 4, 6)));
  EXPECT_EQ(Get("c"), 20u);
  EXPECT_EQ(Failures().size(), 1u);
}

TEST_F(CheckpointStoreTest, FailuresListedInOrderAcrossConsumersAndReopen) {
  ASSERT_OK(store_->RecordFailure(Failure("a", 1, 1)));
  ASSERT_OK(store_->RecordFailure(Failure("b", 7, 9, "Unavailable: topic down")));
  ASSERT_OK(store_->RecordFailure(Failure("a", 3, 3)));
  Reopen();
  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].consumer, "a");
  EXPECT_EQ(failures[0].first_sequence, 1u);
  EXPECT_EQ(failures[1].consumer, "b");
  EXPECT_EQ(failures[1].error, "Unavailable: topic down");
  EXPECT_EQ(failures[2].first_sequence, 3u);
  EXPECT_LT(failures[0].id, failures[1].id);
  EXPECT_LT(failures[1].id, failures[2].id);
  EXPECT_EQ(Get("a"), 3u);
  EXPECT_EQ(Get("b"), 9u);
}

TEST_F(CheckpointStoreTest, ConcurrentSettersKeepTheMaximum) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 1; i <= 50; ++i) EXPECT_OK(store_->Set("c", i * 4 + t));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(Get("c"), 50u * 4 + 3);
}

}  // namespace
}  // namespace invtrack
