// ApiCall: one dashboard request as the handlers see it: the HTTP request,
// the services, the signed-in caller (if any), the decoded path parameters
// and query. Also the JSON response helpers every handler uses, so errors
// look the same everywhere: {"error": CODE, "message": TEXT}.
// Thread-safety: used by the one thread that handles the request.
#ifndef INVTRACK_DASHBOARD_API_CALL_H_
#define INVTRACK_DASHBOARD_API_CALL_H_

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dashboard/inventory_reader.h"
#include "dashboard/login_limiter.h"
#include "dashboard/session_store.h"
#include "dashboard/store_index.h"
#include "dashboard/user_store.h"
#include "dashboard/versioned_cache.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "http/http_server.h"
#include "notify/delivery_store.h"
#include "notify/subscription_request.h"
#include "notify/subscription_store.h"
#include "runtime/local_pipeline.h"

namespace invtrack {

struct DashboardOptions {
  HttpServerOptions http;
  LoginLimits login;
  SessionLimits session;
  // Mark the session cookie Secure even on plain HTTP (behind a TLS proxy
  // that does not send X-Forwarded-Proto).
  bool secure_cookies = false;
  uint64_t max_upload_bytes = uint64_t{100} << 20;
  std::chrono::milliseconds upload_wait{std::chrono::seconds(120)};
  // How often a live feed checks for new alerts and for shutdown.
  std::chrono::milliseconds live_poll{std::chrono::milliseconds(250)};
  // What a subscription made through the API may address.
  SubscribePolicy subscribe;
};

struct DashboardServices {
  LocalPipeline* pipeline = nullptr;
  UserStore* users = nullptr;
  SessionStore* sessions = nullptr;
  StoreIndex* index = nullptr;
  InventoryReader* reader = nullptr;
  LoginLimiter* limiter = nullptr;  // per user name
  LoginLimiter* address_limiter = nullptr;
  VersionedCache* overview_cache =
      nullptr;  // the admin overview's JSON  // per client address (more lenient: shared NATs)
  const DashboardOptions* options = nullptr;
  SubscriptionStore* subscriptions = nullptr;  // in topic.db, as for the CLI
  DeliveryStore* deliveries = nullptr;
  // The port the dashboard is bound to (options->http.port may be 0).
  std::atomic<uint16_t> bound_port{0};
  const std::atomic<bool>* stopping = nullptr;
};

struct ApiCall {
  HttpRequest& http;
  DashboardServices& services;
  std::optional<User> user;         // the caller, once authenticated
  std::string session_token;        // empty for bearer-token callers
  std::optional<Session> session;   // the cookie session, if that is how they came
  std::vector<std::string> params;  // decoded ":name" path segments, in order
  std::map<std::string, std::string> query;

  // Query parameter or `fallback`.
  std::string Query(const std::string& name, const std::string& fallback = "") const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
};

HttpResponse JsonResponse(int status, const nlohmann::json& body);
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);
HttpResponse NoContent();
// Maps a Status to 400/404/409/503/500 with its message.
HttpResponse StatusResponse(const Status& status);

// Reads a JSON object body of at most `limit` bytes. Errors: 415 unless the
// Content-Type is application/json, 413 when too large, 400 when the body
// is not a JSON object. The error response is returned in *error.
std::optional<nlohmann::json> ReadJsonObject(ApiCall& call, HttpResponse* error,
                                             size_t limit = 64 * 1024);

// JSON text of any string, with invalid UTF-8 replaced (names are data).
std::string JsonDump(const nlohmann::json& value);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_API_CALL_H_
