// StoreIndex: what the dashboard reads fast, kept current by following the
// inventory table's change stream on a background thread:
//   - per-store summaries (StoreSummaries), in memory, built from one scan
//     of the table at start (in the same read transaction as the stream
//     position, so no change is counted twice or missed), then moved by
//     every change record;
//   - item history (history.db: store, item, sequence -> count), so an
//     item's count over time is one index range, however long the stream;
//   - a change counter with the stores each batch touched, which the live
//     feed waits on.
// Thread-safety: all public methods may be called from any thread.
#ifndef INVTRACK_DASHBOARD_STORE_INDEX_H_
#define INVTRACK_DASHBOARD_STORE_INDEX_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/local/sqlite_change_stream.h"
#include "adapters/local/sqlite_db.h"
#include "core/stock_policy.h"
#include "dashboard/store_summaries.h"

namespace invtrack {

struct HistoryPoint {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  std::optional<int64_t> count;  // nullopt: the item was removed
};

// The stores changed since a given version; `all` when that is too long ago
// to tell.
struct ChangedStores {
  uint64_t version = 0;
  bool all = false;
  std::set<std::string> stores;
};

// Where the thresholds come from: they can change while serving
// (`invtrack thresholds set`), which changes which items count as low.
struct PolicySource {
  std::function<StockPolicy()> current;
  // Any text that changes whenever the thresholds change.
  std::function<std::string()> fingerprint;
};

class StoreIndex {
 public:
  // `inventory_db` must exist (the pipeline opened it); `history_db` is
  // created if needed. Builds the summaries before returning.
  static Result<std::unique_ptr<StoreIndex>> Open(const std::filesystem::path& inventory_db,
                                                  const std::filesystem::path& history_db,
                                                  PolicySource policy);
  ~StoreIndex();  // Stop()

  // Follows the stream every `poll` until Stop().
  void Start(std::chrono::milliseconds poll = std::chrono::milliseconds(100));
  void Stop();
  // Applies whatever the stream holds now (tests; Start does it in a loop).
  Status CatchUp();

  std::map<std::string, StoreCounts> Summaries() const;
  // The thresholds the summaries were counted with, and a number that
  // changes whenever they do (for caches of levels).
  std::pair<std::shared_ptr<const StockPolicy>, uint64_t> Policy() const;
  std::optional<StoreCounts> Summary(const std::string& store) const;
  // The newest `limit` points of an item's history, oldest first.
  Result<std::vector<HistoryPoint>> History(const std::string& store, const std::string& item,
                                            size_t limit) const;

  uint64_t version() const;
  // Waits until the version passes `seen` or `timeout` elapses; returns
  // what changed since `seen`.
  ChangedStores WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const;

 private:
  explicit StoreIndex(PolicySource policy)
      : policy_(std::move(policy)), summaries_(StockPolicy()) {}
  // Counts every item again under the current thresholds.
  Status Build();
  Status WriteHistory(const std::vector<StreamRecord>& records);

  PolicySource policy_;
  std::string policy_fingerprint_;
  std::filesystem::path inventory_path_;
  std::unique_ptr<SqliteChangeStream> stream_;  // used by the follower only
  std::unique_ptr<SqliteDb> history_writer_;    // used by the follower only
  std::filesystem::path history_path_;
  uint64_t summary_sequence_ = 0;  // newest record in the summaries
  uint64_t history_sequence_ = 0;  // newest record in history.db

  mutable std::shared_mutex summaries_mutex_;
  StoreSummaries summaries_;
  std::shared_ptr<const StockPolicy> policy_snapshot_;
  uint64_t policy_generation_ = 0;

  mutable std::mutex change_mutex_;
  mutable std::condition_variable changed_;
  uint64_t version_ = 0;
  std::deque<std::pair<uint64_t, std::set<std::string>>> recent_;  // (version, stores)
  bool stopping_ = false;

  std::mutex catch_up_mutex_;
  std::thread follower_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_STORE_INDEX_H_
