#include "notify/sms_sender.h"

#include <utility>

#include "notify/address_validation.h"
#include "notify/http_delivery.h"
#include "notify/sms_template.h"

namespace invtrack {

namespace {

constexpr size_t kIdleGatewayConnections = 8;

}  // namespace

SmsSender::SmsSender(SmsGatewaySettings settings)
    : settings_(std::move(settings)), handles_(kIdleGatewayConnections) {}

SendResult SmsSender::Send(const Subscription& subscription, const Notification& notification) {
  if (!settings_.configured()) {
    return {SendOutcome::kPermanent,
            "no SMS gateway is configured ([sms] url or INVTRACK_SMS_URL)"};
  }
  if (Status valid = ValidatePhoneNumber(subscription.address); !valid.ok()) {
    return {SendOutcome::kPermanent, valid.message()};
  }
  if (settings_.auth_header.find_first_of("\r\n") != std::string::npos) {
    return {SendOutcome::kPermanent, "the SMS gateway auth header holds a line break"};
  }
  std::string message = SmsTextFor(notification.text, settings_.max_length);
  HttpDeliveryRequest request;
  request.post = settings_.method == SmsMethod::kPost;
  request.url =
      RenderSmsTemplate(settings_.url, subscription.address, message, TemplateEscaping::kPercent);
  request.connect_timeout_ms = settings_.connect_timeout_ms;
  request.timeout_ms = settings_.timeout_ms;
  if (request.post) {
    bool json = settings_.format == SmsBodyFormat::kJson;
    request.body = RenderSmsTemplate(settings_.effective_body(), subscription.address, message,
                                     json ? TemplateEscaping::kJson : TemplateEscaping::kPercent);
    request.headers.push_back(json ? "Content-Type: application/json"
                                   : "Content-Type: application/x-www-form-urlencoded");
  }
  if (!settings_.auth_header.empty()) request.headers.push_back(settings_.auth_header);
  CurlHandlePool::Lease handle = handles_.Acquire();
  return PerformHttpDelivery(handle.get(), request);
}

}  // namespace invtrack
