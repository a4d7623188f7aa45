// `invtrack serve`: runs the system on embedded parts for one data
// directory until interrupted. On the first start it loads the demo
// inventory (six stores in the lab's format) and shows what came of it.
#include <iostream>
#include <memory>

#include <signal.h>

#include "cli/cli_context.h"
#include "cli/demo_files.h"
#include "cli/output.h"
#include "runtime/json_log.h"

namespace invtrack {

namespace {

struct ServeArgs {
  bool no_demo = false;
};

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
  if (!opened.ok()) return Fail(opened.status());
  LocalPipeline& pipeline = **opened;
  Result<bool> started = pipeline.StartRuntime();
  if (!started.ok()) return Fail(started.status());
  if (!*started) {
    return Fail(Status::Unavailable("another invtrack process is already serving " +
                                    config.pipeline.data_dir.string()));
  }

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
    printed = PrintAlerts(pipeline, OutputFormat::kTable, 1000000, std::cout);
  }
  if (!printed.ok()) return Fail(printed);
  std::cout << "\nServing. Load files with `invtrack load FILE...`; see levels with "
               "`invtrack stock`. Ctrl-C stops.\n"
            << std::flush;
  LogJson(spdlog::level::info, "serve.ready", {{"data_dir", config.pipeline.data_dir.string()}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogJson(spdlog::level::info, "serve.stopping", {{"signal", signal_number}});
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
  command->callback(
      [&context, args] { context.run = [&context, args] { return RunServe(context, *args); }; });
}

}  // namespace invtrack
