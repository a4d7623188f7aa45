// SubscriptionRequest: what someone asks for when subscribing (from the CLI
// or the dashboard API), checked and turned into a Subscription: a known
// channel, an address valid for it, known alert kinds, no webhook to the
// server's own interfaces unless allowed, and a random signing secret for a
// webhook unless one is given or signing is turned off.
// Thread-safety: pure function (plus the system's random source).
#ifndef INVTRACK_NOTIFY_SUBSCRIPTION_REQUEST_H_
#define INVTRACK_NOTIFY_SUBSCRIPTION_REQUEST_H_

#include <string>
#include <vector>

#include "core/result.h"
#include "notify/subscription.h"

namespace invtrack {

struct SubscriptionRequest {
  std::string channel;  // "email", "sms", "webhook"
  std::string address;
  std::vector<std::string> stores;
  std::vector<std::string> kinds;  // "OUT", "LOW", "BACK_IN_STOCK"
  bool digest = false;
  std::string secret;  // webhooks: empty = generate one
  bool unsigned_webhook = false;
};

struct SubscribePolicy {
  std::vector<std::string> own_listeners;  // "host:port" of this server's interfaces
  bool allow_internal = false;
};

// InvalidArgument with a message for the user when anything is wrong.
Result<Subscription> MakeSubscription(const SubscriptionRequest& request,
                                      const SubscribePolicy& policy);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SUBSCRIPTION_REQUEST_H_
