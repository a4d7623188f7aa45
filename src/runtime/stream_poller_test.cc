#include "runtime/stream_poller.h"

#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/sqlite_inventory_table.h"
#include "fakes/in_memory_ports.h"
#include "test_util.h"

namespace invtrack {
namespace {

using testing::FixedClock;
using testing::TempDir;

constexpr char kConsumer[] = "check-stock";

using Sequences = std::vector<uint64_t>;

Sequences Range(uint64_t first, uint64_t last) {
  Sequences s;
  for (uint64_t i = first; i <= last; ++i) s.push_back(i);
  return s;
}

Sequences SequencesOf(std::span<const StreamRecord> records) {
  Sequences s;
  for (const StreamRecord& r : records) s.push_back(std::stoull(r.sequence_number));
  return s;
}

bool Contains(const Sequences& s, uint64_t sequence) {
  return std::find(s.begin(), s.end(), sequence) != s.end();
}

class StreamPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteInventoryTable>> table =
        SqliteInventoryTable::Open(dir_.path() / "inventory.db", &clock_);
    ASSERT_OK(table);
    table_ = std::move(table).value();
    Result<std::unique_ptr<SqliteChangeStream>> stream =
        SqliteChangeStream::Open(dir_.path() / "inventory.db");
    ASSERT_OK(stream);
    stream_ = std::move(stream).value();
    OpenCheckpoints();
    options_.retry_delay_ms = 0;
    options_.poll_interval_ms = 10;
    // Persist after every batch, so the tests can watch the checkpoint move;
    // the lazy default has its own tests below.
    options_.checkpoint_interval_ms = 0;
  }

  void OpenCheckpoints() {
    checkpoints_.reset();
    Result<std::unique_ptr<CheckpointStore>> store =
        CheckpointStore::Open(dir_.path() / "runtime.db");
    ASSERT_OK(store);
    checkpoints_ = std::move(store).value();
  }

  // Adds `n` new items through a real load: n INSERT records.
  void AddRecords(int n) {
    Result<LoadStart> start =
        table_->BeginLoad(FileVersion{"inventory", "file-" + std::to_string(files_++) + ".csv",
                                      "etag", "0000000000000001", 10, "admin"});
    ASSERT_OK(start);
    ASSERT_EQ(start->check, VersionCheck::kNew);
    for (int i = 0; i < n; ++i) {
      ASSERT_OK(start->load->Put(
          StockRow{"Berlin", "item-" + std::to_string(next_item_++), next_item_ * 10, {}}));
    }
    Result<LoadStats> stats = start->load->Commit();
    ASSERT_OK(stats);
    ASSERT_EQ(stats->changes, static_cast<uint64_t>(n));
  }

  // A handler that records every call and answers with `behaviour`; records
  // of calls answered with full success are counted in succeeded_.
  StreamHandler Recording(std::function<Result<BatchResponse>(const Sequences&)> behaviour) {
    return [this, behaviour](std::span<const StreamRecord> records) -> Result<BatchResponse> {
      Sequences seqs = SequencesOf(records);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        calls_.push_back(seqs);
        received_.insert(received_.end(), records.begin(), records.end());
      }
      Result<BatchResponse> response = behaviour(seqs);
      if (response.ok() && response->ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (uint64_t s : seqs) ++succeeded_[s];
      }
      return response;
    };
  }

  std::unique_ptr<StreamPoller> MakePoller(StreamHandler handler) {
    return std::make_unique<StreamPoller>(stream_.get(), checkpoints_.get(), kConsumer,
                                          std::move(handler), &clock_, options_);
  }

  size_t Poll(StreamPoller& poller) {
    Result<size_t> taken = poller.PollOnce();
    EXPECT_OK(taken);
    return taken.ok() ? *taken : 999999;
  }

  uint64_t Checkpoint() {
    Result<uint64_t> checkpoint = checkpoints_->Get(kConsumer);
    EXPECT_OK(checkpoint);
    return checkpoint.ok() ? *checkpoint : 999999;
  }

  std::vector<StreamFailure> Failures() {
    Result<std::vector<StreamFailure>> failures = checkpoints_->ListFailures();
    EXPECT_OK(failures);
    return failures.ok() ? *failures : std::vector<StreamFailure>{};
  }

  // How many calls received exactly `batch`.
  int CallsWith(const Sequences& batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), batch));
  }

  static Result<BatchResponse> Ok(const Sequences&) { return BatchResponse{}; }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<SqliteInventoryTable> table_;
  std::unique_ptr<SqliteChangeStream> stream_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  StreamPollerOptions options_;
  int files_ = 0;
  int next_item_ = 0;

  std::mutex mutex_;
  std::vector<Sequences> calls_;
  std::vector<StreamRecord> received_;
  std::map<uint64_t, int> succeeded_;
};

TEST_F(StreamPollerTest, EmptyStreamDeliversNothing) {
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(Checkpoint(), 0u);
}

TEST_F(StreamPollerTest, SuccessAdvancesCheckpointByBatch) {
  AddRecords(10);
  options_.batch_size = 4;
  auto poller = MakePoller(Recording(Ok));

  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 8u);
  EXPECT_EQ(Poll(*poller), 2u);
  EXPECT_EQ(Checkpoint(), 10u);
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 4), Range(5, 8), Range(9, 10)}));

  // The handler got the real records, in DynamoDB shape.
  ASSERT_EQ(received_.size(), 10u);
  EXPECT_EQ(received_[0].event_name, StreamEventName::kInsert);
  EXPECT_EQ(received_[0].event_id, table_->stream_label() + "-1");
  ASSERT_TRUE(received_[0].new_image.has_value());
  EXPECT_EQ(received_[0].new_image->store, "Berlin");
  EXPECT_EQ(received_[0].new_image->item, "item-0");
  EXPECT_EQ(received_[9].new_image->item, "item-9");
  EXPECT_TRUE(Failures().empty());
}

TEST_F(StreamPollerTest, NewPollerResumesAfterPersistedCheckpoint) {
  AddRecords(6);
  options_.batch_size = 4;
  {
    auto poller = MakePoller(Recording(Ok));
    EXPECT_EQ(Poll(*poller), 4u);
  }
  // A restart: fresh checkpoint store object and poller; only the rest and
  // the newer records are delivered.
  OpenCheckpoints();
  EXPECT_EQ(Checkpoint(), 4u);
  AddRecords(3);
  calls_.clear();
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Poll(*poller), 1u);
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(5, 8), Range(9, 9)}));
  EXPECT_EQ(Checkpoint(), 9u);
}

TEST_F(StreamPollerTest, PicksUpRecordsCommittedLater) {
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 0u);
  AddRecords(2);
  EXPECT_EQ(Poll(*poller), 2u);
  AddRecords(1);
  EXPECT_EQ(Poll(*poller), 1u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 2), Range(3, 3)}));
}

TEST_F(StreamPollerTest, BatchItemFailuresRetryFromFirstFailedRecord) {
  AddRecords(10);
  uint64_t checkpoint_at_retry = 0;
  int call = 0;
  auto poller = MakePoller(Recording([&](const Sequences&) -> Result<BatchResponse> {
    if (++call == 1) return BatchResponse{{"7", "4"}};  // lowest counts
    checkpoint_at_retry = Checkpoint();
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 10u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 10), Range(4, 10)}));
  EXPECT_EQ(checkpoint_at_retry, 3u);  // just before the failed record
  EXPECT_EQ(Checkpoint(), 10u);
  EXPECT_TRUE(Failures().empty());
}

TEST_F(StreamPollerTest, BatchItemFailureAtFirstRecordKeepsCheckpoint) {
  AddRecords(5);
  uint64_t checkpoint_at_retry = 99;
  int call = 0;
  auto poller = MakePoller(Recording([&](const Sequences&) -> Result<BatchResponse> {
    if (++call == 1) return BatchResponse{{"1"}};
    checkpoint_at_retry = Checkpoint();
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 5u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 5), Range(1, 5)}));
  EXPECT_EQ(checkpoint_at_retry, 0u);
  EXPECT_EQ(Checkpoint(), 5u);
}

TEST_F(StreamPollerTest, PersistentItemFailureGivesUpOnTheRestAfterRetries) {
  AddRecords(10);
  options_.max_retry_attempts = 2;
  auto poller = MakePoller(Recording([](const Sequences& seqs) -> Result<BatchResponse> {
    if (Contains(seqs, 6)) return BatchResponse{{"6"}};
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 10u);
  // One first try, then max_retry_attempts retries from the failed record.
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 10), Range(6, 10), Range(6, 10)}));
  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].consumer, kConsumer);
  EXPECT_EQ(failures[0].first_sequence, 6u);
  EXPECT_EQ(failures[0].last_sequence, 10u);
  EXPECT_NE(failures[0].error.find("6"), std::string::npos) << failures[0].error;
  EXPECT_EQ(failures[0].time_ms, clock_.NowMillis());
  EXPECT_EQ(Checkpoint(), 10u);
}

TEST_F(StreamPollerTest, FailedIdentifiersOutsideTheBatchFailTheWholeBatch) {
  AddRecords(4);
  int call = 0;
  auto poller = MakePoller(Recording([&](const Sequences&) -> Result<BatchResponse> {
    if (++call == 1) return BatchResponse{{"999"}};
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 4), Range(1, 4)}));
  EXPECT_EQ(Checkpoint(), 4u);
  EXPECT_TRUE(Failures().empty());
}

TEST_F(StreamPollerTest, BisectIsolatesAPoisonRecord) {
  AddRecords(10);
  options_.batch_size = 10;
  options_.bisect_on_error = true;
  options_.max_retry_attempts = 3;
  auto poller = MakePoller(Recording([](const Sequences& seqs) -> Result<BatchResponse> {
    if (Contains(seqs, 6)) return Status::Internal("poison record");
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 10u);

  // Every other record was handled successfully exactly once.
  std::map<uint64_t, int> expected;
  for (uint64_t s = 1; s <= 10; ++s) {
    if (s != 6) expected[s] = 1;
  }
  EXPECT_EQ(succeeded_, expected);
  // The poison record alone was tried 1 + max_retry_attempts times.
  EXPECT_EQ(CallsWith({6}), 4);

  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first_sequence, 6u);
  EXPECT_EQ(failures[0].last_sequence, 6u);
  EXPECT_NE(failures[0].error.find("poison record"), std::string::npos) << failures[0].error;
  Result<std::vector<StreamRecord>> stored = ParseStreamEvent(failures[0].records_json);
  ASSERT_OK(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].sequence_number, "6");
  EXPECT_EQ((*stored)[0].new_image->item, "item-5");
  EXPECT_EQ(Checkpoint(), 10u);

  // The stream moves on.
  EXPECT_EQ(Poll(*poller), 0u);
  AddRecords(1);
  EXPECT_EQ(Poll(*poller), 1u);
  EXPECT_EQ(succeeded_[11], 1);
}

TEST_F(StreamPollerTest, BisectIsolatesTwoPoisonRecords) {
  AddRecords(16);
  options_.batch_size = 16;
  options_.max_retry_attempts = 1;
  auto poller = MakePoller(Recording([](const Sequences& seqs) -> Result<BatchResponse> {
    if (Contains(seqs, 3) || Contains(seqs, 12)) return Status::Unavailable("bad");
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 16u);
  for (uint64_t s = 1; s <= 16; ++s) {
    EXPECT_EQ(succeeded_[s], (s == 3 || s == 12) ? 0 : 1) << "record " << s;
  }
  EXPECT_EQ(CallsWith({3}), 2);
  EXPECT_EQ(CallsWith({12}), 2);
  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].first_sequence, 3u);
  EXPECT_EQ(failures[0].last_sequence, 3u);
  EXPECT_EQ(failures[1].first_sequence, 12u);
  EXPECT_EQ(failures[1].last_sequence, 12u);
  EXPECT_EQ(Checkpoint(), 16u);
}

TEST_F(StreamPollerTest, WithoutBisectTheWholeBatchGoesToFailures) {
  AddRecords(10);
  options_.bisect_on_error = false;
  options_.max_retry_attempts = 2;
  auto poller = MakePoller(Recording(
      [](const Sequences&) -> Result<BatchResponse> { return Status::Unavailable("topic down"); }));
  EXPECT_EQ(Poll(*poller), 10u);
  EXPECT_EQ(calls_, (std::vector<Sequences>(3, Range(1, 10))));
  EXPECT_TRUE(succeeded_.empty());

  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first_sequence, 1u);
  EXPECT_EQ(failures[0].last_sequence, 10u);
  EXPECT_NE(failures[0].error.find("topic down"), std::string::npos) << failures[0].error;
  Result<std::vector<StreamRecord>> stored = ParseStreamEvent(failures[0].records_json);
  ASSERT_OK(stored);
  ASSERT_EQ(stored->size(), 10u);
  std::vector<StreamRecord> first_call(received_.begin(), received_.begin() + 10);
  EXPECT_EQ(*stored, first_call);
  EXPECT_EQ(Checkpoint(), 10u);
}

TEST_F(StreamPollerTest, TransientFailureRetriesTheSameBatch) {
  AddRecords(5);
  options_.bisect_on_error = false;
  int call = 0;
  auto poller = MakePoller(Recording([&](const Sequences&) -> Result<BatchResponse> {
    if (++call <= 2) return Status::Unavailable("flaky");
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 5u);
  EXPECT_EQ(calls_, (std::vector<Sequences>(3, Range(1, 5))));
  EXPECT_TRUE(Failures().empty());
  EXPECT_EQ(Checkpoint(), 5u);
}

TEST_F(StreamPollerTest, HandlerThrowingIsAFailure) {
  AddRecords(3);
  options_.bisect_on_error = false;
  options_.max_retry_attempts = 1;
  auto poller = MakePoller(Recording(
      [](const Sequences&) -> Result<BatchResponse> { throw std::runtime_error("kaboom"); }));
  EXPECT_EQ(Poll(*poller), 3u);
  EXPECT_EQ(calls_.size(), 2u);
  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].error.find("kaboom"), std::string::npos) << failures[0].error;
  EXPECT_EQ(failures[0].first_sequence, 1u);
  EXPECT_EQ(failures[0].last_sequence, 3u);
}

TEST_F(StreamPollerTest, HandlerThrowingOnceIsRetried) {
  AddRecords(3);
  int call = 0;
  auto poller = MakePoller(Recording([&](const Sequences&) -> Result<BatchResponse> {
    if (++call == 1) throw std::runtime_error("once");
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 3u);
  EXPECT_TRUE(Failures().empty());
  EXPECT_EQ(Checkpoint(), 3u);
  // Bisect on: after the throw, the halves were delivered.
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 3), Range(1, 1), Range(2, 3)}));
}

TEST_F(StreamPollerTest, BatchWindowHoldsAPartialBatch) {
  AddRecords(3);
  options_.batch_size = 100;
  options_.batch_window_ms = 1000;
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 0u);
  clock_.Advance(500);
  AddRecords(2);  // arrives during the window and joins the batch
  EXPECT_EQ(Poll(*poller), 0u);
  clock_.Advance(499);
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(Checkpoint(), 0u);
  clock_.Advance(1);
  EXPECT_EQ(Poll(*poller), 5u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 5)}));
  EXPECT_EQ(Checkpoint(), 5u);

  // The window starts again for the next partial batch.
  AddRecords(1);
  EXPECT_EQ(Poll(*poller), 0u);
  clock_.Advance(999);
  EXPECT_EQ(Poll(*poller), 0u);
  clock_.Advance(1);
  EXPECT_EQ(Poll(*poller), 1u);
}

TEST_F(StreamPollerTest, FullBatchIsDeliveredWithoutWaiting) {
  AddRecords(5);
  options_.batch_size = 3;
  options_.batch_window_ms = 1000;
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 3u);
  EXPECT_EQ(Poll(*poller), 0u);  // the remaining 2 wait
  clock_.Advance(1000);
  EXPECT_EQ(Poll(*poller), 2u);
  EXPECT_EQ(calls_, (std::vector<Sequences>{Range(1, 3), Range(4, 5)}));
}

// ---- lazy checkpoints (checkpoint_interval_ms > 0) ----

TEST_F(StreamPollerTest, LazyCheckpointIsWrittenAtMostEveryInterval) {
  AddRecords(16);
  options_.batch_size = 4;
  options_.checkpoint_interval_ms = 100;
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);  // the first write is due at once
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);  // full batch, interval not over: not yet
  clock_.Advance(99);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);
  clock_.Advance(1);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 16u);  // interval over
  EXPECT_EQ(calls_,
            (std::vector<Sequences>{Range(1, 4), Range(5, 8), Range(9, 12), Range(13, 16)}));
}

TEST_F(StreamPollerTest, LazyCheckpointIsWrittenWhenCaughtUp) {
  AddRecords(10);
  options_.batch_size = 4;
  options_.checkpoint_interval_ms = 60000;
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);
  EXPECT_EQ(Poll(*poller), 2u);  // a short batch: the end of the stream
  EXPECT_EQ(Checkpoint(), 10u);

  // An exactly full last batch is written by the next, empty, poll.
  AddRecords(4);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_EQ(Checkpoint(), 14u);
}

TEST_F(StreamPollerTest, LazyCheckpointIsWrittenOnStopAndDestruction) {
  AddRecords(16);
  options_.batch_size = 4;
  options_.checkpoint_interval_ms = 60000;
  auto poller = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Poll(*poller), 4u);
  EXPECT_EQ(Checkpoint(), 4u);
  poller->Stop();
  EXPECT_EQ(Checkpoint(), 8u);

  auto second = MakePoller(Recording(Ok));
  EXPECT_EQ(Poll(*second), 4u);  // resumes after 8; its first write is due at once
  EXPECT_EQ(Checkpoint(), 12u);
  EXPECT_EQ(Poll(*second), 4u);
  EXPECT_EQ(Checkpoint(), 12u);
  second.reset();  // the destructor stops, and so persists
  EXPECT_EQ(Checkpoint(), 16u);
  EXPECT_EQ(calls_,
            (std::vector<Sequences>{Range(1, 4), Range(5, 8), Range(9, 12), Range(13, 16)}));
}

TEST_F(StreamPollerTest, LazyCheckpointAndGivingUpKeepOrder) {
  AddRecords(8);
  options_.batch_size = 8;
  options_.checkpoint_interval_ms = 60000;
  options_.max_retry_attempts = 0;
  auto poller = MakePoller(Recording([](const Sequences& seqs) -> Result<BatchResponse> {
    if (Contains(seqs, 2)) return Status::Internal("poison");
    return BatchResponse{};
  }));
  EXPECT_EQ(Poll(*poller), 8u);
  // The failure moved the checkpoint past the poison record at once; the
  // records after it are done too, and written when caught up.
  EXPECT_EQ(Poll(*poller), 0u);
  EXPECT_EQ(Checkpoint(), 8u);
  std::vector<StreamFailure> failures = Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first_sequence, 2u);
  for (uint64_t s = 1; s <= 8; ++s) EXPECT_EQ(succeeded_[s], s == 2 ? 0 : 1) << "record " << s;

  // A restart resumes after everything handled, not at the failure.
  auto second = MakePoller(Recording(Ok));
  calls_.clear();
  EXPECT_EQ(Poll(*second), 0u);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(StreamPollerTest, BackgroundThreadHandlesRecordsAfterNotify) {
  options_.poll_interval_ms = 60000;  // only Notify wakes it in time
  std::mutex done_mutex;
  std::condition_variable done_cv;
  uint64_t handled = 0;
  auto poller = MakePoller(Recording([&](const Sequences& seqs) -> Result<BatchResponse> {
    std::lock_guard<std::mutex> lock(done_mutex);
    handled = std::max(handled, seqs.back());
    done_cv.notify_all();
    return BatchResponse{};
  }));
  poller->Start();
  AddRecords(7);
  poller->Notify();
  bool done = false;
  {
    std::unique_lock<std::mutex> lock(done_mutex);
    done = done_cv.wait_for(lock, std::chrono::seconds(10), [&] { return handled >= 7; });
  }
  poller->Stop();
  ASSERT_TRUE(done) << "the poller did not deliver the records in time";
  EXPECT_EQ(Checkpoint(), 7u);
  for (uint64_t s = 1; s <= 7; ++s) EXPECT_EQ(succeeded_[s], 1) << "record " << s;
}

}  // namespace
}  // namespace invtrack
