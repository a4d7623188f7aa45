// /api/subscriptions and /api/deliveries: the same as `invtrack subscribe`,
// `subscriptions`, `unsubscribe` and `deliveries [redrive]`, for admins.
#include <charconv>

#include "core/time_format.h"
#include "dashboard/api_handlers.h"
#include "notify/notify_json.h"

namespace invtrack {

namespace {

std::optional<int64_t> ParseId(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// Reads an optional array of strings at `name` into *out.
std::optional<HttpResponse> ReadStrings(const nlohmann::json& body, const char* name,
                                        std::vector<std::string>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    return ErrorResponse(400, "invalid", std::string(name) + " must be an array of strings");
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return ErrorResponse(400, "invalid", std::string(name) + " must be an array of strings");
    }
    out->push_back(v.get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

HttpResponse ListSubscriptions(ApiCall& call) {
  Result<std::vector<Subscription>> list = call.services.subscriptions->List();
  if (!list.ok()) return StatusResponse(list.status());
  nlohmann::json out = nlohmann::json::array();
  for (const Subscription& s : *list) out.push_back(SubscriptionJson(s));
  return JsonResponse(200, {{"subscriptions", std::move(out)}});
}

// {"channel": "email"|"sms"|"webhook", "address": ..., "stores": [...],
//  "kinds": [...], "digest": bool, "secret": "...", "unsigned": bool}
HttpResponse CreateSubscription(ApiCall& call) {
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  SubscriptionRequest request;
  auto channel = body->find("channel");
  auto address = body->find("address");
  if (channel == body->end() || !channel->is_string() || address == body->end() ||
      !address->is_string()) {
    return ErrorResponse(400, "invalid", "channel and address (strings) are required");
  }
  request.channel = channel->get<std::string>();
  request.address = address->get<std::string>();
  if (auto bad = ReadStrings(*body, "stores", &request.stores)) return *bad;
  if (auto bad = ReadStrings(*body, "kinds", &request.kinds)) return *bad;
  for (const char* flag : {"digest", "unsigned"}) {
    auto it = body->find(flag);
    if (it != body->end() && !it->is_boolean()) {
      return ErrorResponse(400, "invalid", std::string(flag) + " must be true or false");
    }
  }
  request.digest = body->value("digest", false);
  request.unsigned_webhook = body->value("unsigned", false);
  if (auto secret = body->find("secret"); secret != body->end()) {
    if (!secret->is_string()) return ErrorResponse(400, "invalid", "secret must be a string");
    request.secret = secret->get<std::string>();
  }
  // The dashboard itself is one of the interfaces a webhook must not reach.
  SubscribePolicy policy = call.services.options->subscribe;
  const std::string& host = call.services.options->http.host;
  bool ipv6 = host.find(':') != std::string::npos;
  policy.own_listeners.push_back((ipv6 ? "[" + host + "]" : host) + ":" +
                                 std::to_string(call.services.bound_port.load()));
  Result<Subscription> subscription = MakeSubscription(request, policy);
  if (!subscription.ok()) return StatusResponse(subscription.status());
  SystemClock clock;
  subscription->created_ms = clock.NowMillis();
  Result<int64_t> id = call.services.subscriptions->Add(*subscription, subscription->created_ms);
  if (!id.ok()) return StatusResponse(id.status());
  subscription->id = *id;
  nlohmann::json json = SubscriptionJson(*subscription);
  if (!subscription->secret.empty()) json["secret"] = subscription->secret;  // shown once
  return JsonResponse(201, json);
}

HttpResponse DeleteSubscription(ApiCall& call) {
  std::optional<int64_t> id = ParseId(call.params[0]);
  if (!id) return ErrorResponse(404, "not_found", "no subscription '" + call.params[0] + "'");
  SystemClock clock;
  Status removed = call.services.subscriptions->Remove(*id, clock.NowMillis());
  if (!removed.ok()) return StatusResponse(removed);
  return NoContent();
}

// ?state=pending|sent|dead&limit=N (default 100, at most 1000)
HttpResponse ListDeliveries(ApiCall& call) {
  DeliveryFilter filter;
  std::string state = call.Query("state");
  if (!state.empty()) {
    filter.state = ParseDeliveryState(state);
    if (!filter.state) {
      return ErrorResponse(400, "invalid", "state must be pending, sent or dead");
    }
  }
  std::optional<int64_t> limit = ParseId(call.Query("limit", "100"));
  if (!limit || *limit > 1000) {
    return ErrorResponse(400, "invalid", "limit must be a whole number from 1 to 1000");
  }
  filter.limit = static_cast<size_t>(*limit);
  Result<std::vector<DeliveryView>> list = call.services.deliveries->List(filter);
  if (!list.ok()) return StatusResponse(list.status());
  nlohmann::json out = nlohmann::json::array();
  for (const DeliveryView& v : *list) out.push_back(DeliveryJson(v));
  return JsonResponse(200, {{"deliveries", std::move(out)}});
}

HttpResponse RedriveDelivery(ApiCall& call) {
  std::optional<int64_t> id = ParseId(call.params[0]);
  if (!id) return ErrorResponse(404, "not_found", "no delivery '" + call.params[0] + "'");
  SystemClock clock;
  int64_t ids[] = {*id};
  Result<int64_t> revived = call.services.deliveries->Redrive(ids, clock.NowMillis());
  if (!revived.ok()) return StatusResponse(revived.status());
  return JsonResponse(200, {{"redriven", *revived}});
}

}  // namespace invtrack
