// POST/GET/DELETE /api/session and POST /api/session/password: sign-in
// with rate limiting, the session cookie, sign-out, changing one's own
// password (which ends every other session of the user).
#include "dashboard/api_handlers.h"
#include "dashboard/password_hasher.h"
#include "dashboard/session_cookie.h"

namespace invtrack {

namespace {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

HttpResponse SessionBody(int status, const User& user, const Session& session) {
  return JsonResponse(status, {{"user", UserJson(user)},
                               {"csrf_token", session.csrf_token},
                               {"must_change_password", user.must_change_password}});
}

HttpResponse TooManyAttempts(std::chrono::milliseconds wait) {
  int64_t seconds = std::max<int64_t>(1, (wait.count() + 999) / 1000);
  HttpResponse response =
      ErrorResponse(429, "too_many_attempts",
                    "too many failed sign-ins; try again in " + std::to_string(seconds) + " s");
  response.SetHeader("Retry-After", std::to_string(seconds));
  return response;
}

}  // namespace

HttpResponse CreateSession(ApiCall& call) {
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  auto username = body->find("username");
  auto password = body->find("password");
  if (username == body->end() || !username->is_string() || password == body->end() ||
      !password->is_string()) {
    return ErrorResponse(400, "invalid", "username and password (strings) are required");
  }
  const std::string name = username->get<std::string>();
  const std::string secret = password->get<std::string>();

  LoginLimiter& limiter = *call.services.limiter;
  LoginLimiter& address_limiter = *call.services.address_limiter;
  auto now = LoginLimiter::Clock::now();
  const std::string user_key = AsciiLower(name);
  const std::string address_key(call.http.remote_address());
  auto wait =
      std::max(limiter.RetryAfter(user_key, now), address_limiter.RetryAfter(address_key, now));
  if (wait.count() > 0) return TooManyAttempts(wait);

  std::optional<User> user = call.services.users->Find(name);
  bool valid = false;
  if (user) {
    valid = PasswordHasher::Verify(secret, user->password_hash);
  } else {
    // Spend the same work on an unknown name, so timing does not tell
    // which names exist.
    static const std::string kDummy = [] {
      Result<std::string> hash = PasswordHasher::Hash("not-a-real-password");
      return hash.ok() ? *hash : std::string();
    }();
    (void)PasswordHasher::Verify(secret, kDummy);
  }
  if (!valid) {
    limiter.RecordFailure(user_key, now);
    address_limiter.RecordFailure(address_key, now);
    return ErrorResponse(401, "invalid_credentials", "wrong user name or password");
  }
  limiter.RecordSuccess(user_key);
  address_limiter.RecordSuccess(address_key);
  Result<NewSession> session = call.services.sessions->Create(user->name);
  if (!session.ok()) return StatusResponse(session.status());
  HttpResponse response = SessionBody(201, *user, session->session);
  response.SetHeader("Set-Cookie", SessionCookie(session->token, UseSecureCookie(call),
                                                 call.services.options->session));
  return response;
}

HttpResponse GetSession(ApiCall& call) {
  if (!call.session) {
    return JsonResponse(200, {{"user", UserJson(*call.user)},
                              {"csrf_token", nullptr},
                              {"must_change_password", call.user->must_change_password}});
  }
  return SessionBody(200, *call.user, *call.session);
}

HttpResponse DeleteSession(ApiCall& call) {
  if (!call.session_token.empty()) {
    Status ended = call.services.sessions->End(call.session_token);
    if (!ended.ok()) return StatusResponse(ended);
  }
  HttpResponse response = NoContent();
  response.SetHeader("Set-Cookie", ExpiredSessionCookie(UseSecureCookie(call)));
  return response;
}

HttpResponse ChangeOwnPassword(ApiCall& call) {
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  auto current = body->find("current_password");
  auto next = body->find("new_password");
  if (current == body->end() || !current->is_string() || next == body->end() ||
      !next->is_string()) {
    return ErrorResponse(400, "invalid",
                         "current_password and new_password (strings) are required");
  }
  if (!PasswordHasher::Verify(current->get<std::string>(), call.user->password_hash)) {
    return ErrorResponse(403, "wrong_password", "the current password is wrong");
  }
  Status changed = call.services.users->SetPassword(call.user->name, next->get<std::string>());
  if (!changed.ok()) return StatusResponse(changed);
  // Other sessions end; this one goes on with a fresh token.
  Status ended = call.services.sessions->EndAllOf(call.user->name);
  if (!ended.ok()) return StatusResponse(ended);
  std::optional<User> user = call.services.users->Find(call.user->name);
  Result<NewSession> session = call.services.sessions->Create(call.user->name);
  if (!user || !session.ok()) return StatusResponse(session.status());
  HttpResponse response = SessionBody(200, *user, session->session);
  response.SetHeader("Set-Cookie", SessionCookie(session->token, UseSecureCookie(call),
                                                 call.services.options->session));
  return response;
}

}  // namespace invtrack
