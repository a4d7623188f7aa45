// WebhookSender: delivers a notification by POSTing its JSON document to
// the subscription's URL, with X-Invtrack-Id (the stable notification id,
// for de-duplication), X-Invtrack-Timestamp (unix seconds) and, when the
// subscription has a secret, X-Invtrack-Signature (webhook_signature.h).
// Handles are pooled so that deliveries reuse kept-alive connections.
// Thread-safety: Send may be called concurrently (ChannelSender).
#ifndef INVTRACK_NOTIFY_WEBHOOK_SENDER_H_
#define INVTRACK_NOTIFY_WEBHOOK_SENDER_H_

#include <cstdint>
#include <functional>

#include "notify/channel_sender.h"
#include "notify/curl_handle_pool.h"
#include "notify/webhook_settings.h"

namespace invtrack {

class WebhookSender final : public ChannelSender {
 public:
  // `now_seconds` gives the signing time (injectable for tests); empty:
  // the system clock.
  explicit WebhookSender(WebhookSettings settings, std::function<int64_t()> now_seconds = {});

  SendResult Send(const Subscription& subscription, const Notification& notification) override;

 private:
  const WebhookSettings settings_;
  const std::function<int64_t()> now_seconds_;
  CurlHandlePool handles_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_WEBHOOK_SENDER_H_
