// MimeMessage: builds the RFC 5322 / MIME text of one alert e-mail: Date,
// Message-ID (stable, from the notification id, so receivers and mail
// clients can de-duplicate retries), From, To, Subject (an RFC 2047
// encoded-word when not plain ASCII), a quoted-printable UTF-8 text part
// and, when there is HTML, multipart/alternative with a text/html part.
// Lines end with CRLF. Header values never contain CR or LF, whatever the
// input: a subject or address cannot add headers. Dot-stuffing is left to
// the SMTP client (libcurl does it). Pure functions.
#ifndef INVTRACK_NOTIFY_MIME_MESSAGE_H_
#define INVTRACK_NOTIFY_MIME_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace invtrack {

struct MailContent {
  std::string from_name;     // display name; may be empty; UTF-8
  std::string from_address;  // e.g. "alerts@example.com"
  std::string to_address;
  std::string subject;     // UTF-8
  std::string text;        // UTF-8, '\n' or "\r\n" line ends
  std::string html;        // empty: text only
  std::string message_id;  // the notification id; becomes <id@invtrack>
  int64_t date_ms = 0;     // the Date header, ms since the epoch
};

std::string BuildMimeMessage(const MailContent& mail);

// "Wed, 25 Nov 2026 22:37:50 +0000" (RFC 5322 section 3.3, in UTC).
std::string FormatRfc5322Date(int64_t epoch_ms);

// The value as is when it is printable ASCII, else one or more RFC 2047
// "=?UTF-8?B?...?=" words joined by CRLF SP (folded). CR, LF and other
// control characters become spaces first.
std::string EncodeHeaderText(std::string_view value);

// Quoted-printable (RFC 2045 section 6.7) of text whose lines end with
// '\n' or "\r\n"; output lines end with CRLF and are at most 76 characters.
std::string EncodeQuotedPrintable(std::string_view text);

// "<id@invtrack>", keeping only [A-Za-z0-9._-] of `id` (never empty).
std::string MessageIdFor(std::string_view id);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_MIME_MESSAGE_H_
