// StoreSummaries: per store, how many items it has, how many are out of
// stock and how many are low, and when it last changed. Kept up to date
// from the change stream's old and new images (a change moves one item
// from one level to another), so the overview never counts rows.
// Thread-safety: not synchronised; StoreIndex guards it.
#ifndef INVTRACK_DASHBOARD_STORE_SUMMARIES_H_
#define INVTRACK_DASHBOARD_STORE_SUMMARIES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/stock_policy.h"
#include "core/stream_record.h"

namespace invtrack {

struct StoreCounts {
  int64_t items = 0;
  int64_t out = 0;
  int64_t low = 0;
  int64_t units = 0;  // sum of counts: the bar height in the overview chart
  int64_t last_change_ms = 0;
  // The newest change record applied to the store (or the stream position
  // the summaries were built at): changes whenever the store's rows do.
  uint64_t sequence = 0;
};

class StoreSummaries {
 public:
  explicit StoreSummaries(StockPolicy policy) : policy_(std::move(policy)) {}

  // An item as it stands (used to build the summaries from the table).
  void AddItem(const ItemImage& image, int64_t changed_ms, uint64_t sequence);
  // One change record, whose sequence number is `sequence`.
  void Apply(const StreamRecord& record, uint64_t sequence);

  const std::map<std::string, StoreCounts>& stores() const { return stores_; }
  const StoreCounts* Find(const std::string& store) const;

 private:
  void Count(const ItemImage& image, int sign);

  StockPolicy policy_;
  std::map<std::string, StoreCounts> stores_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_STORE_SUMMARIES_H_
