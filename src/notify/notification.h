// Notification: one message to one subscriber, rendered from one alert or
// from a digest of a file's alerts, ready for any channel: a subject and a
// plain-text body (e-mail, SMS), an optional HTML body (e-mail) and a JSON
// document (webhook body). Its id is stable across retries and crashes, so
// receivers can de-duplicate (Message-ID, webhook id header).
// Thread-safety: plain values.
#ifndef INVTRACK_NOTIFY_NOTIFICATION_H_
#define INVTRACK_NOTIFY_NOTIFICATION_H_

#include <cstdint>
#include <string>

namespace invtrack {

struct Notification {
  std::string id;       // e.g. "a1b2c3-OUT.s4"; [A-Za-z0-9._-] only
  std::string subject;  // "Inventory Alert!" by default; UTF-8
  std::string text;     // plain text; UTF-8; lines end with '\n'
  std::string html;     // empty: no HTML part
  std::string json;     // the webhook body: {"id":..., "alerts":[...], ...}
  int64_t created_ms = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_NOTIFICATION_H_
