// StockRow: one line of an inventory file once parsed: how many of an item a
// store has, and optionally the item's own low-stock threshold.
#ifndef INVTRACK_CORE_STOCK_ROW_H_
#define INVTRACK_CORE_STOCK_ROW_H_

#include <cstdint>
#include <optional>
#include <string>

namespace invtrack {

struct StockRow {
  std::string store;
  std::string item;
  int64_t count = 0;
  std::optional<int64_t> low_threshold;  // from a `low_threshold` column

  bool operator==(const StockRow&) const = default;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_STOCK_ROW_H_
