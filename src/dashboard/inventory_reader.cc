#include "dashboard/inventory_reader.h"

#include <algorithm>

namespace invtrack {

namespace {

constexpr char kSelectItems[] =
    "SELECT i.item, i.count, i.low_threshold, coalesce(u.time_ms, 0), coalesce(u.key, '') "
    "FROM inventory i LEFT JOIN uploads u ON u.id = i.upload_id WHERE i.store = ?1 ";

char AsciiFold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Folded(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiFold(c);
  return out;
}

bool Passes(const ItemRow& row, ItemFilter filter) {
  switch (filter) {
    case ItemFilter::kAll:
      return true;
    case ItemFilter::kOut:
      return row.level == StockLevel::kOut;
    case ItemFilter::kLow:
      return row.level != StockLevel::kInStock;
  }
  return true;
}

// Orders by the sort key, then by name (so pages are stable).
bool SortsBefore(const ItemRow& a, const ItemRow& b, ItemSort sort) {
  switch (sort) {
    case ItemSort::kCount:
      if (a.count != b.count) return a.count < b.count;
      break;
    case ItemSort::kUpdated:
      if (a.updated_ms != b.updated_ms) return a.updated_ms < b.updated_ms;
      break;
    case ItemSort::kItem:
      break;
  }
  return a.item < b.item;
}

}  // namespace

Result<std::unique_ptr<InventoryReader>> InventoryReader::Open(
    const std::filesystem::path& inventory_db) {
  std::unique_ptr<InventoryReader> reader(new InventoryReader(inventory_db));
  Result<std::unique_ptr<SqliteDb>> first = reader->Acquire();
  if (!first.ok()) return first.status();
  reader->Release(std::move(first).value());
  return reader;
}

Result<std::unique_ptr<SqliteDb>> InventoryReader::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<SqliteDb> db = std::move(idle_.back());
      idle_.pop_back();
      return db;
    }
  }
  SqliteOptions options;
  options.read_only = true;
  return SqliteDb::Open(path_, options);
}

void InventoryReader::Release(std::unique_ptr<SqliteDb> db) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

ItemRow InventoryReader::ReadRow(const SqliteStatement& select, const std::string& store,
                                 const StockPolicy& policy) {
  ItemRow row;
  row.item = select.ColumnString(0);
  row.count = select.ColumnInt(1);
  row.threshold = policy.ThresholdFor(store, row.item, select.ColumnOptionalInt(2));
  row.level = StockPolicy::LevelOf(row.count, row.threshold);
  row.updated_ms = select.ColumnInt(3);
  row.source_key = select.ColumnString(4);
  return row;
}

Result<InventoryReader::Rows> InventoryReader::StoreRows(const std::string& store,
                                                         const StoreVersion& version) {
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(store);
    if (it != cache_.end() && it->second.sequence == version.sequence &&
        it->second.policy_generation == version.policy_generation) {
      return it->second.rows;
    }
  }
  Result<std::unique_ptr<SqliteDb>> db = Acquire();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(std::string(kSelectItems) + "ORDER BY i.item");
  if (!select.ok()) return select.status();
  select->Bind(1, store);
  auto rows = std::make_shared<std::vector<ItemRow>>();
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows->push_back(ReadRow(*select, store, *version.policy));
  }
  select->Reset();
  Release(std::move(db).value());
  std::lock_guard lock(mutex_);
  CachedStore& cached = cache_[store];
  if (cached.rows) cached_rows_ -= cached.rows->size();
  if (cached_rows_ + rows->size() > kMaxCachedRows) {
    // Over budget: start over rather than track recency; the busy stores
    // come back at their next request.
    cache_.clear();
    cached_rows_ = 0;
  }
  cache_[store] = CachedStore{version.sequence, version.policy_generation, rows};
  cached_rows_ += rows->size();
  return Rows(rows);
}

Result<ItemPage> InventoryReader::Items(const ItemPageQuery& query, const StoreVersion& version) {
  if (version.items > kCachedStoreItems) {
    Result<std::unique_ptr<SqliteDb>> db = Acquire();
    if (!db.ok()) return db.status();
    Result<ItemPage> page = QueryDatabase(**db, query, version);
    if (page.ok()) Release(std::move(db).value());
    return page;
  }
  Result<Rows> rows = StoreRows(query.store, version);
  if (!rows.ok()) return rows.status();
  std::string needle = Folded(query.search);
  std::vector<const ItemRow*> matching;
  for (const ItemRow& row : **rows) {
    if (!Passes(row, query.filter)) continue;
    if (!needle.empty() && Folded(row.item).find(needle) == std::string::npos) continue;
    matching.push_back(&row);
  }
  ItemPage page;
  page.total = static_cast<int64_t>(matching.size());
  int64_t offset = (query.page - 1) * query.per_page;
  if (offset >= page.total) return page;
  int64_t end = std::min<int64_t>(page.total, offset + query.per_page);
  auto less = [&](const ItemRow* a, const ItemRow* b) {
    return query.descending ? SortsBefore(*b, *a, query.sort) : SortsBefore(*a, *b, query.sort);
  };
  std::partial_sort(matching.begin(), matching.begin() + end, matching.end(), less);
  for (int64_t i = offset; i < end; ++i) page.items.push_back(*matching[i]);
  return page;
}

Result<ItemPage> InventoryReader::QueryDatabase(SqliteDb& db, const ItemPageQuery& query,
                                                const StoreVersion& version) {
  ItemPage page;
  const StockPolicy& policy = *version.policy;
  int64_t offset = (query.page - 1) * query.per_page;
  bool plain =
      query.search.empty() && query.filter == ItemFilter::kAll && query.sort == ItemSort::kItem;
  if (plain) {
    // Straight off the primary key: cheap for any page of any store.
    Result<SqliteStatement> select = db.Prepare(
        std::string(kSelectItems) +
        (query.descending ? "ORDER BY i.item DESC " : "ORDER BY i.item ") + "LIMIT ?2 OFFSET ?3");
    if (!select.ok()) return select.status();
    select->Bind(1, query.store).Bind(2, query.per_page).Bind(3, offset);
    while (true) {
      Result<bool> row = select->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(ReadRow(*select, query.store, policy));
    }
    page.total = version.items;
    return page;
  }

  Result<SqliteStatement> select = db.Prepare(std::string(kSelectItems) + "ORDER BY i.item");
  if (!select.ok()) return select.status();
  select->Bind(1, query.store);
  std::string needle = Folded(query.search);
  std::vector<ItemRow> matching;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!needle.empty() && Folded(select->ColumnText(0)).find(needle) == std::string::npos) {
      continue;
    }
    ItemRow item = ReadRow(*select, query.store, policy);
    if (Passes(item, query.filter)) matching.push_back(std::move(item));
  }
  page.total = static_cast<int64_t>(matching.size());
  int64_t end = std::min<int64_t>(page.total, offset + query.per_page);
  if (offset >= page.total) return page;
  auto less = [&](const ItemRow& a, const ItemRow& b) {
    return query.descending ? SortsBefore(b, a, query.sort) : SortsBefore(a, b, query.sort);
  };
  // Only the requested page needs to be in order.
  std::partial_sort(matching.begin(), matching.begin() + end, matching.end(), less);
  for (int64_t i = offset; i < end; ++i) page.items.push_back(std::move(matching[i]));
  return page;
}

}  // namespace invtrack
