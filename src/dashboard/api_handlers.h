// The dashboard API's handlers, one file per resource (session_handlers.cc,
// store_handlers.cc, ...). The router (api_router.cc) has already checked
// the caller's session or token, the CSRF token of writes and the admin
// role where a route needs it; handlers check store grants themselves.
// Thread-safety: handlers run concurrently on the server's threads.
#ifndef INVTRACK_DASHBOARD_API_HANDLERS_H_
#define INVTRACK_DASHBOARD_API_HANDLERS_H_

#include "dashboard/api_call.h"

namespace invtrack {

// session_handlers.cc
HttpResponse CreateSession(ApiCall& call);  // POST /api/session (no session needed)
HttpResponse GetSession(ApiCall& call);
HttpResponse DeleteSession(ApiCall& call);
HttpResponse ChangeOwnPassword(ApiCall& call);  // POST /api/session/password

// store_handlers.cc
HttpResponse ListStores(ApiCall& call);
HttpResponse GetStore(ApiCall& call);
HttpResponse ListItems(ApiCall& call);
HttpResponse GetItemHistory(ApiCall& call);

// upload_handlers.cc
HttpResponse ListUploads(ApiCall& call);
HttpResponse CreateUpload(ApiCall& call);

// alert_handlers.cc
HttpResponse ListAlerts(ApiCall& call);
HttpResponse GetThresholds(ApiCall& call);

// user_handlers.cc (admin)
HttpResponse ListUsers(ApiCall& call);
HttpResponse CreateUser(ApiCall& call);
HttpResponse UpdateUser(ApiCall& call);
HttpResponse DeleteUser(ApiCall& call);

// token_handlers.cc (a caller's own tokens; admins see all)
HttpResponse ListTokens(ApiCall& call);
HttpResponse CreateToken(ApiCall& call);
HttpResponse DeleteToken(ApiCall& call);

// subscription_handlers.cc (admin): who is told about alerts, and how the
// messages to them fared
HttpResponse ListSubscriptions(ApiCall& call);
HttpResponse CreateSubscription(ApiCall& call);
HttpResponse DeleteSubscription(ApiCall& call);
HttpResponse ListDeliveries(ApiCall& call);
HttpResponse RedriveDelivery(ApiCall& call);  // POST /api/deliveries/:id/redrive

// live_feed_handler.cc: Server-Sent Events
HttpResponse LiveFeed(ApiCall& call);

// Shared by handlers: 403 unless the caller may see `store`.
std::optional<HttpResponse> DenyUnlessVisible(const ApiCall& call, const std::string& store);
nlohmann::json UserJson(const User& user);
nlohmann::json AlertJson(const StoredAlert& stored);  // alert_handlers.cc

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_API_HANDLERS_H_
