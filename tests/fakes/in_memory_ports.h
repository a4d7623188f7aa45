// In-memory implementations of the functions' ports, for unit tests of the
// functions' logic. They keep the same promises as the real adapters
// (all-or-nothing loads, version ordering, change records only for real
// changes, idempotent publishing) so the tests exercise real semantics.
#ifndef INVTRACK_TESTS_FAKES_IN_MEMORY_PORTS_H_
#define INVTRACK_TESTS_FAKES_IN_MEMORY_PORTS_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/s3_event.h"
#include "core/stream_record.h"
#include "functions/clock.h"
#include "functions/inventory_table.h"
#include "functions/object_reader.h"
#include "functions/topic.h"

namespace invtrack::testing {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms = 1764086400000) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

class InMemoryObjects final : public ObjectReader {
 public:
  // Stores a body under `key` with the given etag (tests choose etags).
  void Put(const std::string& key, std::string body, std::string etag) {
    objects_[key] = {std::move(body), std::move(etag)};
  }
  void Remove(const std::string& key) { objects_.erase(key); }
  // Makes the next Open fail with `status` (once).
  void FailNextOpen(Status status) { fail_next_ = std::move(status); }

  Result<std::unique_ptr<ObjectStream>> Open(std::string_view /*bucket*/,
                                             std::string_view key) override {
    if (!fail_next_.ok()) return std::exchange(fail_next_, Status::OK());
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return Status::NotFound("no such key", key);
    return std::unique_ptr<ObjectStream>(new Stream(it->second.first, it->second.second));
  }

 private:
  class Stream final : public ObjectStream {
   public:
    Stream(std::string body, std::string etag) : body_(std::move(body)), source_(body_) {
      info_.etag = std::move(etag);
      info_.size = body_.size();
    }
    Result<size_t> Read(char* buffer, size_t capacity) override {
      return source_.Read(buffer, capacity);
    }
    const ObjectInfo& info() const override { return info_; }

   private:
    std::string body_;
    StringByteSource source_;
    ObjectInfo info_;
  };

  std::map<std::string, std::pair<std::string, std::string>> objects_;
  Status fail_next_;
};

class InMemoryTable final : public InventoryTable {
 public:
  struct Row {
    int64_t count;
    std::optional<int64_t> low_threshold;
  };
  using Key = std::pair<std::string, std::string>;

  Result<LoadStart> BeginLoad(const FileVersion& version) override {
    if (!fail_begin_.ok()) return std::exchange(fail_begin_, Status::OK());
    auto seen = seen_.find({version.bucket, version.key});
    if (seen != seen_.end()) {
      int order = CompareSequencers(version.sequencer, seen->second.first);
      if (order == 0 && version.etag == seen->second.second) {
        return LoadStart{VersionCheck::kAlreadyApplied, nullptr};
      }
      if (order <= 0) return LoadStart{VersionCheck::kSuperseded, nullptr};
    }
    return LoadStart{VersionCheck::kNew, std::make_unique<Load>(this, version)};
  }

  Status RecordRejection(const FileVersion& version,
                         const std::vector<std::string>& problems) override {
    rejections.emplace_back(version.key, problems);
    MarkSeen(version);
    return Status::OK();
  }

  void FailNextBegin(Status status) { fail_begin_ = std::move(status); }

  std::map<Key, Row> rows;
  std::vector<StreamRecord> changes;
  std::vector<std::pair<std::string, std::vector<std::string>>> rejections;

 private:
  class Load final : public InventoryLoad {
   public:
    Load(InMemoryTable* table, FileVersion version)
        : table_(table), version_(std::move(version)), staged_(table->rows) {}
    Result<PutOutcome> Put(const StockRow& row) override {
      Key key{row.store, row.item};
      auto written = written_.find(key);
      if (written != written_.end() && written->second != row.count) {
        return PutOutcome{true, written->second};
      }
      written_[key] = row.count;
      auto old = staged_.find(key);
      Row next{row.count, row.low_threshold      ? row.low_threshold
                          : old != staged_.end() ? old->second.low_threshold
                                                 : std::nullopt};
      if (old != staged_.end() && old->second.count == next.count &&
          old->second.low_threshold == next.low_threshold) {
        return PutOutcome{};
      }
      StreamRecord change;
      change.event_name =
          old == staged_.end() ? StreamEventName::kInsert : StreamEventName::kModify;
      if (old != staged_.end()) {
        change.old_image =
            ItemImage{row.store, row.item, old->second.count, old->second.low_threshold};
      }
      change.new_image = ItemImage{row.store, row.item, next.count, next.low_threshold};
      pending_.push_back(std::move(change));
      staged_[key] = next;
      return PutOutcome{};
    }
    Result<LoadStats> Commit() override {
      table_->rows = staged_;
      for (StreamRecord& change : pending_) {
        ++table_->next_sequence_;
        change.sequence_number = std::to_string(table_->next_sequence_);
        change.event_id = "mem-" + change.sequence_number;
        table_->changes.push_back(change);
      }
      table_->MarkSeen(version_);
      return LoadStats{written_.size(), pending_.size()};
    }

   private:
    InMemoryTable* table_;
    FileVersion version_;
    std::map<Key, Row> staged_;
    std::map<Key, int64_t> written_;
    std::vector<StreamRecord> pending_;
  };

  // The newest version seen only moves forward, as in the SQLite table.
  void MarkSeen(const FileVersion& version) {
    auto [it, inserted] =
        seen_.try_emplace({version.bucket, version.key}, version.sequencer, version.etag);
    if (!inserted && CompareSequencers(version.sequencer, it->second.first) > 0) {
      it->second = {version.sequencer, version.etag};
    }
  }

  std::map<Key, std::pair<std::string, std::string>> seen_;
  uint64_t next_sequence_ = 0;
  Status fail_begin_;
};

class RecordingTopic final : public Topic {
 public:
  Status Publish(std::span<const Alert> alerts, size_t* published) override {
    *published = 0;
    for (const Alert& alert : alerts) {
      if (accept_limit_ && *accept_limit_ == 0) return Status::Unavailable("topic down");
      if (accept_limit_) --*accept_limit_;
      if (ids_.insert(alert.id).second) this->alerts.push_back(alert);
      ++*published;
    }
    return Status::OK();
  }
  // Accept only `n` more alerts, then fail until reset.
  void AcceptOnly(std::optional<size_t> n) { accept_limit_ = n; }

  std::vector<Alert> alerts;

 private:
  std::optional<size_t> accept_limit_;
  std::set<std::string> ids_;
};

}  // namespace invtrack::testing

#endif  // INVTRACK_TESTS_FAKES_IN_MEMORY_PORTS_H_
