// StreamPoller: invokes a stream handler on the inventory table's change
// stream the way Lambda's event source mapping does for DynamoDB Streams:
// records in order, in batches of up to `batch_size` (waiting up to
// `batch_window_ms` to fill one), with a durable checkpoint after each
// batch. When the handler reports batchItemFailures, the checkpoint moves
// to just before the first failed record and the rest is retried. When the
// handler fails outright, the batch is split in two and each half retried
// (bisect-on-error), down to single records; a batch still failing after
// `max_retry_attempts` goes to the failure destination and is skipped, so
// one poison record cannot stall the stream. A restart resumes after the
// checkpoint; records may then be delivered again (at least once), which is
// why the handler must be idempotent.
// Thread-safety: PollOnce runs on one thread at a time; Start/Stop/Notify
// may be called from any thread.
#ifndef INVTRACK_RUNTIME_STREAM_POLLER_H_
#define INVTRACK_RUNTIME_STREAM_POLLER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "adapters/local/sqlite_change_stream.h"
#include "core/background_loop.h"
#include "core/batch_response.h"
#include "core/stream_record.h"
#include "functions/clock.h"
#include "runtime/checkpoint_store.h"

namespace invtrack {

struct StreamPollerOptions {
  // Lambda's default is 100, sized for a network round trip per batch;
  // here an invocation is a function call, so larger batches are cheaper
  // while bisect-on-error still isolates a poison record in ~10 halvings.
  size_t batch_size = 1000;
  int64_t batch_window_ms = 0;     // MaximumBatchingWindowInSeconds, in ms
  bool bisect_on_error = true;     // BisectBatchOnFunctionError
  int max_retry_attempts = 3;      // MaximumRetryAttempts
  int64_t retry_delay_ms = 200;    // pause before retrying a failed batch
  int64_t poll_interval_ms = 250;  // Lambda polls about four times a second
  // The checkpoint is written when the poller catches up with the stream
  // and otherwise at most this often (0 = after every batch). Redelivery
  // after a crash is harmless (handlers are idempotent), so there is no
  // need to pay a commit per batch while working through a backlog.
  int64_t checkpoint_interval_ms = 100;
};

// A handler's outcome: a BatchResponse, or an error Status when the
// function failed as a whole (an exception, a crash of the handler).
using StreamHandler = std::function<Result<BatchResponse>(std::span<const StreamRecord>)>;

class StreamPoller {
 public:
  // The pointers must outlive the poller.
  StreamPoller(SqliteChangeStream* stream, CheckpointStore* checkpoints, std::string consumer,
               StreamHandler handler, const Clock* clock, StreamPollerOptions options);
  ~StreamPoller();
  StreamPoller(const StreamPoller&) = delete;
  StreamPoller& operator=(const StreamPoller&) = delete;

  // Reads and handles up to one batch. Returns how many records it took
  // off the stream (handled or sent to the failure destination).
  Result<size_t> PollOnce();

  // Runs PollOnce in a background thread until Stop.
  void Start();
  void Stop();
  // Wakes the background thread: new records were committed.
  void Notify();

 private:
  // Handles `records` until each is done (succeeded or given up on).
  Status Process(std::span<const StreamRecord> records, int attempt);
  Status GiveUp(std::span<const StreamRecord> records, const std::string& error);
  // Records that everything up to `last` is done; persisted by Persist.
  Status Checkpoint(const StreamRecord& last);
  // Writes the checkpoint if it moved and `force` or the interval passed.
  Status Persist(bool force);
  Result<BatchResponse> Invoke(std::span<const StreamRecord> records);
  void Run();

  SqliteChangeStream* stream_;
  CheckpointStore* checkpoints_;
  std::string consumer_;
  StreamHandler handler_;
  const Clock* clock_;
  StreamPollerOptions options_;

  uint64_t position_ = 0;   // how far the handler has got
  uint64_t persisted_ = 0;  // the checkpoint as last read or written
  int64_t persisted_ms_ = 0;
  bool position_loaded_ = false;
  std::vector<StreamRecord> batch_;
  int64_t first_seen_ms_ = 0;  // when a partial batch started waiting

  BackgroundLoop loop_;
};

}  // namespace invtrack

#endif  // INVTRACK_RUNTIME_STREAM_POLLER_H_
