// WebhookSettings: limits for webhook deliveries. Timeouts are short so a
// slow or hung receiver holds a delivery worker only briefly (the delivery
// is retried later); allow_internal lets subscriptions target the server's
// own admin interfaces, which are refused by default.
// Thread-safety: plain values.
#ifndef INVTRACK_NOTIFY_WEBHOOK_SETTINGS_H_
#define INVTRACK_NOTIFY_WEBHOOK_SETTINGS_H_

#include <cstddef>
#include <cstdint>

namespace invtrack {

struct WebhookSettings {
  int64_t connect_timeout_ms = 3'000;
  int64_t timeout_ms = 10'000;  // the whole request, connect included
  bool allow_internal = false;
  size_t max_idle_connections = 32;  // kept-alive handles kept for reuse
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_WEBHOOK_SETTINGS_H_
