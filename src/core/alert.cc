#include "core/alert.h"

#include <string>

namespace invtrack {

std::string_view AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kOut:
      return "OUT";
    case AlertKind::kLow:
      return "LOW";
    case AlertKind::kBackInStock:
      return "BACK_IN_STOCK";
  }
  return "UNKNOWN";
}

std::optional<AlertKind> ParseAlertKind(std::string_view name) {
  for (AlertKind kind : {AlertKind::kOut, AlertKind::kLow, AlertKind::kBackInStock}) {
    if (name == AlertKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string AlertMessage(AlertKind kind, std::string_view store, std::string_view item,
                         int64_t count, int64_t threshold) {
  std::string out(store);
  switch (kind) {
    case AlertKind::kOut:
      out.append(" is out of stock of ").append(item);
      break;
    case AlertKind::kLow:
      out.append(" is low on ").append(item).append(": ").append(std::to_string(count));
      out.append(" left (threshold ").append(std::to_string(threshold)).append(")");
      break;
    case AlertKind::kBackInStock:
      out.append(" is back in stock of ").append(item).append(": ");
      out.append(std::to_string(count)).append(" available");
      break;
  }
  return out;
}

}  // namespace invtrack
