// GET /api/stores, /api/stores/{store}, /api/stores/{store}/items and
// /api/stores/{store}/items/{item}/history.
#include <charconv>
#include <tuple>

#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

nlohmann::json CountsJson(const std::string& name, const StoreCounts& counts) {
  return {{"name", name},      {"items", counts.items}, {"out", counts.out},
          {"low", counts.low}, {"units", counts.units}, {"last_change_ms", counts.last_change_ms}};
}

// A whole number in [min, max], or nullopt.
std::optional<int64_t> ParseBounded(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

std::string_view LevelName(StockLevel level) {
  switch (level) {
    case StockLevel::kOut:
      return "out";
    case StockLevel::kLow:
      return "low";
    case StockLevel::kInStock:
      return "ok";
  }
  return "ok";
}

}  // namespace

std::optional<HttpResponse> DenyUnlessVisible(const ApiCall& call, const std::string& store) {
  if (call.user->MaySee(store)) return std::nullopt;
  return ErrorResponse(403, "forbidden", "you may not see this store");
}

namespace {

std::string OverviewJson(const ApiCall& call, uint64_t version) {
  std::map<std::string, StoreCounts> summaries = call.services.index->Summaries();
  nlohmann::json stores = nlohmann::json::array();
  StoreCounts totals;
  auto add = [&](const std::string& name, const StoreCounts& counts) {
    stores.push_back(CountsJson(name, counts));
    totals.items += counts.items;
    totals.out += counts.out;
    totals.low += counts.low;
    totals.units += counts.units;
    totals.last_change_ms = std::max(totals.last_change_ms, counts.last_change_ms);
  };
  if (call.user->role == Role::kAdmin) {
    for (const auto& [name, counts] : summaries) add(name, counts);
  } else {
    // Granted stores without items yet are listed too (empty).
    std::vector<std::string> granted = call.user->stores;
    std::sort(granted.begin(), granted.end());
    granted.erase(std::unique(granted.begin(), granted.end()), granted.end());
    for (const std::string& name : granted) {
      auto it = summaries.find(name);
      add(name, it == summaries.end() ? StoreCounts{} : it->second);
    }
  }
  nlohmann::json total = CountsJson("", totals);
  total.erase("name");
  total.erase("sequence");
  total["stores"] = stores.size();
  return JsonDump(
      {{"stores", std::move(stores)}, {"totals", std::move(total)}, {"version", version}});
}

}  // namespace

HttpResponse ListStores(ApiCall& call) {
  uint64_t version = call.services.index->version();
  HttpResponse response = JsonResponse(200, nullptr);
  if (call.user->role == Role::kAdmin) {
    // Every admin sees the same overview: built once per index change.
    response.body =
        *call.services.overview_cache->Get(version, [&] { return OverviewJson(call, version); });
  } else {
    response.body = OverviewJson(call, version);
  }
  return response;
}

HttpResponse GetStore(ApiCall& call) {
  const std::string& store = call.params[0];
  if (auto denied = DenyUnlessVisible(call, store)) return *denied;
  std::optional<StoreCounts> counts = call.services.index->Summary(store);
  if (!counts) {
    if (call.user->role == Role::kAdmin) {
      return ErrorResponse(404, "not_found", "no store '" + store + "'");
    }
    counts = StoreCounts{};
  }
  return JsonResponse(200, CountsJson(store, *counts));
}

HttpResponse ListItems(ApiCall& call) {
  const std::string& store = call.params[0];
  if (auto denied = DenyUnlessVisible(call, store)) return *denied;
  ItemPageQuery query;
  query.store = store;
  query.search = call.Query("q");
  if (query.search.size() > 256) return ErrorResponse(400, "invalid", "q: at most 256 bytes");

  std::string filter = call.Query("filter", "all");
  if (filter == "all") {
    query.filter = ItemFilter::kAll;
  } else if (filter == "out") {
    query.filter = ItemFilter::kOut;
  } else if (filter == "low") {
    query.filter = ItemFilter::kLow;
  } else {
    return ErrorResponse(400, "invalid", "filter must be all, out or low");
  }
  std::string sort = call.Query("sort", "item");
  if (sort == "item") {
    query.sort = ItemSort::kItem;
  } else if (sort == "count") {
    query.sort = ItemSort::kCount;
  } else if (sort == "updated") {
    query.sort = ItemSort::kUpdated;
  } else {
    return ErrorResponse(400, "invalid", "sort must be item, count or updated");
  }
  std::string order = call.Query("order", "asc");
  if (order != "asc" && order != "desc") {
    return ErrorResponse(400, "invalid", "order must be asc or desc");
  }
  query.descending = order == "desc";
  std::optional<int64_t> page = ParseBounded(call.Query("page", "1"), 1, 1'000'000'000);
  if (!page) return ErrorResponse(400, "invalid", "page must be a whole number >= 1");
  std::optional<int64_t> per_page = ParseBounded(call.Query("per_page", "50"), 1, 500);
  if (!per_page) return ErrorResponse(400, "invalid", "per_page must be a whole number 1-500");
  query.page = *page;
  query.per_page = *per_page;

  std::optional<StoreCounts> counts = call.services.index->Summary(store);
  if (!counts && call.user->role == Role::kAdmin) {
    return ErrorResponse(404, "not_found", "no store '" + store + "'");
  }
  StoreVersion version;
  if (counts) {
    version.items = counts->items;
    version.sequence = counts->sequence;
  }
  std::tie(version.policy, version.policy_generation) = call.services.index->Policy();
  Result<ItemPage> items = call.services.reader->Items(query, version);
  if (!items.ok()) return StatusResponse(items.status());
  // Rendered straight into text: this is the dashboard's busiest request,
  // and a JSON tree per row cost more than finding the rows.
  std::string body = "{\"store\":" + JsonDump(store) + ",\"items\":[";
  for (const ItemRow& row : items->items) {
    if (body.back() != '[') body += ',';
    body += "{\"item\":" + JsonDump(row.item);
    body += ",\"count\":" + std::to_string(row.count);
    body += ",\"threshold\":" + std::to_string(row.threshold);
    body += ",\"level\":\"" + std::string(LevelName(row.level)) + '"';
    body += ",\"updated_ms\":" + std::to_string(row.updated_ms);
    body += ",\"source_key\":" + JsonDump(row.source_key) + '}';
  }
  body += "],\"total\":" + std::to_string(items->total);
  body += ",\"page\":" + std::to_string(query.page);
  body += ",\"per_page\":" + std::to_string(query.per_page) + '}';
  HttpResponse response = JsonResponse(200, nullptr);
  response.body = std::move(body);
  return response;
}

HttpResponse GetItemHistory(ApiCall& call) {
  const std::string& store = call.params[0];
  const std::string& item = call.params[1];
  if (auto denied = DenyUnlessVisible(call, store)) return *denied;
  std::optional<int64_t> limit = ParseBounded(call.Query("limit", "500"), 1, 5000);
  if (!limit) return ErrorResponse(400, "invalid", "limit must be a whole number 1-5000");
  Result<std::vector<HistoryPoint>> points =
      call.services.index->History(store, item, static_cast<size_t>(*limit));
  if (!points.ok()) return StatusResponse(points.status());
  if (points->empty()) return ErrorResponse(404, "not_found", "no history for this item");
  nlohmann::json out = nlohmann::json::array();
  for (const HistoryPoint& p : *points) {
    out.push_back({{"sequence", p.sequence},
                   {"time_ms", p.time_ms},
                   {"count", p.count ? nlohmann::json(*p.count) : nlohmann::json(nullptr)}});
  }
  return JsonResponse(200, {{"store", store}, {"item", item}, {"points", std::move(out)}});
}

}  // namespace invtrack
