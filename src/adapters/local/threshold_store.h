// ThresholdStore: the low-stock thresholds set at run time with `invtrack
// thresholds set` (thresholds.db): a global default, per store, and per
// store and item. They override the ones from the configuration file, and a
// running server picks up changes made by another process on its next
// stream batch (Changed() compares SQLite's data_version).
// Thread-safety: safe for concurrent use (one connection, a mutex).
#ifndef INVTRACK_ADAPTERS_LOCAL_THRESHOLD_STORE_H_
#define INVTRACK_ADAPTERS_LOCAL_THRESHOLD_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/stock_policy.h"

namespace invtrack {

// A threshold and what it applies to: no store and no item is the global
// default; a store alone is that store's; a store and an item is one item's.
struct ThresholdSetting {
  std::optional<std::string> store;
  std::optional<std::string> item;
  int64_t threshold = 0;

  bool operator==(const ThresholdSetting&) const = default;
};

class ThresholdStore {
 public:
  static Result<std::unique_ptr<ThresholdStore>> Open(const std::filesystem::path& path);

  // Adds or replaces the setting for (store, item). An item needs a store.
  Status Set(const ThresholdSetting& setting);
  // Removes the setting for (store, item); NotFound when there was none.
  Status Unset(const std::optional<std::string>& store, const std::optional<std::string>& item);
  // Global default first, then by store and item.
  Result<std::vector<ThresholdSetting>> List();

  // Applies every stored setting on top of `policy`.
  Status ApplyTo(StockPolicy* policy);

  // Whether the stored settings may have changed since the last call (by
  // this or any other process). The first call answers true.
  Result<bool> Changed();
  // Makes the next Changed() answer true, e.g. after ApplyTo failed.
  void MarkStale();

 private:
  ThresholdStore() = default;

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  std::optional<int64_t> seen_version_;
  int64_t own_writes_ = 0;  // data_version does not count this connection's writes
  int64_t seen_own_writes_ = -1;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_THRESHOLD_STORE_H_
