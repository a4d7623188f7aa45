// GET /api/events: the live feed, as Server-Sent Events. Events:
//   stores  {"version", "all", "stores": [summary...]}  stores whose levels
//           changed (only those the caller may see), within one poll of
//           the change stream;
//   alert   one alert (as in /api/alerts), for every new visible alert.
// The stream wakes at least every live_poll to notice new alerts, a
// stopping server and an ended session (sign-out elsewhere ends the feed).
#include <charconv>

#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kSessionCheck = std::chrono::seconds(2);

std::string Event(std::string_view name, const nlohmann::json& data) {
  return "event: " + std::string(name) + "\ndata: " + JsonDump(data) + "\n\n";
}

}  // namespace

HttpResponse LiveFeed(ApiCall& call) {
  OutboxTopic& topic = call.services.pipeline->topic();
  int64_t alert_position = 0;
  std::string after = call.Query("alerts_after");
  if (!after.empty()) {
    auto [end, error] = std::from_chars(after.data(), after.data() + after.size(), alert_position);
    if (error != std::errc() || end != after.data() + after.size() || alert_position < 0) {
      return ErrorResponse(400, "invalid", "alerts_after must be a whole number >= 0");
    }
  } else {
    Result<int64_t> count = topic.Count();
    if (!count.ok()) return StatusResponse(count.status());
    alert_position = *count;  // positions are 1..count
  }

  HttpResponse response;
  response.SetHeader("Content-Type", "text/event-stream; charset=utf-8");
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("X-Accel-Buffering", "no");
  DashboardServices* services = &call.services;
  User user = *call.user;
  std::string token = call.session_token;
  uint64_t seen = services->index->version();
  response.stream = [services, user, token, seen, alert_position](ResponseStreamWriter& out) {
    uint64_t version = seen;
    int64_t position = alert_position;
    auto last_write = std::chrono::steady_clock::now();
    auto last_session_check = last_write;
    if (!out.Write(Event("hello", {{"version", version}, {"alerts_after", position}})).ok()) {
      return;
    }
    while (!services->stopping->load()) {
      ChangedStores changes = services->index->WaitForChange(version, services->options->live_poll);
      if (services->stopping->load()) return;
      std::string batch;
      if (changes.version > version) {
        version = changes.version;
        std::map<std::string, StoreCounts> summaries = services->index->Summaries();
        nlohmann::json stores = nlohmann::json::array();
        auto add = [&](const std::string& name) {
          if (!user.MaySee(name)) return;
          auto it = summaries.find(name);
          StoreCounts counts = it == summaries.end() ? StoreCounts{} : it->second;
          stores.push_back({{"name", name},
                            {"items", counts.items},
                            {"out", counts.out},
                            {"low", counts.low},
                            {"units", counts.units},
                            {"last_change_ms", counts.last_change_ms}});
        };
        if (changes.all) {
          for (const auto& [name, counts] : summaries) add(name);
        } else {
          for (const std::string& name : changes.stores) add(name);
        }
        if (!stores.empty() || changes.all) {
          batch +=
              Event("stores", {{"version", version}, {"all", changes.all}, {"stores", stores}});
        }
      }
      Result<std::vector<StoredAlert>> alerts = services->pipeline->topic().List(position, 200);
      if (alerts.ok()) {
        for (const StoredAlert& alert : *alerts) {
          position = std::max(position, alert.position);
          if (user.MaySee(alert.alert.store)) batch += Event("alert", AlertJson(alert));
        }
      }
      auto now = std::chrono::steady_clock::now();
      if (batch.empty() && now - last_write >= kHeartbeat) batch = ": keep-alive\n\n";
      if (!batch.empty()) {
        if (!out.Write(batch).ok()) return;  // the browser went away
        last_write = now;
      }
      if (!token.empty() && now - last_session_check >= kSessionCheck) {
        last_session_check = now;
        if (!services->sessions->Find(token)) {
          (void)out.Write(Event("signed_out", nlohmann::json::object()));
          return;
        }
      }
    }
  };
  return response;
}

}  // namespace invtrack
