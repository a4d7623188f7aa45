#include "notify/channel_senders.h"

#include "notify/sms_sender.h"
#include "notify/smtp_sender.h"
#include "notify/webhook_sender.h"

namespace invtrack {

std::map<Channel, std::unique_ptr<ChannelSender>> MakeChannelSenders(
    const NotifySettings& settings) {
  std::map<Channel, std::unique_ptr<ChannelSender>> senders;
  if (settings.smtp.configured()) {
    senders[Channel::kEmail] = std::make_unique<SmtpSender>(settings.smtp);
  }
  if (settings.sms.configured()) {
    senders[Channel::kSms] = std::make_unique<SmsSender>(settings.sms);
  }
  senders[Channel::kWebhook] = std::make_unique<WebhookSender>(settings.webhook);
  return senders;
}

}  // namespace invtrack
