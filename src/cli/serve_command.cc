// `invtrack serve`: runs the system on embedded parts for one data
// directory until interrupted. On the first start it loads the demo
// inventory (six stores in the lab's format) and shows what came of it.
#include <iostream>
#include <memory>

#include <signal.h>

#include "adapters/local/bucket_registry.h"
#include "cli/cli_context.h"
#include "cli/demo_files.h"
#include "cli/listen_address.h"
#include "cli/output.h"
#include "dashboard/dashboard_server.h"
#include "dashboard/first_admin.h"
#include "notify/channel_senders.h"
#include "notify/local_notifier.h"
#include "runtime/json_log.h"
#include "s3/access_key_store.h"
#include "s3/s3_endpoint.h"

namespace invtrack {

namespace {

struct ServeArgs {
  bool no_demo = false;
  std::string s3_listen;         // overrides the config when set
  std::string dashboard_listen;  // overrides the config when set
};

// The S3 endpoint and what it needs, alive while serving.
struct S3Serving {
  std::unique_ptr<AccessKeyStore> keys;
  std::unique_ptr<BucketRegistry> buckets;
  std::unique_ptr<S3Endpoint> endpoint;
  std::string url;
};

Result<S3Serving> StartS3(const Config& config, LocalPipeline& pipeline) {
  Result<ListenAddress> address = ParseListenAddress(config.s3.listen, "s3.listen");
  if (!address.ok()) return address.status();
  S3Serving serving;
  Result<std::unique_ptr<AccessKeyStore>> keys =
      AccessKeyStore::Open(config.pipeline.data_dir / "keys.db");
  if (!keys.ok()) return keys.status();
  serving.keys = std::move(keys).value();
  Result<std::unique_ptr<BucketRegistry>> buckets =
      BucketRegistry::Open(config.pipeline.data_dir, &pipeline.bucket());
  if (!buckets.ok()) return buckets.status();
  serving.buckets = std::move(buckets).value();

  S3EndpointOptions options;
  options.http.host = address->host;
  options.http.port = address->port;
  options.http.read_timeout = std::chrono::milliseconds(config.s3.read_timeout_ms);
  options.http.max_connections = static_cast<size_t>(config.s3.max_connections);
  options.region = config.pipeline.region;
  options.notify_suffix = config.s3.notify_suffix;
  options.max_object_bytes = config.pipeline.max_object_bytes;
  Result<std::unique_ptr<S3Endpoint>> endpoint =
      S3Endpoint::Start(options, S3Services{&pipeline, serving.buckets.get(), serving.keys.get()});
  if (!endpoint.ok()) {
    return Status::Unavailable("cannot start the S3 endpoint on " + config.s3.listen,
                               endpoint.status().message());
  }
  serving.endpoint = std::move(endpoint).value();
  serving.url = EndpointUrl(address->host, serving.endpoint->port());
  return serving;
}

// The dashboard, alive while serving.
struct DashboardServing {
  std::unique_ptr<DashboardServer> server;
  std::string url;
  std::optional<std::filesystem::path> first_admin_password;
};

// `s3_listener`: the S3 endpoint's actual address (its port may have been 0).
Result<DashboardServing> StartDashboard(const Config& config, LocalPipeline& pipeline,
                                        const std::string& s3_listener) {
  Result<ListenAddress> address = ParseListenAddress(config.dashboard.listen, "dashboard.listen");
  if (!address.ok()) return address.status();
  DashboardServing serving;
  {
    Result<std::unique_ptr<UserStore>> users =
        UserStore::Open(DashboardServer::UsersPath(config.pipeline.data_dir));
    if (!users.ok()) return users.status();
    Result<std::optional<std::filesystem::path>> created =
        CreateFirstAdminIfNone(**users, config.pipeline.data_dir);
    if (!created.ok()) return created.status();
    serving.first_admin_password = *created;
  }
  DashboardOptions options;
  options.http.host = address->host;
  options.http.port = address->port;
  options.secure_cookies = config.dashboard.secure_cookies;
  // The dashboard adds its own bound address to the listeners.
  options.subscribe =
      SubscribePolicy{{s3_listener, config.s3.listen}, config.notify.webhook.allow_internal};
  options.max_upload_bytes = static_cast<uint64_t>(config.dashboard.max_upload_bytes);
  options.login.free_failures = static_cast<int>(config.dashboard.login_free_failures);
  options.login.base_delay = std::chrono::milliseconds(config.dashboard.login_base_delay_ms);
  Result<std::unique_ptr<DashboardServer>> server = DashboardServer::Start(options, &pipeline);
  if (!server.ok()) {
    return Status::Unavailable("cannot start the dashboard on " + config.dashboard.listen,
                               server.status().message());
  }
  serving.server = std::move(server).value();
  serving.url = EndpointUrl(address->host, serving.server->port());
  return serving;
}

// "inventory-berlin.csv" -> "Berlin": the demo files name their store.
std::string DemoStore(std::string_view name) {
  std::string_view base = name.substr(0, name.find('.'));
  if (base.rfind("inventory-", 0) == 0) base.remove_prefix(10);
  std::string store(base);
  if (!store.empty()) store[0] = static_cast<char>(std::toupper(store[0]));
  return store;
}

Status LoadDemo(LocalPipeline& pipeline) {
  std::vector<std::pair<std::string, int64_t>> queued;
  for (const DemoFile& file : DemoFiles()) {
    StringByteSource body(file.content);
    PutOptions options;
    options.content_type = "text/csv";
    std::string key = "stores/" + DemoStore(file.name) + "/" + std::string(file.name);
    Result<UploadReceipt> receipt = pipeline.Upload(key, &body, options, "demo");
    if (!receipt.ok()) return receipt.status();
    queued.emplace_back(key, receipt->invocation_id);
  }
  for (const auto& [key, invocation] : queued) {
    Result<std::vector<FileResult>> results =
        pipeline.WaitForLoad(invocation, std::chrono::minutes(5));
    if (!results.ok()) return results.status();
    for (const FileResult& r : *results) {
      std::cout << "  " << key << ": " << FileOutcomeName(r.outcome) << ", " << r.stats.rows
                << " rows\n";
    }
  }
  return Status::OK();
}

int RunServe(const CliContext& context, const ServeArgs& args) {
  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Config config;
  Result<std::unique_ptr<LocalPipeline>> opened = context.OpenPipeline(&config);
  if (opened.ok() && !args.s3_listen.empty()) config.s3.listen = args.s3_listen;
  if (opened.ok() && !args.dashboard_listen.empty())
    config.dashboard.listen = args.dashboard_listen;
  if (!opened.ok()) return Fail(opened.status());
  LocalPipeline& pipeline = **opened;
  Result<bool> started = pipeline.StartRuntime();
  if (!started.ok()) return Fail(started.status());
  if (!*started) {
    return Fail(Status::Unavailable("another invtrack process is already serving " +
                                    config.pipeline.data_dir.string()));
  }

  // Deliveries start before the demo loads, so its alerts reach subscribers.
  Result<std::unique_ptr<LocalNotifier>> notifier = LocalNotifier::Open(&pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  Status delivering = (*notifier)->Start(MakeChannelSenders(config.notify), config.delivery);
  if (!delivering.ok()) return Fail(delivering);

  std::cout << "invtrack: data in " << config.pipeline.data_dir.string() << ", bucket '"
            << config.pipeline.bucket << "'\n";
  Result<std::vector<UploadRecord>> uploads = pipeline.table().ListUploads(1);
  if (!uploads.ok()) return Fail(uploads.status());
  if (!args.no_demo && uploads->empty()) {
    std::cout << "First start: loading the demo inventory of " << DemoFiles().size() << " stores\n";
    Status demo = LoadDemo(pipeline);
    if (!demo.ok()) return Fail(demo);
  }
  std::cout << "\nStock levels:\n";
  Status printed = PrintStock(pipeline, StockFilter{}, OutputFormat::kTable, std::cout);
  if (printed.ok()) {
    std::cout << "\nAlerts:\n";
    printed = PrintAlerts(pipeline, nullptr, OutputFormat::kTable, 1000000, std::cout);
  }
  if (!printed.ok()) return Fail(printed);

  std::optional<S3Serving> s3;
  if (config.s3.enabled) {
    Result<S3Serving> started_s3 = StartS3(config, pipeline);
    if (!started_s3.ok()) return Fail(started_s3.status());
    s3 = std::move(started_s3).value();
  }
  std::optional<DashboardServing> dashboard;
  if (config.dashboard.enabled) {
    std::string s3_listener = config.s3.listen;
    if (s3) {
      Result<ListenAddress> s3_address = ParseListenAddress(config.s3.listen, "s3.listen");
      if (s3_address.ok()) {
        // "http://HOST:PORT" -> "HOST:PORT"
        s3_listener = EndpointUrl(s3_address->host, s3->endpoint->port()).substr(7);
      }
    }
    Result<DashboardServing> started_dashboard = StartDashboard(config, pipeline, s3_listener);
    if (!started_dashboard.ok()) return Fail(started_dashboard.status());
    dashboard = std::move(started_dashboard).value();
    std::cout << "\nDashboard: " << dashboard->url << "\n";
    if (dashboard->first_admin_password) {
      std::cout << "Dashboard user '" << kFirstAdminName
                << "' created; its one-time password is in "
                << dashboard->first_admin_password->string()
                << " (sign in, then choose a new one)\n";
    }
  }
  std::cout << "\nServing. Load files with `invtrack load FILE...` or `invtrack upload FILE...`; "
               "see levels with `invtrack stock`. Ctrl-C stops.\n";
  if (s3) {
    std::cout
        << "Access keys for S3 clients: eval \"$(invtrack keys create --admin --format env)\" "
           "(or --store NAME)\n"
        << "S3 endpoint: " << s3->url << "\n";
  }
  std::cout << std::flush;
  LogJson(spdlog::level::info, "serve.ready", {{"data_dir", config.pipeline.data_dir.string()}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogJson(spdlog::level::info, "serve.stopping", {{"signal", signal_number}});
  if (dashboard) dashboard->server->Stop();
  if (s3) s3->endpoint->Stop();
  (*notifier)->Stop();
  pipeline.StopRuntime();
  std::cout << "invtrack: stopped\n";
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, CliContext& context) {
  CLI::App* command = app.add_subcommand(
      "serve", "Run invtrack on embedded parts (loads demo data on first start)");
  auto args = std::make_shared<ServeArgs>();
  command->add_flag("--no-demo", args->no_demo, "do not load the demo inventory on first start");
  command->add_option("--s3-listen", args->s3_listen,
                      "S3 endpoint address HOST:PORT (env INVTRACK_S3_LISTEN, default "
                      "127.0.0.1:9000; port 0 picks a free one)");
  command->add_option("--dashboard-listen", args->dashboard_listen,
                      "dashboard address HOST:PORT (env INVTRACK_DASHBOARD_LISTEN, default "
                      "127.0.0.1:8080; port 0 picks a free one)");
  command->callback(
      [&context, args] { context.run = [&context, args] { return RunServe(context, *args); }; });
}

}  // namespace invtrack
