#include "notify/subscription.h"

#include <algorithm>

namespace invtrack {

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
      return "email";
    case Channel::kSms:
      return "sms";
    case Channel::kWebhook:
      return "webhook";
  }
  return "email";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (Channel c : {Channel::kEmail, Channel::kSms, Channel::kWebhook}) {
    if (ChannelName(c) == name) return c;
  }
  return std::nullopt;
}

bool Subscription::Matches(const Alert& alert) const {
  if (!stores.empty() && std::find(stores.begin(), stores.end(), alert.store) == stores.end()) {
    return false;
  }
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), alert.kind) != kinds.end();
}

}  // namespace invtrack
