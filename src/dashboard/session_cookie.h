// The session cookie: `invtrack_session=<token>; Path=/; HttpOnly;
// SameSite=Strict; Max-Age=...`, plus `Secure` when the dashboard is
// reached over TLS (a TLS proxy on this host says so with
// X-Forwarded-Proto: https) or the config asks for it.
// Thread-safety: pure functions.
#ifndef INVTRACK_DASHBOARD_SESSION_COOKIE_H_
#define INVTRACK_DASHBOARD_SESSION_COOKIE_H_

#include <optional>
#include <string>
#include <string_view>

#include "dashboard/api_call.h"

namespace invtrack {

inline constexpr std::string_view kSessionCookieName = "invtrack_session";

std::string SessionCookie(std::string_view token, bool secure, const SessionLimits& limits);
std::string ExpiredSessionCookie(bool secure);
bool UseSecureCookie(const ApiCall& call);

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_SESSION_COOKIE_H_
