#include "dashboard/dashboard_server.h"

namespace invtrack {

DashboardServer::DashboardServer(DashboardOptions options, LocalPipeline* pipeline)
    : options_(std::move(options)) {
  services_.pipeline = pipeline;
  services_.options = &options_;
  services_.stopping = &stopping_;
}

Result<std::unique_ptr<DashboardServer>> DashboardServer::Start(DashboardOptions options,
                                                                LocalPipeline* pipeline) {
  std::unique_ptr<DashboardServer> server(new DashboardServer(std::move(options), pipeline));
  const std::filesystem::path& data_dir = pipeline->options().data_dir;
  const std::filesystem::path& inventory_db = pipeline->table().path();
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(UsersPath(data_dir));
  if (!users.ok()) return users.status();
  server->users_ = std::move(users).value();
  Result<std::unique_ptr<SessionStore>> sessions =
      SessionStore::Open(UsersPath(data_dir), server->options_.session);
  if (!sessions.ok()) return sessions.status();
  server->sessions_ = std::move(sessions).value();
  PolicySource policy;
  policy.current = [pipeline] { return pipeline->CurrentPolicy(); };
  policy.fingerprint = [pipeline] {
    Result<std::vector<ThresholdSetting>> settings = pipeline->thresholds().List();
    if (!settings.ok()) return std::string("unreadable");
    std::string text;
    for (const ThresholdSetting& s : *settings) {
      text += s.store.value_or("*") + '\x1f' + s.item.value_or("*") + '\x1f' +
              std::to_string(s.threshold) + '\x1e';
    }
    return text;
  };
  Result<std::unique_ptr<StoreIndex>> index =
      StoreIndex::Open(inventory_db, data_dir / "history.db", policy);
  if (!index.ok()) return index.status();
  server->index_ = std::move(index).value();
  Result<std::unique_ptr<InventoryReader>> reader = InventoryReader::Open(inventory_db);
  if (!reader.ok()) return reader.status();
  server->reader_ = std::move(reader).value();
  server->limiter_ = std::make_unique<LoginLimiter>(server->options_.login);
  LoginLimits per_address = server->options_.login;
  per_address.free_failures *= 4;  // several people may share one address
  server->address_limiter_ = std::make_unique<LoginLimiter>(per_address);

  Result<std::unique_ptr<SubscriptionStore>> subscriptions =
      SubscriptionStore::Open(pipeline->topic().path());
  if (!subscriptions.ok()) return subscriptions.status();
  server->subscriptions_ = std::move(subscriptions).value();
  Result<std::unique_ptr<DeliveryStore>> deliveries = DeliveryStore::Open(pipeline->topic().path());
  if (!deliveries.ok()) return deliveries.status();
  server->deliveries_ = std::move(deliveries).value();

  DashboardServices& services = server->services_;
  services.subscriptions = server->subscriptions_.get();
  services.deliveries = server->deliveries_.get();
  services.users = server->users_.get();
  services.sessions = server->sessions_.get();
  services.index = server->index_.get();
  services.reader = server->reader_.get();
  services.limiter = server->limiter_.get();
  services.address_limiter = server->address_limiter_.get();
  services.overview_cache = &server->overview_cache_;
  server->router_ = std::make_unique<ApiRouter>(&services);

  server->index_->Start();
  DashboardServer* self = server.get();
  Result<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      server->options_.http, [self](HttpRequest& request) { return self->Handle(request); });
  if (!http.ok()) return http.status();
  server->server_ = std::move(http).value();
  server->services_.bound_port = server->server_->port();
  return server;
}

DashboardServer::~DashboardServer() { Stop(); }

uint16_t DashboardServer::port() const { return server_ ? server_->port() : 0; }

void DashboardServer::Stop() {
  stopping_ = true;  // live feeds notice within one poll
  if (server_) server_->Stop();
  if (index_) index_->Stop();
}

HttpResponse DashboardServer::Handle(HttpRequest& request) {
  std::string_view path = request.path();
  HttpResponse response = (path == "/api" || path.starts_with("/api/"))
                              ? router_->Handle(request)
                              : static_files_.Serve(request);
  AddSecurityHeaders(&response);
  return response;
}

}  // namespace invtrack
