// SmtpSender: delivers a notification as one e-mail through the configured
// SMTP server with libcurl (smtp:// with optional STARTTLS, or smtps://),
// with the MIME text from mime_message.h. Outcomes: accepted (250) is
// sent; a refused connection, a timeout or an SMTP 4xx reply is retried;
// an SMTP 5xx reply (e.g. 550 unknown recipient, 535 bad login) is
// permanent. One connection per message: alert mail is low volume.
// Thread-safety: Send may be called concurrently (ChannelSender).
#ifndef INVTRACK_NOTIFY_SMTP_SENDER_H_
#define INVTRACK_NOTIFY_SMTP_SENDER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "notify/channel_sender.h"
#include "notify/smtp_settings.h"

namespace invtrack {

// "Name <a@b>" or "a@b" split into the display name and the address.
struct Mailbox {
  std::string name;
  std::string address;
};
Mailbox ParseMailbox(std::string_view text);

class SmtpSender final : public ChannelSender {
 public:
  // `now_ms` dates messages whose notification has no created_ms
  // (injectable for tests); empty: the system clock.
  explicit SmtpSender(SmtpSettings settings, std::function<int64_t()> now_ms = {});

  SendResult Send(const Subscription& subscription, const Notification& notification) override;

 private:
  std::string Url() const;

  const SmtpSettings settings_;
  const Mailbox from_;
  const std::function<int64_t()> now_ms_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SMTP_SENDER_H_
