// The JSON form of subscriptions and deliveries, the same for the CLI's
// `--format json` and the dashboard API. A subscription's secret is never
// in it (it is shown once, when subscribing).
// Thread-safety: pure functions.
#ifndef INVTRACK_NOTIFY_NOTIFY_JSON_H_
#define INVTRACK_NOTIFY_NOTIFY_JSON_H_

#include <nlohmann/json.hpp>

#include "notify/delivery_store.h"
#include "notify/subscription.h"

namespace invtrack {

// id, channel, address, stores, kinds, digest, signed, created.
nlohmann::json SubscriptionJson(const Subscription& subscription);

// id, message_id, subscription, channel, address, state, attempts,
// last_error, subject, created, sent and next_attempt (null when not so).
nlohmann::json DeliveryJson(const DeliveryView& delivery);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_NOTIFY_JSON_H_
