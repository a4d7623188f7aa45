// Renders the notification a subscriber receives: for one alert (its lab
// wording, "Berlin is out of stock of Echo Plus", with the details), or for
// a digest of the alerts one file raised at one store ("12 items out of
// stock at Berlin: ..."). The same rendering feeds every channel: subject
// and text for e-mail and SMS, HTML for e-mail, JSON for webhooks.
// Thread-safety: pure functions.
#ifndef INVTRACK_NOTIFY_NOTIFICATION_RENDERER_H_
#define INVTRACK_NOTIFY_NOTIFICATION_RENDERER_H_

#include <cstdint>
#include <span>
#include <string>

#include "adapters/local/outbox_topic.h"
#include "notify/notification.h"

namespace invtrack {

// The id of the message for `alert_id` to subscription `subscription_id`:
// stable, and only [A-Za-z0-9._-] (it goes into Message-ID and headers).
std::string NotificationId(std::string_view alert_id, int64_t subscription_id,
                           std::string_view suffix = {});

Notification RenderAlert(const StoredAlert& alert, int64_t subscription_id);

// `alerts` are one file's alerts at one store, in position order (not
// empty); `file_key` names the file.
Notification RenderDigest(std::span<const StoredAlert> alerts, std::string_view file_key,
                          int64_t subscription_id);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_NOTIFICATION_RENDERER_H_
