// LocalPipeline: the whole system on embedded parts, for one data
// directory: the directory bucket (and its queue of ObjectCreated events),
// the SQLite inventory table and change stream, the outbox topic, and the
// event runtime that connects them through the two functions:
//
//   Upload -> bucket + event queue -> AsyncDispatcher -> LoadInventory
//          -> inventory table + change stream -> StreamPoller -> CheckStock
//          -> outbox topic
//
// Only one process runs the event runtime for a data directory at a time
// (an flock on runtime.lock); any process may upload and read, and waits
// for results through the durable state, so `invtrack load` works whether
// or not `invtrack serve` is running.
// Thread-safety: all public methods may be called from any thread.
#ifndef INVTRACK_RUNTIME_LOCAL_PIPELINE_H_
#define INVTRACK_RUNTIME_LOCAL_PIPELINE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/outbox_topic.h"
#include "adapters/local/sqlite_change_stream.h"
#include "adapters/local/sqlite_inventory_table.h"
#include "adapters/local/sqlite_invocation_queue.h"
#include "adapters/local/threshold_store.h"
#include "core/stock_policy.h"
#include "functions/check_stock.h"
#include "functions/load_inventory.h"
#include "runtime/async_dispatcher.h"
#include "runtime/checkpoint_store.h"
#include "runtime/stream_poller.h"

namespace invtrack {

struct PipelineOptions {
  std::filesystem::path data_dir = "invtrack-data";
  std::string bucket = "inventory";
  std::string region = "us-east-1";
  int64_t low_threshold = StockPolicy::kDefaultLowThreshold;
  std::map<std::string, int64_t> store_thresholds;
  std::map<std::pair<std::string, std::string>, int64_t> item_thresholds;
  std::string alert_subject{kDefaultAlertSubject};
  uint64_t max_object_bytes = uint64_t{5} << 30;  // S3's single-PUT limit
  AsyncRetryPolicy async;
  StreamPollerOptions stream;
};

struct UploadReceipt {
  StoredObject object;
  int64_t invocation_id = 0;  // the queued ObjectCreated event
};

class LocalPipeline {
 public:
  static constexpr char kStreamConsumer[] = "check-stock";

  // Opens (creating if needed) every store under options.data_dir. Starts
  // no threads.
  static Result<std::unique_ptr<LocalPipeline>> Open(PipelineOptions options);
  ~LocalPipeline();
  LocalPipeline(const LocalPipeline&) = delete;
  LocalPipeline& operator=(const LocalPipeline&) = delete;

  // Starts the event runtime in this process unless another process already
  // runs it. Returns whether it runs here.
  Result<bool> StartRuntime();
  void StopRuntime();
  bool runtime_running_here() const { return runtime_lock_fd_ >= 0; }

  // Stores `body` under `key` and queues its ObjectCreated event, atomically.
  Result<UploadReceipt> Upload(std::string_view key, ByteSource* body, const PutOptions& options,
                               std::string_view principal,
                               std::string_view source_ip = "127.0.0.1");

  // The hook that, inside a bucket commit, queues the ObjectCreated event
  // (`event_name`, e.g. "ObjectCreated:Put") for the object being written,
  // so object and event commit together. The queued event's id is stored in
  // *invocation_id, which must outlive the commit. Call NotifyUploaded()
  // after the commit succeeded. Upload() is Put with this hook.
  DirBucket::CommitHook ObjectCreatedHook(std::string principal, std::string source_ip,
                                          std::string event_name, int64_t* invocation_id);
  // Wakes the event runtime (if it runs in this process) after an upload.
  void NotifyUploaded();

  // Waits until invocation `id` has finished and every change record that
  // existed when it finished has been checked. Returns the load results, or
  // Unavailable on timeout (e.g. no runtime is running), or the invocation's
  // last error if it went to the dead-letter list.
  Result<std::vector<FileResult>> WaitForLoad(int64_t invocation_id,
                                              std::chrono::milliseconds timeout);

  DirBucket& bucket() { return *bucket_; }
  SqliteInvocationQueue& queue() { return *queue_; }
  SqliteInventoryTable& table() { return *table_; }
  OutboxTopic& topic() { return *topic_; }
  CheckpointStore& checkpoints() { return *checkpoints_; }
  ThresholdStore& thresholds() { return *thresholds_; }
  // The stock policy in force: the configuration's thresholds with the
  // stored ones (`invtrack thresholds set`) on top.
  StockPolicy CurrentPolicy();
  const PipelineOptions& options() const { return options_; }

 private:
  explicit LocalPipeline(PipelineOptions options);
  Status Init();
  Result<std::string> HandleUploadEvent(std::string_view payload);
  Result<BatchResponse> HandleStreamBatch(std::span<const StreamRecord> records);
  // Rebuilds policy_ when the stored thresholds changed. Needs policy_mutex_.
  void RefreshPolicyLocked();

  PipelineOptions options_;
  SystemClock clock_;
  std::mutex policy_mutex_;
  StockPolicy policy_;  // guarded by policy_mutex_
  std::unique_ptr<ThresholdStore> thresholds_;
  std::unique_ptr<DirBucket> bucket_;
  std::unique_ptr<SqliteInvocationQueue> queue_;
  std::unique_ptr<SqliteInventoryTable> table_;
  std::unique_ptr<OutboxTopic> topic_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  std::unique_ptr<LoadInventory> load_function_;
  std::unique_ptr<CheckStock> check_function_;

  int runtime_lock_fd_ = -1;
  std::unique_ptr<SqliteChangeStream> poller_stream_;
  std::unique_ptr<AsyncDispatcher> dispatcher_;
  std::unique_ptr<StreamPoller> poller_;
};

}  // namespace invtrack

#endif  // INVTRACK_RUNTIME_LOCAL_PIPELINE_H_
