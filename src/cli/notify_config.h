// NotifyConfig: the notification channels' settings from the config file's
// [smtp], [sms] and [webhook] tables and INVTRACK_SMTP_* / INVTRACK_SMS_* /
// INVTRACK_WEBHOOK_* variables (see docs/notifications.md). Each step
// refuses a bad value with InvalidArgument naming the key or variable;
// ValidateNotifySettings then checks what only makes sense as a whole (a
// sender address when a server is set, templates that use {to} and
// {message}), once every source has been applied.
#ifndef INVTRACK_CLI_NOTIFY_CONFIG_H_
#define INVTRACK_CLI_NOTIFY_CONFIG_H_

#include <functional>

#include <toml++/toml.h>

#include "core/status.h"
#include "notify/notify_settings.h"

namespace invtrack {

// Only the keys present change *settings; unknown keys in the three tables
// are refused (a typo must not silently disable e-mail).
Status ApplyNotifyTable(const toml::table& table, NotifySettings* settings);

// Applies the variables found through `getenv` (injectable for tests).
Status ApplyNotifyEnvironment(const std::function<const char*(const char*)>& getenv,
                              NotifySettings* settings);

Status ValidateNotifySettings(const NotifySettings& settings);

}  // namespace invtrack

#endif  // INVTRACK_CLI_NOTIFY_CONFIG_H_
