// ChannelSender: hands one notification to one address over one channel
// (SMTP server, SMS gateway, webhook receiver) and says what happened, so
// the delivery worker can mark it sent, retry it later or dead-letter it.
// Senders never retry by themselves and never block longer than their
// configured timeouts.
// Thread-safety: Send may be called concurrently from several threads.
#ifndef INVTRACK_NOTIFY_CHANNEL_SENDER_H_
#define INVTRACK_NOTIFY_CHANNEL_SENDER_H_

#include <string>

#include "notify/notification.h"
#include "notify/subscription.h"

namespace invtrack {

enum class SendOutcome {
  kSent,       // the receiver accepted it (2xx, SMTP 250)
  kRetry,      // may succeed later: refused connection, timeout, 5xx, 429, SMTP 4xx
  kPermanent,  // will never succeed as is: 4xx, SMTP 5xx, bad address
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kSent;
  std::string detail;  // for the operator, e.g. "HTTP 503 from example.com"
};

class ChannelSender {
 public:
  ChannelSender() = default;
  ChannelSender(const ChannelSender&) = delete;
  ChannelSender& operator=(const ChannelSender&) = delete;
  virtual ~ChannelSender() = default;

  virtual SendResult Send(const Subscription& subscription, const Notification& notification) = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_CHANNEL_SENDER_H_
