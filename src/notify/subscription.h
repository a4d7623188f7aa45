// Subscription: who is told about which alerts, and how. A subscription
// names a channel (e-mail, SMS, webhook), an address on it, optional filters
// (stores, alert kinds) and whether alerts of one file arrive as one digest
// message instead of one message per item.
// Thread-safety: plain values and pure functions.
#ifndef INVTRACK_NOTIFY_SUBSCRIPTION_H_
#define INVTRACK_NOTIFY_SUBSCRIPTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"

namespace invtrack {

enum class Channel { kEmail, kSms, kWebhook };

// "email", "sms", "webhook".
std::string_view ChannelName(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);

struct Subscription {
  int64_t id = 0;
  Channel channel = Channel::kEmail;
  std::string address;              // e-mail address, E.164 number or URL
  std::vector<std::string> stores;  // empty: every store
  std::vector<AlertKind> kinds;     // empty: every kind
  bool digest = false;              // one message per file and store
  std::string secret;               // webhook HMAC key; empty: unsigned
  int64_t created_ms = 0;

  // Whether `alert` passes the store and kind filters.
  bool Matches(const Alert& alert) const;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SUBSCRIPTION_H_
