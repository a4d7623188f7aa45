#include "notify/webhook_sender.h"

#include <chrono>
#include <utility>

#include "notify/address_validation.h"
#include "notify/http_delivery.h"
#include "notify/webhook_signature.h"

namespace invtrack {

namespace {

int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Ids are [A-Za-z0-9._-] by contract; anything else must not reach a header.
bool IsHeaderSafe(const std::string& value) {
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return false;
  }
  return true;
}

}  // namespace

WebhookSender::WebhookSender(WebhookSettings settings, std::function<int64_t()> now_seconds)
    : settings_(std::move(settings)),
      now_seconds_(now_seconds ? std::move(now_seconds) : SystemSeconds),
      handles_(settings_.max_idle_connections) {}

SendResult WebhookSender::Send(const Subscription& subscription, const Notification& notification) {
  if (Status valid = ValidateWebhookUrl(subscription.address); !valid.ok()) {
    return {SendOutcome::kPermanent, valid.message()};
  }
  if (!IsHeaderSafe(notification.id)) {
    return {SendOutcome::kPermanent, "notification id holds control characters"};
  }
  int64_t timestamp = now_seconds_();
  HttpDeliveryRequest request;
  request.url = subscription.address;
  request.body = notification.json;
  request.connect_timeout_ms = settings_.connect_timeout_ms;
  request.timeout_ms = settings_.timeout_ms;
  request.headers = {
      "Content-Type: application/json",
      "X-Invtrack-Id: " + notification.id,
      "X-Invtrack-Timestamp: " + std::to_string(timestamp),
  };
  if (!subscription.secret.empty()) {
    request.headers.push_back("X-Invtrack-Signature: " +
                              WebhookSignature(subscription.secret, timestamp, request.body));
  }
  CurlHandlePool::Lease handle = handles_.Acquire();
  return PerformHttpDelivery(handle.get(), request);
}

}  // namespace invtrack
