#include "runtime/stream_poller.h"

#include <algorithm>
#include <charconv>
#include <exception>

#include "runtime/json_log.h"

namespace invtrack {

namespace {

uint64_t SequenceOf(const StreamRecord& record) {
  uint64_t value = 0;
  const std::string& s = record.sequence_number;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

}  // namespace

StreamPoller::StreamPoller(SqliteChangeStream* stream, CheckpointStore* checkpoints,
                           std::string consumer, StreamHandler handler, const Clock* clock,
                           StreamPollerOptions options)
    : stream_(stream),
      checkpoints_(checkpoints),
      consumer_(std::move(consumer)),
      handler_(std::move(handler)),
      clock_(clock),
      options_(options) {}

StreamPoller::~StreamPoller() { Stop(); }

Result<size_t> StreamPoller::PollOnce() {
  if (!position_loaded_) {
    Result<uint64_t> checkpoint = checkpoints_->Get(consumer_);
    if (!checkpoint.ok()) return checkpoint.status();
    position_ = persisted_ = *checkpoint;
    position_loaded_ = true;
  }
  batch_.clear();
  Result<size_t> read = stream_->ReadAfter(position_, options_.batch_size, &batch_);
  if (!read.ok()) return read.status();
  if (batch_.empty()) {
    first_seen_ms_ = 0;
    INVTRACK_RETURN_IF_ERROR(Persist(/*force=*/true));  // caught up
    return size_t{0};
  }
  if (batch_.size() < options_.batch_size && options_.batch_window_ms > 0) {
    // Wait for the batching window to fill the batch, as Lambda does.
    int64_t now = clock_->NowMillis();
    if (first_seen_ms_ == 0) first_seen_ms_ = now;
    if (now - first_seen_ms_ < options_.batch_window_ms) return size_t{0};
  }
  first_seen_ms_ = 0;
  size_t taken = batch_.size();
  INVTRACK_RETURN_IF_ERROR(Process(batch_, 1));
  // A short batch means the poller reached the end of the stream.
  INVTRACK_RETURN_IF_ERROR(Persist(/*force=*/taken < options_.batch_size));
  return taken;
}

Result<BatchResponse> StreamPoller::Invoke(std::span<const StreamRecord> records) {
  try {
    return handler_(records);
  } catch (const std::exception& e) {
    return Status::Internal("stream handler threw", e.what());
  } catch (...) {
    return Status::Internal("stream handler threw a non-standard exception");
  }
}

Status StreamPoller::Checkpoint(const StreamRecord& last) {
  position_ = SequenceOf(last);
  return Persist(/*force=*/false);
}

Status StreamPoller::Persist(bool force) {
  if (position_ == persisted_) return Status::OK();
  int64_t now = clock_->NowMillis();
  if (!force && now - persisted_ms_ < options_.checkpoint_interval_ms) return Status::OK();
  INVTRACK_RETURN_IF_ERROR(checkpoints_->Set(consumer_, position_));
  persisted_ = position_;
  persisted_ms_ = now;
  return Status::OK();
}

Status StreamPoller::GiveUp(std::span<const StreamRecord> records, const std::string& error) {
  StreamFailure failure;
  failure.consumer = consumer_;
  failure.first_sequence = SequenceOf(records.front());
  failure.last_sequence = SequenceOf(records.back());
  failure.records_json = StreamEventToJson(records);
  failure.error = error;
  failure.time_ms = clock_->NowMillis();
  INVTRACK_RETURN_IF_ERROR(checkpoints_->RecordFailure(failure));
  position_ = persisted_ = failure.last_sequence;
  LogJson(spdlog::level::warn, "stream.batch_given_up",
          {{"consumer", consumer_},
           {"first_sequence", failure.first_sequence},
           {"last_sequence", failure.last_sequence},
           {"records", records.size()},
           {"error", error}});
  return Status::OK();
}

Status StreamPoller::Process(std::span<const StreamRecord> records, int attempt) {
  while (!records.empty()) {
    Result<BatchResponse> response = Invoke(records);
    if (response.ok() && response->ok()) return Checkpoint(records.back());

    std::string error;
    if (response.ok()) {
      // A partial failure is retried (not bisected) from the lowest failed
      // record; everything before it is done.
      size_t first_failed = records.size();
      for (const std::string& id : response->failed_item_identifiers) {
        for (size_t i = 0; i < first_failed; ++i) {
          if (records[i].sequence_number == id) {
            first_failed = i;
            break;
          }
        }
      }
      if (first_failed < records.size()) {
        if (first_failed > 0) {
          INVTRACK_RETURN_IF_ERROR(Checkpoint(records[first_failed - 1]));
          records = records.subspan(first_failed);
        }
        error = "handler reported failed records from sequence " + records.front().sequence_number;
      } else {
        // Lambda treats identifiers outside the batch as a failed batch.
        error = "handler reported failures for records not in the batch";
      }
    } else {
      error = response.status().ToString();
      if (options_.bisect_on_error && records.size() > 1) {
        // Halving does not use up attempts: it ends at single records, which
        // then get the full retry budget, so one poison record costs only
        // itself.
        size_t half = records.size() / 2;
        INVTRACK_RETURN_IF_ERROR(Process(records.first(half), attempt));
        return Process(records.subspan(half), attempt);
      }
    }
    if (attempt > options_.max_retry_attempts) return GiveUp(records, error);
    ++attempt;
    LogJson(spdlog::level::info, "stream.retry",
            {{"consumer", consumer_},
             {"first_sequence", records.front().sequence_number},
             {"records", records.size()},
             {"attempt", attempt},
             {"error", error}});
    loop_.SleepFor(options_.retry_delay_ms);
    if (loop_.stopping()) return Status::Aborted("stream poller stopping");
  }
  return Status::OK();
}

void StreamPoller::Start() {
  loop_.Start([this] { Run(); });
}

void StreamPoller::Stop() {
  loop_.Stop();
  if (position_loaded_) (void)Persist(/*force=*/true);
}

void StreamPoller::Notify() { loop_.Notify(); }

void StreamPoller::Run() {
  while (!loop_.stopping()) {
    Result<size_t> taken = PollOnce();
    if (!taken.ok()) {
      if (loop_.stopping()) break;
      LogJson(spdlog::level::warn, "stream.poll_failed",
              {{"consumer", consumer_}, {"error", taken.status().ToString()}});
      loop_.SleepFor(options_.poll_interval_ms);
      continue;
    }
    if (*taken > 0) continue;  // more may be waiting
    int64_t wait = options_.poll_interval_ms;
    if (first_seen_ms_ != 0) {
      int64_t left = first_seen_ms_ + options_.batch_window_ms - clock_->NowMillis();
      wait = std::clamp<int64_t>(left, 1, wait);
    }
    loop_.SleepFor(wait);
  }
}

}  // namespace invtrack
