#include "dashboard/session_cookie.h"

namespace invtrack {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsLoopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address == "::ffff:127.0.0.1";
}

}  // namespace

std::string SessionCookie(std::string_view token, bool secure, const SessionLimits& limits) {
  auto max_age = std::chrono::duration_cast<std::chrono::seconds>(limits.lifetime).count();
  std::string cookie = std::string(kSessionCookieName) + "=" + std::string(token) +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string ExpiredSessionCookie(bool secure) {
  std::string cookie =
      std::string(kSessionCookieName) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (secure) cookie += "; Secure";
  return cookie;
}

bool UseSecureCookie(const ApiCall& call) {
  if (call.services.options->secure_cookies) return true;
  // Only a proxy on this host is trusted to say the browser used TLS.
  std::optional<std::string_view> proto = call.http.Header("x-forwarded-proto");
  return proto && Trim(*proto) == "https" && IsLoopback(call.http.remote_address());
}

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    size_t equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (Trim(pair.substr(0, equals)) == name) return std::string(Trim(pair.substr(equals + 1)));
  }
  return std::nullopt;
}

}  // namespace invtrack
