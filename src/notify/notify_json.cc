#include "notify/notify_json.h"

#include "core/time_format.h"

namespace invtrack {

nlohmann::json SubscriptionJson(const Subscription& s) {
  nlohmann::json kinds = nlohmann::json::array();
  for (AlertKind k : s.kinds) kinds.push_back(AlertKindName(k));
  return {{"id", s.id},
          {"channel", ChannelName(s.channel)},
          {"address", s.address},
          {"stores", s.stores},
          {"kinds", std::move(kinds)},
          {"digest", s.digest},
          {"signed", !s.secret.empty()},
          {"created", FormatIsoMillis(s.created_ms)}};
}

nlohmann::json DeliveryJson(const DeliveryView& v) {
  const Delivery& d = v.delivery;
  auto time_or_null = [](bool present, int64_t ms) {
    return present ? nlohmann::json(FormatIsoMillis(ms)) : nlohmann::json(nullptr);
  };
  return {{"id", d.id},
          {"message_id", d.notification.id},
          {"subscription", d.subscription_id},
          {"channel", ChannelName(v.channel)},
          {"address", v.address},
          {"state", DeliveryStateName(d.state)},
          {"attempts", d.attempts},
          {"last_error", d.last_error},
          {"subject", d.notification.subject},
          {"created", FormatIsoMillis(d.created_ms)},
          {"sent", time_or_null(d.sent_ms != 0, d.sent_ms)},
          {"next_attempt", time_or_null(d.state == DeliveryState::kPending, d.next_attempt_ms)}};
}

}  // namespace invtrack
