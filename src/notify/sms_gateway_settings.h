// SmsGatewaySettings: the HTTP request that asks an SMS gateway to send one
// text, described as a template so that common providers work without
// code: URL, method, body format and body with {to} and {message}, an
// optional auth header. See docs/notifications.md for worked examples.
// Thread-safety: plain values.
#ifndef INVTRACK_NOTIFY_SMS_GATEWAY_SETTINGS_H_
#define INVTRACK_NOTIFY_SMS_GATEWAY_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

enum class SmsMethod { kPost, kGet };
enum class SmsBodyFormat {
  kForm,  // application/x-www-form-urlencoded; values percent-encoded
  kJson,  // application/json; values JSON-escaped (the template has the quotes)
};

inline std::optional<SmsMethod> ParseSmsMethod(std::string_view name) {
  if (name == "POST" || name == "post") return SmsMethod::kPost;
  if (name == "GET" || name == "get") return SmsMethod::kGet;
  return std::nullopt;
}

inline std::optional<SmsBodyFormat> ParseSmsBodyFormat(std::string_view name) {
  if (name == "form") return SmsBodyFormat::kForm;
  if (name == "json") return SmsBodyFormat::kJson;
  return std::nullopt;
}

inline constexpr std::string_view kDefaultSmsFormBody = "to={to}&message={message}";
inline constexpr std::string_view kDefaultSmsJsonBody = R"({"to":"{to}","message":"{message}"})";

struct SmsGatewaySettings {
  // http(s) URL; {to} and {message} in it are replaced percent-encoded.
  // Empty: SMS is not configured.
  std::string url;
  SmsMethod method = SmsMethod::kPost;
  SmsBodyFormat format = SmsBodyFormat::kForm;
  // Empty: kDefaultSmsFormBody or kDefaultSmsJsonBody. Not sent with GET.
  std::string body;
  // One header line, e.g. "Authorization: Basic QUM6c2VjcmV0"; empty: none.
  std::string auth_header;
  int64_t connect_timeout_ms = 5'000;
  int64_t timeout_ms = 10'000;
  size_t max_length = 160;  // characters (code points), the ellipsis included

  bool configured() const { return !url.empty(); }
  std::string_view effective_body() const {
    if (!body.empty()) return body;
    return format == SmsBodyFormat::kJson ? kDefaultSmsJsonBody : kDefaultSmsFormBody;
  }
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_SMS_GATEWAY_SETTINGS_H_
