#include "notify/notification_renderer.h"

#include <map>

#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace invtrack {

namespace {

// A digest names this many items in its summary line; the body lists all.
constexpr size_t kNamedItems = 10;

std::string HtmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

nlohmann::json AlertJson(const StoredAlert& stored) {
  const Alert& a = stored.alert;
  return {{"id", a.id},           {"kind", AlertKindName(a.kind)},
          {"store", a.store},     {"item", a.item},
          {"count", a.count},     {"threshold", a.threshold},
          {"message", a.message}, {"time", FormatIsoMillis(a.time_ms)}};
}

std::string Dump(const nlohmann::json& json) {
  // Names come from uploaded files; invalid UTF-8 is replaced, not fatal.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "12 items out of stock at Berlin: A, B, C and 9 more".
std::string DigestLine(AlertKind kind, const std::vector<const Alert*>& alerts,
                       std::string_view store) {
  std::string line = std::to_string(alerts.size()) + (alerts.size() == 1 ? " item " : " items ");
  switch (kind) {
    case AlertKind::kOut:
      line += "out of stock";
      break;
    case AlertKind::kLow:
      line += "low";
      break;
    case AlertKind::kBackInStock:
      line += "back in stock";
      break;
  }
  line += " at ";
  line += store;
  line += ": ";
  for (size_t i = 0; i < alerts.size() && i < kNamedItems; ++i) {
    if (i > 0) line += ", ";
    line += alerts[i]->item;
  }
  if (alerts.size() > kNamedItems) {
    line += " and " + std::to_string(alerts.size() - kNamedItems) + " more";
  }
  return line;
}

}  // namespace

std::string NotificationId(std::string_view alert_id, int64_t subscription_id,
                           std::string_view suffix) {
  std::string id;
  for (char c : alert_id) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
    id += safe ? c : '_';
  }
  id += suffix;
  id += ".s" + std::to_string(subscription_id);
  return id;
}

Notification RenderAlert(const StoredAlert& stored, int64_t subscription_id) {
  const Alert& a = stored.alert;
  Notification n;
  n.id = NotificationId(a.id, subscription_id);
  n.subject = a.subject.empty() ? std::string(kDefaultAlertSubject) : a.subject;
  n.created_ms = a.time_ms;
  n.text = a.message + "\n\nStore: " + a.store + "\nItem: " + a.item +
           "\nCount: " + std::to_string(a.count) +
           "\nLow-stock threshold: " + std::to_string(a.threshold) +
           "\nTime: " + FormatIsoMillis(a.time_ms) + "\nAlert id: " + a.id + "\n";
  n.html = "<p>" + HtmlEscaped(a.message) + "</p>\n<table>\n<tr><th>Store</th><td>" +
           HtmlEscaped(a.store) + "</td></tr>\n<tr><th>Item</th><td>" + HtmlEscaped(a.item) +
           "</td></tr>\n<tr><th>Count</th><td>" + std::to_string(a.count) +
           "</td></tr>\n<tr><th>Low-stock threshold</th><td>" + std::to_string(a.threshold) +
           "</td></tr>\n</table>\n";
  n.json = Dump({{"id", n.id},
                 {"type", "alert"},
                 {"subject", n.subject},
                 {"message", a.message},
                 {"store", a.store},
                 {"alerts", nlohmann::json::array({AlertJson(stored)})}});
  return n;
}

Notification RenderDigest(std::span<const StoredAlert> alerts, std::string_view file_key,
                          int64_t subscription_id) {
  const Alert& first = alerts.front().alert;
  std::map<AlertKind, std::vector<const Alert*>> by_kind;
  nlohmann::json items = nlohmann::json::array();
  for (const StoredAlert& stored : alerts) {
    by_kind[stored.alert.kind].push_back(&stored.alert);
    items.push_back(AlertJson(stored));
  }
  Notification n;
  n.id = NotificationId(first.id, subscription_id, "-digest");
  n.subject = first.subject.empty() ? std::string(kDefaultAlertSubject) : first.subject;
  n.created_ms = alerts.back().alert.time_ms;
  std::string summary;
  std::string html;
  for (const auto& [kind, list] : by_kind) {
    std::string line = DigestLine(kind, list, first.store);
    summary += line + "\n";
    html += "<p>" + HtmlEscaped(line) + "</p>\n";
  }
  n.text = summary + "\nFile: " + std::string(file_key) + "\n\n";
  html += "<p>File: " + HtmlEscaped(file_key) + "</p>\n<ul>\n";
  for (const StoredAlert& stored : alerts) {
    n.text += "- " + stored.alert.message + "\n";
    html += "<li>" + HtmlEscaped(stored.alert.message) + "</li>\n";
  }
  n.html = html + "</ul>\n";
  summary.pop_back();  // the trailing newline
  n.json = Dump({{"id", n.id},
                 {"type", "digest"},
                 {"subject", n.subject},
                 {"message", summary},
                 {"store", first.store},
                 {"file", file_key},
                 {"alerts", std::move(items)}});
  return n;
}

}  // namespace invtrack
