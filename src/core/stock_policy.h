// StockPolicy: when an item counts as out of stock or low, and which change
// of level deserves an alert.
//
// OUT is a count of 0. LOW is a count in 1..threshold, where the threshold
// is, first match wins: the item's own `low_threshold` (from its file), a
// per-item setting, a per-store setting, the global default. A threshold of
// 0 turns LOW off. Alerts fire on transitions only, judged from the old and
// new images of a change: into OUT -> OUT; out of OUT -> BACK_IN_STOCK; from
// in-stock (or a new item) into LOW -> LOW. Anything else, including an item
// still at 0 being written again, is silent.
// Thread-safety: const methods are safe to call concurrently; setters are
// not synchronised (configure before sharing).
#ifndef INVTRACK_CORE_STOCK_POLICY_H_
#define INVTRACK_CORE_STOCK_POLICY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/alert.h"
#include "core/stream_record.h"

namespace invtrack {

enum class StockLevel { kOut, kLow, kInStock };

std::string_view StockLevelName(StockLevel level);  // "OUT", "LOW", "IN_STOCK"

class StockPolicy {
 public:
  static constexpr int64_t kDefaultLowThreshold = 5;

  explicit StockPolicy(int64_t default_low_threshold = kDefaultLowThreshold)
      : default_threshold_(default_low_threshold) {}

  void SetDefaultThreshold(int64_t threshold) { default_threshold_ = threshold; }
  void SetStoreThreshold(const std::string& store, int64_t threshold) {
    store_thresholds_[store] = threshold;
  }
  void SetItemThreshold(const std::string& store, const std::string& item, int64_t threshold) {
    item_thresholds_[{store, item}] = threshold;
  }
  int64_t default_threshold() const { return default_threshold_; }

  int64_t ThresholdFor(const std::string& store, const std::string& item,
                       std::optional<int64_t> own_threshold) const;
  int64_t ThresholdFor(const ItemImage& image) const {
    return ThresholdFor(image.store, image.item, image.low_threshold);
  }

  static StockLevel LevelOf(int64_t count, int64_t threshold) {
    if (count <= 0) return StockLevel::kOut;
    return count <= threshold ? StockLevel::kLow : StockLevel::kInStock;
  }
  StockLevel LevelOf(const ItemImage& image) const {
    return LevelOf(image.count, ThresholdFor(image));
  }

  // The alert a change from `before` to `after` calls for, if any. A missing
  // `before` is a new item; a missing `after` (a removal) never alerts.
  std::optional<AlertKind> Transition(const std::optional<ItemImage>& before,
                                      const std::optional<ItemImage>& after) const;

 private:
  int64_t default_threshold_;
  std::map<std::string, int64_t> store_thresholds_;
  std::map<std::pair<std::string, std::string>, int64_t> item_thresholds_;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_STOCK_POLICY_H_
