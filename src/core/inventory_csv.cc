#include "core/inventory_csv.h"

#include <cstring>
#include <string>
#include <utility>

namespace invtrack {
namespace {

// Quoted values longer than this are cut in problem reports, so a megabyte
// item name cannot turn one bad row into a megabyte error message.
constexpr size_t kMaxQuotedBytes = 60;

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view Trim(std::string_view s) {
  // Most values have nothing to trim; answer those with two compares.
  if (s.empty() || (!IsBlank(s.front()) && !IsBlank(s.back()))) return s;
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && IsBlank(s[begin])) ++begin;
  while (end > begin && IsBlank(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// 'value', cut at a UTF-8 character boundary with "..." when too long.
std::string Quote(std::string_view value) {
  std::string out = "'";
  if (value.size() <= kMaxQuotedBytes) {
    out.append(value);
  } else {
    size_t cut = kMaxQuotedBytes;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    out.append(value.substr(0, cut));
    out.append("...");
  }
  out.push_back('\'');
  return out;
}

// Sets *out to `value`, which must not point into *out. Same effect as
// assign(), but skips its general replace path (aliasing checks, out-of-line
// calls): measured about twice as fast for lab-sized names, and ParseRow does
// this twice per row.
inline void CopyInto(std::string* out, std::string_view value) {
  out->resize(value.size());
  if (!value.empty()) std::memcpy(out->data(), value.data(), value.size());
}

std::string LinePrefix(uint64_t line) { return "line " + std::to_string(line) + ": "; }

enum class NumberCheck { kOk, kEmpty, kNotWholeNumber, kTooLarge };

// Digits only: a sign, a decimal point or an exponent is not a count. Leading
// zeros are fine (spreadsheets pad with them), so the length is unbounded and
// the value saturates instead of overflowing.
inline NumberCheck ParseCount(std::string_view s, int64_t* value) {
  if (s.empty()) return NumberCheck::kEmpty;
  constexpr uint64_t kMax = static_cast<uint64_t>(kMaxCount);
  uint64_t v = 0;
  bool too_large = false;
  for (char c : s) {
    const unsigned digit = static_cast<unsigned>(static_cast<unsigned char>(c)) - '0';
    if (digit > 9) return NumberCheck::kNotWholeNumber;
    v = v * 10 + digit;
    if (v > kMax) {
      too_large = true;
      v = kMax;
    }
  }
  if (too_large) return NumberCheck::kTooLarge;
  *value = static_cast<int64_t>(v);
  return NumberCheck::kOk;
}

// The problem texts are built out of line: ParseRow runs once per row and its
// fast path should not carry the string building.
[[gnu::noinline]] std::string NumberProblem(std::string_view name, std::string_view value,
                                            NumberCheck check, uint64_t line) {
  std::string out = LinePrefix(line) + std::string(name);
  switch (check) {
    case NumberCheck::kEmpty:
      return out + " is empty";
    case NumberCheck::kTooLarge:
      return out + " " + Quote(value) + " is above the maximum of " + std::to_string(kMaxCount);
    case NumberCheck::kOk:
    case NumberCheck::kNotWholeNumber:
      break;
  }
  return out + " " + Quote(value) + " is not a whole number >= 0";
}

inline bool NameOk(std::string_view value, size_t max_bytes) {
  return !value.empty() && value.size() <= max_bytes;
}

[[gnu::noinline]] std::string NameProblem(std::string_view name, std::string_view value,
                                          size_t max_bytes, uint64_t line) {
  if (value.empty()) return LinePrefix(line) + std::string(name) + " is empty";
  return LinePrefix(line) + std::string(name) + " " + Quote(value) + " is longer than " +
         std::to_string(max_bytes) + " bytes";
}

[[gnu::noinline]] std::string FieldCountProblem(size_t expected, size_t found, uint64_t line) {
  return LinePrefix(line) + "expected " + std::to_string(expected) + " fields, found " +
         std::to_string(found);
}

[[gnu::noinline]] std::string StoreMismatchProblem(std::string_view store,
                                                   std::string_view key_store, uint64_t line) {
  return LinePrefix(line) + "store " + Quote(store) + " does not match the key's store " +
         Quote(key_store);
}

std::string NormalizeHeaderName(std::string_view raw) {
  std::string_view name = Trim(raw);
  // The reader strips a BOM at the start of the input; one can still arrive
  // here when the file was concatenated or the caller skipped the reader.
  while (name.substr(0, 3) == "\xEF\xBB\xBF") name = Trim(name.substr(3));
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<InventoryCsvSchema> InventoryCsvSchema::FromHeader(const CsvRecord& header,
                                                          std::optional<std::string> key_store) {
  InventoryCsvSchema schema;
  schema.header_fields_ = header.fields.size();
  struct Known {
    std::string_view name;
    int* column;
  };
  const Known known[] = {
      {"store", &schema.store_column_},
      {"item", &schema.item_column_},
      {"count", &schema.count_column_},
      {"low_threshold", &schema.low_threshold_column_},
  };
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = NormalizeHeaderName(header.fields[i]);
    for (const Known& k : known) {
      if (name != k.name) continue;
      if (*k.column >= 0) {
        return Status::InvalidArgument(
            LinePrefix(header.line) + "duplicate column '" + std::string(k.name) + "' (columns " +
            std::to_string(*k.column + 1) + " and " + std::to_string(i + 1) + ")");
      }
      *k.column = static_cast<int>(i);
    }
  }

  std::string missing;
  auto require = [&missing](int column, std::string_view name) {
    if (column >= 0) return;
    if (!missing.empty()) missing.append(", ");
    missing.append("'").append(name).append("'");
  };
  if (!key_store.has_value()) require(schema.store_column_, "store");
  require(schema.item_column_, "item");
  require(schema.count_column_, "count");
  if (!missing.empty()) {
    std::string found;
    for (size_t i = 0; i < header.fields.size(); ++i) {
      if (i > 0) found.push_back(',');
      found.append(Trim(header.fields[i]));
    }
    return Status::InvalidArgument(LinePrefix(header.line) + "missing required column(s) " +
                                   missing + "; header found: " + Quote(found));
  }
  schema.key_store_ = std::move(key_store);
  return schema;
}

bool InventoryCsvSchema::ParseRow(const CsvRecord& record, StockRow* row,
                                  std::string* problem) const {
  const uint64_t line = record.line;
  if (record.fields.size() != header_fields_) [[unlikely]] {
    *problem = FieldCountProblem(header_fields_, record.fields.size(), line);
    return false;
  }

  // FromHeader guarantees a store column, a key store, or both.
  std::string_view store = key_store_.has_value() ? std::string_view(*key_store_) : "";
  if (store_column_ >= 0) {
    store = Trim(record.fields[store_column_]);
    if (!NameOk(store, kMaxStoreNameBytes)) [[unlikely]] {
      *problem = NameProblem("store", store, kMaxStoreNameBytes, line);
      return false;
    }
    if (key_store_.has_value() && store != *key_store_) [[unlikely]] {
      *problem = StoreMismatchProblem(store, *key_store_, line);
      return false;
    }
  }

  const std::string_view item = Trim(record.fields[item_column_]);
  if (!NameOk(item, kMaxItemNameBytes)) [[unlikely]] {
    *problem = NameProblem("item", item, kMaxItemNameBytes, line);
    return false;
  }

  const std::string_view count_text = Trim(record.fields[count_column_]);
  int64_t count = 0;
  if (NumberCheck check = ParseCount(count_text, &count); check != NumberCheck::kOk) [[unlikely]] {
    *problem = NumberProblem("count", count_text, check, line);
    return false;
  }

  // A plain flag and value rather than a local std::optional: copying a
  // freshly built optional into *row stalls store forwarding on g++ 12 and
  // cost a third of this function's time in the benchmark.
  bool has_low_threshold = false;
  int64_t low_threshold = 0;
  if (low_threshold_column_ >= 0) {
    const std::string_view text = Trim(record.fields[low_threshold_column_]);
    if (!text.empty()) {  // empty means "no threshold of its own"
      if (NumberCheck check = ParseCount(text, &low_threshold); check != NumberCheck::kOk)
          [[unlikely]] {
        *problem = NumberProblem("low_threshold", text, check, line);
        return false;
      }
      has_low_threshold = true;
    }
  }

  // Only now is *row touched, so a rejected row leaves it as it was.
  CopyInto(&row->store, store);
  CopyInto(&row->item, item);
  row->count = count;
  if (has_low_threshold) {
    row->low_threshold = low_threshold;
  } else {
    row->low_threshold.reset();
  }
  return true;
}

std::optional<std::string> StoreFromKey(std::string_view key) {
  constexpr std::string_view kPrefix = "stores/";
  if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = key.substr(kPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
    return std::nullopt;
  }
  return std::string(rest.substr(0, slash));
}

}  // namespace invtrack
