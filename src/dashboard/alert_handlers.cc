// GET /api/alerts (newest first, or after a position for live updates) and
// GET /api/thresholds (the configured low-stock thresholds, read-only).
#include <charconv>

#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

std::optional<int64_t> ParseWhole(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

nlohmann::json AlertJson(const StoredAlert& stored) {
  const Alert& a = stored.alert;
  return {{"position", stored.position},
          {"id", a.id},
          {"kind", AlertKindName(a.kind)},
          {"store", a.store},
          {"item", a.item},
          {"count", a.count},
          {"threshold", a.threshold},
          {"subject", a.subject},
          {"message", a.message},
          {"time_ms", a.time_ms}};
}

HttpResponse ListAlerts(ApiCall& call) {
  std::optional<int64_t> limit = ParseWhole(call.Query("limit", "100"), 1, 1000);
  if (!limit) return ErrorResponse(400, "invalid", "limit must be 1-1000");
  std::optional<int64_t> after;
  if (call.query.contains("after")) {
    after = ParseWhole(call.Query("after"), 0, INT64_MAX);
    if (!after) return ErrorResponse(400, "invalid", "after must be a whole number >= 0");
  }
  std::string store = call.Query("store");
  if (!store.empty()) {
    if (auto denied = DenyUnlessVisible(call, store)) return *denied;
  }
  OutboxTopic& topic = call.services.pipeline->topic();
  bool everything = call.user->role == Role::kAdmin && store.empty();
  int64_t from = 0;
  size_t window = 0;
  if (after) {
    from = *after;
    window = everything ? static_cast<size_t>(*limit) : 5000;
  } else {
    Result<int64_t> count = topic.Count();
    if (!count.ok()) return StatusResponse(count.status());
    // Positions grow by one per alert; look back far enough for a filter.
    window = everything ? static_cast<size_t>(*limit) : 5000;
    from = std::max<int64_t>(0, *count - static_cast<int64_t>(window));
  }
  Result<std::vector<StoredAlert>> alerts = topic.List(from, window);
  if (!alerts.ok()) return StatusResponse(alerts.status());
  nlohmann::json out = nlohmann::json::array();
  int64_t last_position = from;
  for (const StoredAlert& stored : *alerts) {
    last_position = std::max(last_position, stored.position);
    if (!store.empty() && stored.alert.store != store) continue;
    if (!call.user->MaySee(stored.alert.store)) continue;
    out.push_back(AlertJson(stored));
  }
  if (!after) {
    std::reverse(out.begin(), out.end());  // newest first
    if (static_cast<int64_t>(out.size()) > *limit) out.erase(out.begin() + *limit, out.end());
  } else if (static_cast<int64_t>(out.size()) > *limit) {
    out.erase(out.begin() + *limit, out.end());
  }
  return JsonResponse(200, {{"alerts", std::move(out)}, {"last_position", last_position}});
}

HttpResponse GetThresholds(ApiCall& call) {
  LocalPipeline& pipeline = *call.services.pipeline;
  const PipelineOptions& options = pipeline.options();
  auto setting = [](std::string_view source, const std::optional<std::string>& store,
                    const std::optional<std::string>& item, int64_t threshold) {
    return nlohmann::json{{"source", source},
                          {"store", store ? nlohmann::json(*store) : nlohmann::json(nullptr)},
                          {"item", item ? nlohmann::json(*item) : nlohmann::json(nullptr)},
                          {"threshold", threshold}};
  };
  // Config first, then the stored settings that override it.
  nlohmann::json settings = nlohmann::json::array();
  settings.push_back(setting("config", std::nullopt, std::nullopt, options.low_threshold));
  for (const auto& [store, threshold] : options.store_thresholds) {
    if (call.user->MaySee(store))
      settings.push_back(setting("config", store, std::nullopt, threshold));
  }
  for (const auto& [key, threshold] : options.item_thresholds) {
    if (call.user->MaySee(key.first))
      settings.push_back(setting("config", key.first, key.second, threshold));
  }
  Result<std::vector<ThresholdSetting>> stored = pipeline.thresholds().List();
  if (!stored.ok()) return StatusResponse(stored.status());
  for (const ThresholdSetting& s : *stored) {
    if (s.store && !call.user->MaySee(*s.store)) continue;
    settings.push_back(setting("stored", s.store, s.item, s.threshold));
  }
  return JsonResponse(200, {{"thresholds", std::move(settings)}});
}

}  // namespace invtrack
