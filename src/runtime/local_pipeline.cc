#include "runtime/local_pipeline.h"

#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/time_format.h"
#include "runtime/json_log.h"

namespace invtrack {

namespace {

constexpr char kBucketsDir[] = "buckets";  // <data>/buckets/<bucket name>/
constexpr char kInventoryDb[] = "inventory.db";
constexpr char kTopicDb[] = "topic.db";
constexpr char kRuntimeDb[] = "runtime.db";
constexpr char kThresholdsDb[] = "thresholds.db";
constexpr char kRuntimeLock[] = "runtime.lock";

S3EventRecord ObjectCreatedRecord(const PipelineOptions& options, const StoredObject& object,
                                  std::string_view principal, std::string_view source_ip) {
  S3EventRecord record;
  record.event_time = FormatIsoMillis(object.info.last_modified_ms);
  record.aws_region = options.region;
  record.principal_id = principal;
  record.source_ip = source_ip;
  record.bucket = options.bucket;
  record.key = object.key;
  record.size = object.info.size;
  record.etag = object.info.etag;
  record.sequencer = object.info.sequencer;
  return record;
}

// Data directories made before buckets had names kept the one bucket in
// <data>/bucket/; move it to where it lives now, once, with one rename.
Status MoveLegacyBucket(const std::filesystem::path& dir, const std::string& bucket) {
  std::filesystem::path legacy = dir / "bucket";
  std::filesystem::path current = dir / kBucketsDir / bucket;
  std::error_code error;
  if (!std::filesystem::exists(legacy / "bucket.db", error) ||
      std::filesystem::exists(current, error)) {
    return Status::OK();
  }
  std::filesystem::create_directories(current.parent_path(), error);
  if (!error) std::filesystem::rename(legacy, current, error);
  if (error) {
    return Status::IOError("cannot move " + legacy.string() + " to " + current.string(),
                           error.message());
  }
  LogJson(spdlog::level::info, "bucket.moved",
          {{"from", legacy.string()}, {"to", current.string()}});
  return Status::OK();
}

}  // namespace

namespace {

StockPolicy ConfiguredPolicy(const PipelineOptions& options) {
  StockPolicy policy(options.low_threshold);
  for (const auto& [store, threshold] : options.store_thresholds) {
    policy.SetStoreThreshold(store, threshold);
  }
  for (const auto& [key, threshold] : options.item_thresholds) {
    policy.SetItemThreshold(key.first, key.second, threshold);
  }
  return policy;
}

}  // namespace

LocalPipeline::LocalPipeline(PipelineOptions options)
    : options_(std::move(options)), policy_(ConfiguredPolicy(options_)) {}

LocalPipeline::~LocalPipeline() { StopRuntime(); }

Result<std::unique_ptr<LocalPipeline>> LocalPipeline::Open(PipelineOptions options) {
  std::unique_ptr<LocalPipeline> pipeline(new LocalPipeline(std::move(options)));
  INVTRACK_RETURN_IF_ERROR(pipeline->Init());
  return pipeline;
}

Status LocalPipeline::Init() {
  std::error_code error;
  std::filesystem::create_directories(options_.data_dir, error);
  if (error) {
    return Status::IOError("cannot create data directory " + options_.data_dir.string(),
                           error.message());
  }
  const std::filesystem::path& dir = options_.data_dir;

  INVTRACK_RETURN_IF_ERROR(MoveLegacyBucket(dir, options_.bucket));
  Result<std::unique_ptr<DirBucket>> bucket =
      DirBucket::OpenDir(dir / kBucketsDir / options_.bucket, options_.bucket);
  if (!bucket.ok()) return bucket.status();
  bucket_ = std::move(bucket).value();
  Result<std::unique_ptr<SqliteInvocationQueue>> queue =
      SqliteInvocationQueue::Open(dir / kBucketsDir / options_.bucket / "bucket.db");
  if (!queue.ok()) return queue.status();
  queue_ = std::move(queue).value();
  Result<std::unique_ptr<SqliteInventoryTable>> table =
      SqliteInventoryTable::Open(dir / kInventoryDb, &clock_);
  if (!table.ok()) return table.status();
  table_ = std::move(table).value();
  Result<std::unique_ptr<OutboxTopic>> topic = OutboxTopic::Open(dir / kTopicDb);
  if (!topic.ok()) return topic.status();
  topic_ = std::move(topic).value();
  Result<std::unique_ptr<CheckpointStore>> checkpoints = CheckpointStore::Open(dir / kRuntimeDb);
  if (!checkpoints.ok()) return checkpoints.status();
  checkpoints_ = std::move(checkpoints).value();
  Result<std::unique_ptr<ThresholdStore>> thresholds = ThresholdStore::Open(dir / kThresholdsDb);
  if (!thresholds.ok()) return thresholds.status();
  thresholds_ = std::move(thresholds).value();

  load_function_ = std::make_unique<LoadInventory>(bucket_.get(), table_.get());
  check_function_ = std::make_unique<CheckStock>(topic_.get(), &policy_, &clock_,
                                                 CheckStockOptions{options_.alert_subject});
  return Status::OK();
}

Result<std::string> LocalPipeline::HandleUploadEvent(std::string_view payload) {
  Result<std::vector<S3EventRecord>> records = ParseS3Event(payload);
  if (!records.ok()) {
    // A malformed event cannot get better by retrying, but failing it sends
    // it to the dead-letter list where it can be inspected.
    return records.status();
  }
  Result<std::vector<FileResult>> results = load_function_->Handle(*records);
  if (!results.ok()) return results.status();
  for (const FileResult& r : *results) {
    nlohmann::json fields = {{"key", r.version.key},
                             {"etag", r.version.etag},
                             {"outcome", FileOutcomeName(r.outcome)},
                             {"rows", r.stats.rows},
                             {"changes", r.stats.changes}};
    if (!r.problems.empty()) fields["problems"] = r.problems.size();
    // A rejected file is an ordinary outcome, reported to whoever uploaded
    // it; it is not a fault of the system.
    LogJson(spdlog::level::info, "load.file", fields);
  }
  if (poller_) poller_->Notify();
  return FileResultsToJson(*results);
}

Result<BatchResponse> LocalPipeline::HandleStreamBatch(std::span<const StreamRecord> records) {
  std::lock_guard<std::mutex> lock(policy_mutex_);
  RefreshPolicyLocked();
  return check_function_->Handle(records);
}

void LocalPipeline::RefreshPolicyLocked() {
  Result<bool> changed = thresholds_->Changed();
  if (changed.ok() && !*changed) return;
  StockPolicy policy = ConfiguredPolicy(options_);
  Status applied = changed.ok() ? thresholds_->ApplyTo(&policy) : changed.status();
  if (!applied.ok()) {
    // Keep checking with the thresholds known so far rather than stall the
    // stream; the next batch tries again.
    LogJson(spdlog::level::warn, "thresholds.unreadable", {{"error", applied.ToString()}});
    thresholds_->MarkStale();
    return;
  }
  policy_ = std::move(policy);
}

StockPolicy LocalPipeline::CurrentPolicy() {
  std::lock_guard<std::mutex> lock(policy_mutex_);
  RefreshPolicyLocked();
  return policy_;
}

Result<bool> LocalPipeline::StartRuntime() {
  if (runtime_lock_fd_ >= 0) return true;
  std::filesystem::path lock_path = options_.data_dir / kRuntimeLock;
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open " + lock_path.string(), std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;  // another process runs the runtime
  }
  runtime_lock_fd_ = fd;

  Status recovered = queue_->RecoverAbandoned(clock_.NowMillis());
  if (!recovered.ok()) {
    StopRuntime();
    return recovered;
  }
  Result<std::unique_ptr<SqliteChangeStream>> stream =
      SqliteChangeStream::Open(options_.data_dir / kInventoryDb);
  if (!stream.ok()) {
    StopRuntime();
    return stream.status();
  }
  poller_stream_ = std::move(stream).value();
  poller_ = std::make_unique<StreamPoller>(
      poller_stream_.get(), checkpoints_.get(), kStreamConsumer,
      [this](std::span<const StreamRecord> records) { return HandleStreamBatch(records); }, &clock_,
      options_.stream);
  dispatcher_ = std::make_unique<AsyncDispatcher>(
      queue_.get(), [this](std::string_view payload) { return HandleUploadEvent(payload); },
      &clock_, options_.async);
  poller_->Start();
  dispatcher_->Start();
  LogJson(spdlog::level::info, "runtime.started", {{"data_dir", options_.data_dir.string()}});
  return true;
}

void LocalPipeline::StopRuntime() {
  if (dispatcher_) dispatcher_->Stop();
  if (poller_) poller_->Stop();
  dispatcher_.reset();
  poller_.reset();
  poller_stream_.reset();
  if (runtime_lock_fd_ >= 0) {
    ::close(runtime_lock_fd_);  // releases the flock
    runtime_lock_fd_ = -1;
  }
}

DirBucket::CommitHook LocalPipeline::ObjectCreatedHook(std::string principal, std::string source_ip,
                                                       std::string event_name,
                                                       int64_t* invocation_id) {
  return [this, principal = std::move(principal), source_ip = std::move(source_ip),
          event_name = std::move(event_name),
          invocation_id](SqliteDb& db, const StoredObject& object) -> Status {
    // Init opened the queue on this database, so its table exists.
    S3EventRecord record = ObjectCreatedRecord(options_, object, principal, source_ip);
    record.event_name = event_name;
    Result<int64_t> id =
        SqliteInvocationQueue::EnqueueIn(db, S3EventToJson({&record, 1}), clock_.NowMillis());
    if (!id.ok()) return id.status();
    *invocation_id = *id;
    return Status::OK();
  };
}

void LocalPipeline::NotifyUploaded() {
  if (dispatcher_) dispatcher_->Notify();
}

Result<UploadReceipt> LocalPipeline::Upload(std::string_view key, ByteSource* body,
                                            const PutOptions& options, std::string_view principal,
                                            std::string_view source_ip) {
  PutOptions put = options;
  if (!put.max_size) put.max_size = options_.max_object_bytes;
  int64_t invocation_id = 0;
  Result<StoredObject> stored =
      bucket_->Put(key, body, put,
                   ObjectCreatedHook(std::string(principal), std::string(source_ip),
                                     "ObjectCreated:Put", &invocation_id));
  if (!stored.ok()) return stored.status();
  NotifyUploaded();
  return UploadReceipt{std::move(stored).value(), invocation_id};
}

Result<std::vector<FileResult>> LocalPipeline::WaitForLoad(int64_t invocation_id,
                                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Result<std::unique_ptr<SqliteChangeStream>> stream =
      SqliteChangeStream::Open(options_.data_dir / kInventoryDb);
  if (!stream.ok()) return stream.status();
  std::optional<uint64_t> needed;  // stream position to wait for, once loaded
  std::vector<FileResult> results;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    if (!needed) {
      Result<Invocation> invocation = queue_->Get(invocation_id);
      if (!invocation.ok()) return invocation.status();
      if (invocation->state == InvocationState::kDead) {
        return Status::Aborted(
            "loading failed after " + std::to_string(invocation->attempts) + " attempts",
            invocation->last_error);
      }
      if (invocation->state == InvocationState::kSucceeded) {
        Result<std::vector<FileResult>> parsed = ParseFileResults(invocation->result);
        if (!parsed.ok()) return parsed.status();
        results = std::move(parsed).value();
        Result<uint64_t> latest = (*stream)->LatestSequence();
        if (!latest.ok()) return latest.status();
        needed = *latest;
      }
    }
    if (needed) {
      Result<uint64_t> checked = checkpoints_->Get(kStreamConsumer);
      if (!checked.ok()) return checked.status();
      if (*checked >= *needed) return results;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable(
          needed ? "the file was loaded but its changes were not checked in time"
                 : "the upload was not processed in time",
          runtime_running_here() ? "the event runtime is slow or stuck"
                                 : "is `invtrack serve` running for this data directory?");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace invtrack
