// SmsTemplate: the pure parts of an SMS delivery: the short text of a
// notification (its text's non-empty lines, trimmed, cut to the length
// limit with an ellipsis on a UTF-8 character boundary) and the rendering
// of the gateway's URL and body templates, where {to} and {message} are
// replaced by escaped values and everything else is kept as written.
// Pure functions.
#ifndef INVTRACK_NOTIFY_SMS_TEMPLATE_H_
#define INVTRACK_NOTIFY_SMS_TEMPLATE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace invtrack {

enum class TemplateEscaping {
  kPercent,  // URL and form values: every byte but A-Za-z0-9-._~ as %XX
  kJson,     // inside a JSON string: quotes, backslashes, controls escaped
};

std::string RenderSmsTemplate(std::string_view pattern, std::string_view to,
                              std::string_view message, TemplateEscaping escaping);

// The notification text as one SMS of at most `max_length` characters
// (code points; REQUIRES max_length >= 2), ending in "…" when cut.
std::string SmsTextFor(std::string_view text, size_t max_length);

// The number of UTF-8 code points in `text` (bytes that do not continue a
// sequence).
size_t CountCodePoints(std::string_view text);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SMS_TEMPLATE_H_
