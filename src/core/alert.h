// Alert: what Check-Stock publishes when an item's stock level crosses a
// line (runs out, runs low, comes back), with the text people will read.
// The lab's wording is the default: subject "Inventory Alert!", message
// "<Store> is out of stock of <Item>".
// Thread-safety: plain values and pure functions.
#ifndef INVTRACK_CORE_ALERT_H_
#define INVTRACK_CORE_ALERT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

enum class AlertKind { kOut, kLow, kBackInStock };

inline constexpr std::string_view kDefaultAlertSubject = "Inventory Alert!";

// "OUT", "LOW", "BACK_IN_STOCK".
std::string_view AlertKindName(AlertKind kind);
std::optional<AlertKind> ParseAlertKind(std::string_view name);

struct Alert {
  // Stable across redeliveries of the same change, so that publishing twice
  // is harmless and receivers can de-duplicate.
  std::string id;
  AlertKind kind = AlertKind::kOut;
  std::string store;
  std::string item;
  int64_t count = 0;
  int64_t threshold = 0;  // the low-stock threshold that applied
  std::string subject;
  std::string message;
  int64_t time_ms = 0;          // when the alert was raised
  std::string source_sequence;  // the change record that caused it

  bool operator==(const Alert&) const = default;
};

// The message line for an alert, e.g. "Berlin is out of stock of Echo Plus",
// "Berlin is low on Echo Dot: 3 left (threshold 5)",
// "Berlin is back in stock of Echo Plus: 12 available".
std::string AlertMessage(AlertKind kind, std::string_view store, std::string_view item,
                         int64_t count, int64_t threshold);

}  // namespace invtrack

#endif  // INVTRACK_CORE_ALERT_H_
