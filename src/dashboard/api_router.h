// ApiRouter: maps /api/ requests to handlers, after the checks every route
// shares: who the caller is (session cookie or bearer token; 401 JSON
// without either), the CSRF token on every write made with a cookie, the
// admin role where a route needs it, and a pending password change.
// Path segments are percent-decoded one by one, so a store named "a/b" is
// /api/stores/a%2Fb.
// Thread-safety: Handle may be called from many threads at once.
#ifndef INVTRACK_DASHBOARD_API_ROUTER_H_
#define INVTRACK_DASHBOARD_API_ROUTER_H_

#include <functional>
#include <string>
#include <vector>

#include "dashboard/api_call.h"

namespace invtrack {

enum class RouteAccess {
  kPublic,    // no caller needed (sign-in)
  kSignedIn,  // any caller
  kAdmin,     // admins only
};

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // e.g. {"stores", ":", "items"}; ":" is a parameter
  RouteAccess access = RouteAccess::kSignedIn;
  std::function<HttpResponse(ApiCall&)> handler;
  // Allowed while the caller must still change a one-time password.
  bool during_password_change = false;
};

class ApiRouter {
 public:
  explicit ApiRouter(DashboardServices* services);

  // `request` is under /api/.
  HttpResponse Handle(HttpRequest& request);

  static const char kCsrfHeader[];  // "X-CSRF-Token"

 private:
  std::optional<HttpResponse> Authenticate(ApiCall& call);

  DashboardServices* services_;
  std::vector<Route> routes_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_API_ROUTER_H_
