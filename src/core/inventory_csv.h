// InventoryCsvSchema: how the columns of an inventory file map to a StockRow,
// worked out once from the header, then applied to each record.
//
// Header names are matched case-insensitively after trimming spaces.
// Required: `item`, `count`, and `store` unless the object key names the
// store (`stores/<store>/...`). Optional: `low_threshold` (a non-negative
// whole number, empty = none). Any other column (e.g. `sku`) is ignored.
// When the key names a store, every row's store must equal it.
// Thread-safety: immutable after construction; safe to share.
#ifndef INVTRACK_CORE_INVENTORY_CSV_H_
#define INVTRACK_CORE_INVENTORY_CSV_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/csv_reader.h"
#include "core/result.h"
#include "core/stock_row.h"

namespace invtrack {

// Limits on a single value; longer names are a row problem, not a crash.
inline constexpr size_t kMaxStoreNameBytes = 256;
inline constexpr size_t kMaxItemNameBytes = 1024;
// Counts are stored as DynamoDB numbers and JSON; keep them exact in a double.
inline constexpr int64_t kMaxCount = (int64_t{1} << 53) - 1;

class InventoryCsvSchema {
 public:
  // Builds the schema from the header record. `key_store` is the store named
  // by the object key, if any. Fails (InvalidArgument, message starting with
  // "line N:") when a required column is missing or a known column repeats.
  static Result<InventoryCsvSchema> FromHeader(const CsvRecord& header,
                                               std::optional<std::string> key_store);

  // Parses one data record into *row. Returns true on success; otherwise
  // false with *problem set to "line N: <what is wrong>" naming the field
  // and quoting the offending value (cut to ~60 bytes), and *row unchanged.
  // Values are trimmed of spaces and tabs. Counts are digits only: no sign,
  // no decimals; leading zeros are fine; at most kMaxCount.
  bool ParseRow(const CsvRecord& record, StockRow* row, std::string* problem) const;

  bool has_low_threshold() const { return low_threshold_column_ >= 0; }

 private:
  InventoryCsvSchema() = default;

  int store_column_ = -1;
  int item_column_ = -1;
  int count_column_ = -1;
  int low_threshold_column_ = -1;
  size_t header_fields_ = 0;
  std::optional<std::string> key_store_;
};

// The store named by an object key of the form `stores/<store>/...`, if any.
std::optional<std::string> StoreFromKey(std::string_view key);

}  // namespace invtrack

#endif  // INVTRACK_CORE_INVENTORY_CSV_H_
