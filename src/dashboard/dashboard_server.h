// DashboardServer: the web dashboard of `invtrack serve`: its JSON API
// under /api/ (ApiRouter), the static pages, and what they read: users and
// sessions (dashboard.db), the store index (history.db, following the
// change stream) and the inventory reader.
// Thread-safety: Start/Stop from one thread; requests are served
// concurrently.
#ifndef INVTRACK_DASHBOARD_DASHBOARD_SERVER_H_
#define INVTRACK_DASHBOARD_DASHBOARD_SERVER_H_

#include <atomic>
#include <memory>

#include "dashboard/api_call.h"
#include "dashboard/api_router.h"
#include "dashboard/static_files.h"

namespace invtrack {

class DashboardServer {
 public:
  static Result<std::unique_ptr<DashboardServer>> Start(DashboardOptions options,
                                                        LocalPipeline* pipeline);
  ~DashboardServer();  // Stop()
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  uint16_t port() const;
  StoreIndex& index() { return *index_; }
  void Stop();

  static std::filesystem::path UsersPath(const std::filesystem::path& data_dir) {
    return data_dir / "dashboard.db";
  }

 private:
  DashboardServer(DashboardOptions options, LocalPipeline* pipeline);
  HttpResponse Handle(HttpRequest& request);

  DashboardOptions options_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<StoreIndex> index_;
  std::unique_ptr<InventoryReader> reader_;
  std::unique_ptr<LoginLimiter> limiter_;
  std::unique_ptr<LoginLimiter> address_limiter_;
  std::unique_ptr<SubscriptionStore> subscriptions_;
  std::unique_ptr<DeliveryStore> deliveries_;
  VersionedCache overview_cache_;
  DashboardServices services_;
  std::unique_ptr<ApiRouter> router_;
  StaticFiles static_files_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_DASHBOARD_SERVER_H_
