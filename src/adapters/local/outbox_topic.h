// OutboxTopic: the local topic. Publishing writes alerts to a durable outbox
// (topic.db, table `alerts`) in one transaction; an alert whose id is
// already there is ignored, which makes a redelivered stream batch harmless.
// Subscriptions and deliveries read from this outbox.
// Thread-safety: safe for concurrent use (one connection per call).
#ifndef INVTRACK_ADAPTERS_LOCAL_OUTBOX_TOPIC_H_
#define INVTRACK_ADAPTERS_LOCAL_OUTBOX_TOPIC_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "adapters/local/wal_checkpointer.h"
#include "functions/topic.h"

namespace invtrack {

// An alert as stored, with its position in the outbox.
struct StoredAlert {
  int64_t position = 0;  // increasing in publication order
  Alert alert;
};

class OutboxTopic final : public Topic {
 public:
  static Result<std::unique_ptr<OutboxTopic>> Open(const std::filesystem::path& path);

  Status Publish(std::span<const Alert> alerts, size_t* published) override;

  // Alerts after `after_position`, oldest first, at most `limit`.
  Result<std::vector<StoredAlert>> List(int64_t after_position, size_t limit) const;
  // The alerts at `positions` (those that exist), in position order.
  Result<std::vector<StoredAlert>> Get(std::span<const int64_t> positions) const;
  // Called after each successful Publish (e.g. to wake the deliveries);
  // must be quick. May be set or cleared (nullptr) at any time.
  void SetPublishListener(std::function<void()> listener);
  Result<int64_t> Count() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit OutboxTopic(std::filesystem::path path) : path_(std::move(path)) {}

  std::filesystem::path path_;
  std::mutex publish_mutex_;
  std::unique_ptr<SqliteDb> db_;  // guarded by publish_mutex_
  SqliteStatement insert_;        // guarded by publish_mutex_
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::function<void()> listener_;  // guarded by publish_mutex_
  // Opened on first read and kept: the delivery worker reads after every
  // publish, and opening a connection costs more than the query.
  Result<SqliteDb*> Reader() const;  // needs reader_mutex_
  mutable std::mutex reader_mutex_;
  mutable std::unique_ptr<SqliteDb> reader_;  // guarded by reader_mutex_
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_OUTBOX_TOPIC_H_
