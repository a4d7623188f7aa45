#include "dashboard/api_router.h"

#include "core/url_codec.h"
#include "dashboard/api_handlers.h"
#include "dashboard/secret_token.h"
#include "dashboard/session_cookie.h"

namespace invtrack {

const char ApiRouter::kCsrfHeader[] = "X-CSRF-Token";

namespace {

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

// "/api/a/b%2Fc" -> {"a", "b/c"}; nullopt on a bad escape.
std::optional<std::vector<std::string>> Segments(std::string_view path) {
  path.remove_prefix(std::string_view("/api").size());
  std::vector<std::string> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    size_t end = path.find('/');
    std::string_view raw = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
    if (raw.empty()) continue;
    Result<std::string> decoded = PercentDecode(raw, false);
    if (!decoded.ok()) return std::nullopt;
    segments.push_back(std::move(decoded).value());
  }
  return segments;
}

std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> params;
  while (!query.empty()) {
    size_t end = query.find('&');
    std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    Result<std::string> name = FormUrlDecode(pair.substr(0, equals));
    Result<std::string> value = FormUrlDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name.ok() || !value.ok()) return std::nullopt;
    params[std::move(name).value()] = std::move(value).value();
  }
  return params;
}

// The host[:port] part of an Origin such as "http://127.0.0.1:8080".
std::string_view OriginHost(std::string_view origin) {
  size_t scheme = origin.find("://");
  return scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
}

}  // namespace

ApiRouter::ApiRouter(DashboardServices* services) : services_(services) {
  using A = RouteAccess;
  routes_ = {
      {"POST", {"session"}, A::kPublic, CreateSession, true},
      {"GET", {"session"}, A::kSignedIn, GetSession, true},
      {"DELETE", {"session"}, A::kSignedIn, DeleteSession, true},
      {"POST", {"session", "password"}, A::kSignedIn, ChangeOwnPassword, true},
      {"GET", {"stores"}, A::kSignedIn, ListStores},
      {"GET", {"stores", ":"}, A::kSignedIn, GetStore},
      {"GET", {"stores", ":", "items"}, A::kSignedIn, ListItems},
      {"GET", {"stores", ":", "items", ":", "history"}, A::kSignedIn, GetItemHistory},
      {"GET", {"uploads"}, A::kSignedIn, ListUploads},
      {"POST", {"uploads"}, A::kSignedIn, CreateUpload},
      {"GET", {"alerts"}, A::kSignedIn, ListAlerts},
      {"GET", {"thresholds"}, A::kSignedIn, GetThresholds},
      {"GET", {"events"}, A::kSignedIn, LiveFeed},
      {"GET", {"users"}, A::kAdmin, ListUsers},
      {"POST", {"users"}, A::kAdmin, CreateUser},
      {"PATCH", {"users", ":"}, A::kAdmin, UpdateUser},
      {"DELETE", {"users", ":"}, A::kAdmin, DeleteUser},
      {"GET", {"subscriptions"}, A::kAdmin, ListSubscriptions},
      {"POST", {"subscriptions"}, A::kAdmin, CreateSubscription},
      {"DELETE", {"subscriptions", ":"}, A::kAdmin, DeleteSubscription},
      {"GET", {"deliveries"}, A::kAdmin, ListDeliveries},
      {"POST", {"deliveries", ":", "redrive"}, A::kAdmin, RedriveDelivery},
      {"GET", {"tokens"}, A::kSignedIn, ListTokens},
      {"POST", {"tokens"}, A::kSignedIn, CreateToken},
      {"DELETE", {"tokens", ":"}, A::kSignedIn, DeleteToken},
  };
}

std::optional<HttpResponse> ApiRouter::Authenticate(ApiCall& call) {
  if (std::optional<std::string_view> authorization = call.http.Header("authorization")) {
    std::string_view value = *authorization;
    if (!value.starts_with("Bearer ")) {
      return ErrorResponse(401, "unauthenticated", "Authorization must be 'Bearer <token>'");
    }
    call.user = services_->users->FindByToken(value.substr(7));
    if (!call.user) return ErrorResponse(401, "unauthenticated", "unknown or revoked token");
    return std::nullopt;
  }
  std::optional<std::string> token;
  if (std::optional<std::string_view> cookies = call.http.Header("cookie")) {
    token = CookieValue(*cookies, kSessionCookieName);
  }
  if (token) call.session = services_->sessions->Find(*token);
  if (call.session) call.user = services_->users->Find(call.session->user);
  if (!call.user) {
    call.session.reset();
    return ErrorResponse(401, "unauthenticated", "sign in first");
  }
  call.session_token = *token;
  if (!IsRead(call.http.method())) {
    // Cookies ride along on any request the browser makes; only a page of
    // ours can read the CSRF token from /api/session and send it back.
    std::optional<std::string_view> sent = call.http.Header(kCsrfHeader);
    if (!sent || !ConstantTimeEquals(*sent, call.session->csrf_token)) {
      return ErrorResponse(403, "csrf", "missing or wrong X-CSRF-Token header");
    }
    std::optional<std::string_view> origin = call.http.Header("origin");
    std::optional<std::string_view> host = call.http.Header("host");
    if (origin && *origin != "null" && (!host || OriginHost(*origin) != *host)) {
      return ErrorResponse(403, "csrf", "cross-origin write refused");
    }
  }
  return std::nullopt;
}

HttpResponse ApiRouter::Handle(HttpRequest& request) {
  std::optional<std::vector<std::string>> segments = Segments(request.path());
  std::optional<std::map<std::string, std::string>> query = ParseQuery(request.query());
  ApiCall call{request, *services_, {}, {}, {}, {}, {}};
  if (!segments || !query) {
    return ErrorResponse(400, "bad_request", "malformed percent-encoding in the URL");
  }
  call.query = std::move(*query);

  const Route* matched = nullptr;
  bool path_matched = false;
  std::vector<std::string> params;
  for (const Route& route : routes_) {
    if (route.pattern.size() != segments->size()) continue;
    std::vector<std::string> candidate;
    bool same = true;
    for (size_t i = 0; i < route.pattern.size() && same; ++i) {
      if (route.pattern[i] == ":") {
        candidate.push_back((*segments)[i]);
      } else {
        same = route.pattern[i] == (*segments)[i];
      }
    }
    if (!same) continue;
    path_matched = true;
    if (route.method == request.method()) {
      matched = &route;
      params = std::move(candidate);
      break;
    }
  }
  if (matched == nullptr || matched->access != RouteAccess::kPublic) {
    // Without a caller every /api/ call is 401, known route or not.
    if (std::optional<HttpResponse> denied = Authenticate(call)) return *denied;
  }
  if (matched == nullptr) {
    if (path_matched) return ErrorResponse(405, "method_not_allowed", "method not allowed here");
    return ErrorResponse(404, "not_found", "no such API route");
  }
  if (call.user) {
    if (call.user->must_change_password && !matched->during_password_change) {
      return ErrorResponse(403, "password_change_required",
                           "change the one-time password first (POST /api/session/password)");
    }
    if (matched->access == RouteAccess::kAdmin && call.user->role != Role::kAdmin) {
      return ErrorResponse(403, "forbidden", "admins only");
    }
  }
  call.params = std::move(params);
  return matched->handler(call);
}

}  // namespace invtrack
