// InventoryReader: the store page's item queries against inventory.db,
// over a small pool of read-only connections (opening a connection per
// request would cost more than the query). A store's rows are one range of
// the table's (store, item) key. Stores of up to kCachedStoreItems items are
// read once per change of the store (the change stream moves its sequence)
// and served from memory; for larger stores the plain listing (all items by
// name) pages with LIMIT/OFFSET on the key, and search, level filters and
// other orders read the store's range and page in memory, because an
// item's level depends on thresholds that live partly in the config.
// Thread-safety: all methods may be called from any thread.
#ifndef INVTRACK_DASHBOARD_INVENTORY_READER_H_
#define INVTRACK_DASHBOARD_INVENTORY_READER_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/stock_policy.h"

namespace invtrack {

enum class ItemFilter { kAll, kOut, kLow };  // kLow: low or out, as `stock --low`
enum class ItemSort { kItem, kCount, kUpdated };

struct ItemPageQuery {
  std::string store;
  std::string search;  // case-insensitive substring of the item name; empty: all
  ItemFilter filter = ItemFilter::kAll;
  ItemSort sort = ItemSort::kItem;
  bool descending = false;
  int64_t page = 1;  // 1-based
  int64_t per_page = 50;
};

struct ItemRow {
  std::string item;
  int64_t count = 0;
  int64_t threshold = 0;
  StockLevel level = StockLevel::kInStock;
  int64_t updated_ms = 0;
  std::string source_key;
};

struct ItemPage {
  std::vector<ItemRow> items;
  int64_t total = 0;  // items matching the query, over all pages
};

// Which version of a store a query is about: its row count and last change
// (from StoreIndex), and the thresholds its levels are judged by.
struct StoreVersion {
  int64_t items = 0;
  uint64_t sequence = 0;
  std::shared_ptr<const StockPolicy> policy;
  uint64_t policy_generation = 0;
};

class InventoryReader {
 public:
  static Result<std::unique_ptr<InventoryReader>> Open(const std::filesystem::path& inventory_db);

  Result<ItemPage> Items(const ItemPageQuery& query, const StoreVersion& version);

  // Stores up to this many items are read once per change and then
  // filtered, sorted and paged from memory; larger ones are queried each
  // time (a plain listing by name still pages on the key).
  static constexpr int64_t kCachedStoreItems = 20'000;

 private:
  using Rows = std::shared_ptr<const std::vector<ItemRow>>;
  struct CachedStore {
    uint64_t sequence = 0;
    uint64_t policy_generation = 0;
    Rows rows;
  };

  explicit InventoryReader(std::filesystem::path path) : path_(std::move(path)) {}
  Result<std::unique_ptr<SqliteDb>> Acquire();
  void Release(std::unique_ptr<SqliteDb> db);
  Result<Rows> StoreRows(const std::string& store, const StoreVersion& version);
  Result<ItemPage> QueryDatabase(SqliteDb& db, const ItemPageQuery& query,
                                 const StoreVersion& version);
  static ItemRow ReadRow(const SqliteStatement& select, const std::string& store,
                         const StockPolicy& policy);

  static constexpr size_t kMaxIdle = 64;
  static constexpr size_t kMaxCachedRows = 250'000;

  std::filesystem::path path_;
  std::mutex mutex_;  // guards idle_, cache_, cached_rows_
  std::vector<std::unique_ptr<SqliteDb>> idle_;
  std::map<std::string, CachedStore> cache_;
  size_t cached_rows_ = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_INVENTORY_READER_H_
