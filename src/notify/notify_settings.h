// NotifySettings: the settings of every notification channel, as the
// config file and INVTRACK_* variables give them (cli/notify_config.h).
// Thread-safety: plain values.
#ifndef INVTRACK_NOTIFY_NOTIFY_SETTINGS_H_
#define INVTRACK_NOTIFY_NOTIFY_SETTINGS_H_

#include "notify/sms_gateway_settings.h"
#include "notify/smtp_settings.h"
#include "notify/webhook_settings.h"

namespace invtrack {

struct NotifySettings {
  SmtpSettings smtp;
  SmsGatewaySettings sms;
  WebhookSettings webhook;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_NOTIFY_SETTINGS_H_
