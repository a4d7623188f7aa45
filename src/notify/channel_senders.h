// The senders for the channels the settings configure: e-mail when an SMTP
// host is set, SMS when a gateway URL is set, webhooks always. A channel
// left out is retried by the worker with a "not configured" error.
// Thread-safety: pure function; the senders themselves are thread-safe.
#ifndef INVTRACK_NOTIFY_CHANNEL_SENDERS_H_
#define INVTRACK_NOTIFY_CHANNEL_SENDERS_H_

#include <map>
#include <memory>

#include "notify/channel_sender.h"
#include "notify/notify_settings.h"

namespace invtrack {

std::map<Channel, std::unique_ptr<ChannelSender>> MakeChannelSenders(
    const NotifySettings& settings);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_CHANNEL_SENDERS_H_
