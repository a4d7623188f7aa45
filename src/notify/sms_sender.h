// SmsSender: delivers a notification as one SMS through an HTTP gateway
// described by SmsGatewaySettings: the short text (sms_template.h) and
// the subscriber's E.164 number fill the URL and body templates, the auth
// header is added, and the gateway's HTTP answer gives the outcome
// (http_delivery.h). Handles are pooled for kept-alive connections.
// Thread-safety: Send may be called concurrently (ChannelSender).
#ifndef INVTRACK_NOTIFY_SMS_SENDER_H_
#define INVTRACK_NOTIFY_SMS_SENDER_H_

#include "notify/channel_sender.h"
#include "notify/curl_handle_pool.h"
#include "notify/sms_gateway_settings.h"

namespace invtrack {

class SmsSender final : public ChannelSender {
 public:
  explicit SmsSender(SmsGatewaySettings settings);

  SendResult Send(const Subscription& subscription, const Notification& notification) override;

 private:
  const SmsGatewaySettings settings_;
  CurlHandlePool handles_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SMS_SENDER_H_
