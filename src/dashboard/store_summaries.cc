#include "dashboard/store_summaries.h"

#include <algorithm>

namespace invtrack {

void StoreSummaries::Count(const ItemImage& image, int sign) {
  StoreCounts& counts = stores_[image.store];
  counts.items += sign;
  counts.units += sign * image.count;
  switch (policy_.LevelOf(image)) {
    case StockLevel::kOut:
      counts.out += sign;
      break;
    case StockLevel::kLow:
      counts.low += sign;
      break;
    case StockLevel::kInStock:
      break;
  }
}

void StoreSummaries::AddItem(const ItemImage& image, int64_t changed_ms, uint64_t sequence) {
  Count(image, +1);
  StoreCounts& counts = stores_[image.store];
  counts.sequence = std::max(counts.sequence, sequence);
  counts.last_change_ms = std::max(counts.last_change_ms, changed_ms);
}

void StoreSummaries::Apply(const StreamRecord& record, uint64_t sequence) {
  if (record.old_image) Count(*record.old_image, -1);
  if (record.new_image) Count(*record.new_image, +1);
  auto it = stores_.find(record.store());
  if (it == stores_.end()) return;
  if (it->second.items <= 0) {
    stores_.erase(it);  // its last item was removed
    return;
  }
  it->second.sequence = sequence;
  it->second.last_change_ms =
      std::max(it->second.last_change_ms, record.approximate_creation_time * 1000);
}

const StoreCounts* StoreSummaries::Find(const std::string& store) const {
  auto it = stores_.find(store);
  return it == stores_.end() ? nullptr : &it->second;
}

}  // namespace invtrack
