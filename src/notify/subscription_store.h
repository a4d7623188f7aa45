// SubscriptionStore: the topic's subscriptions, kept in the outbox database
// (topic.db, table `subscriptions`) beside the alerts and their deliveries.
// Removing a subscription keeps its row (marked removed) so that its past
// deliveries still say where they went; it gets no new deliveries.
// Thread-safety: safe for concurrent use (one connection, a mutex).
#ifndef INVTRACK_NOTIFY_SUBSCRIPTION_STORE_H_
#define INVTRACK_NOTIFY_SUBSCRIPTION_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "notify/subscription.h"

namespace invtrack {

class SubscriptionStore {
 public:
  static Result<std::unique_ptr<SubscriptionStore>> Open(const std::filesystem::path& path);

  // Stores `subscription` (its id is ignored) and returns the new id.
  // The address must have been validated by the caller.
  Result<int64_t> Add(const Subscription& subscription, int64_t now_ms);
  // NotFound when there is no active subscription with this id.
  Status Remove(int64_t id, int64_t now_ms);
  // Active subscriptions, oldest first.
  Result<std::vector<Subscription>> List();
  // Any subscription, removed or not.
  Result<Subscription> Get(int64_t id);

 private:
  SubscriptionStore() = default;
  Result<std::vector<Subscription>> Select(std::string_view where, int64_t id);

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SUBSCRIPTION_STORE_H_
