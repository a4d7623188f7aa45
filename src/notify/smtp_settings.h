// SmtpSettings: how e-mail leaves invtrack: the SMTP server to hand
// messages to, its TLS mode and login, and the sender address. Read from
// the config's [smtp] table and INVTRACK_SMTP_* (see cli/notify_config.h).
// Thread-safety: plain values.
#ifndef INVTRACK_NOTIFY_SMTP_SETTINGS_H_
#define INVTRACK_NOTIFY_SMTP_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

enum class SmtpTls {
  kNone,      // plain smtp://, for a relay on the same machine or network
  kStartTls,  // smtp:// then STARTTLS, which must succeed (port 587)
  kImplicit,  // smtps://, TLS from the first byte (port 465)
};

inline std::string_view SmtpTlsName(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kNone:
      return "none";
    case SmtpTls::kStartTls:
      return "starttls";
    case SmtpTls::kImplicit:
      return "implicit";
  }
  return "none";
}

inline std::optional<SmtpTls> ParseSmtpTls(std::string_view name) {
  for (SmtpTls tls : {SmtpTls::kNone, SmtpTls::kStartTls, SmtpTls::kImplicit}) {
    if (name == SmtpTlsName(tls)) return tls;
  }
  return std::nullopt;
}

struct SmtpSettings {
  std::string host;   // empty: e-mail is not configured
  uint16_t port = 0;  // 0: the TLS mode's usual port (25, 587, 465)
  SmtpTls tls = SmtpTls::kNone;
  std::string user;      // empty: no AUTH
  std::string password;  // used with `user`
  // The sender: "alerts@example.com" or "Inventory <alerts@example.com>".
  std::string from = "invtrack@localhost";
  std::string ca_file;  // PEM bundle to trust instead of the system's; empty: system
  int64_t connect_timeout_ms = 10'000;
  int64_t timeout_ms = 30'000;  // the whole conversation, connect included

  bool configured() const { return !host.empty(); }
  uint16_t effective_port() const {
    if (port != 0) return port;
    return tls == SmtpTls::kImplicit ? 465 : tls == SmtpTls::kStartTls ? 587 : 25;
  }
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SMTP_SETTINGS_H_
