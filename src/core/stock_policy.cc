#include "core/stock_policy.h"

namespace invtrack {

std::string_view StockLevelName(StockLevel level) {
  switch (level) {
    case StockLevel::kOut:
      return "OUT";
    case StockLevel::kLow:
      return "LOW";
    case StockLevel::kInStock:
      return "IN_STOCK";
  }
  return "UNKNOWN";
}

int64_t StockPolicy::ThresholdFor(const std::string& store, const std::string& item,
                                  std::optional<int64_t> own_threshold) const {
  if (own_threshold) return *own_threshold;
  if (!item_thresholds_.empty()) {
    auto it = item_thresholds_.find({store, item});
    if (it != item_thresholds_.end()) return it->second;
  }
  if (!store_thresholds_.empty()) {
    auto it = store_thresholds_.find(store);
    if (it != store_thresholds_.end()) return it->second;
  }
  return default_threshold_;
}

std::optional<AlertKind> StockPolicy::Transition(const std::optional<ItemImage>& before,
                                                 const std::optional<ItemImage>& after) const {
  if (!after) return std::nullopt;
  StockLevel now = LevelOf(*after);
  // A new item is judged as if it had been in stock: arriving at 0 or low is
  // news, arriving well stocked is not.
  StockLevel was = before ? LevelOf(*before) : StockLevel::kInStock;
  if (now == was) return std::nullopt;
  if (now == StockLevel::kOut) return AlertKind::kOut;
  if (was == StockLevel::kOut) return AlertKind::kBackInStock;
  if (now == StockLevel::kLow) return AlertKind::kLow;
  return std::nullopt;  // LOW -> IN_STOCK: restocked, nothing to warn about
}

}  // namespace invtrack
