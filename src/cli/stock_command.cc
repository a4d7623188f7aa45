// `invtrack stock` and `invtrack alerts`: read-only views of the table and
// the topic's outbox.
#include <iostream>
#include <memory>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "notify/local_notifier.h"

namespace invtrack {

namespace {

struct StockArgs {
  std::string store;
  bool low = false;
  bool out = false;
  std::string format = "table";
};

struct AlertsArgs {
  std::string format = "table";
  size_t limit = 1000000;
};

}  // namespace

void AddStockCommand(CLI::App& app, CliContext& context) {
  CLI::App* command = app.add_subcommand("stock", "Show stock levels");
  auto args = std::make_shared<StockArgs>();
  command->add_option("--store", args->store, "only this store");
  command->add_flag("--low", args->low, "only items that are low or out of stock");
  command->add_flag("--out", args->out, "only items that are out of stock");
  command->add_option("--format", args->format, "table|csv|json");
  command->callback([&context, args] {
    context.run = [&context, args] {
      Result<OutputFormat> format = ParseOutputFormat(args->format, true);
      if (!format.ok()) return Fail(format.status());
      Config config;
      Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
      if (!pipeline.ok()) return Fail(pipeline.status());
      StockFilter filter;
      if (!args->store.empty()) filter.store = args->store;
      filter.low = args->low;
      filter.out = args->out;
      Status printed = PrintStock(**pipeline, filter, *format, std::cout);
      return printed.ok() ? 0 : Fail(printed);
    };
  });
}

void AddAlertsCommand(CLI::App& app, CliContext& context) {
  CLI::App* command = app.add_subcommand(
      "alerts", "Show the alerts raised so far, oldest first, with their deliveries");
  auto args = std::make_shared<AlertsArgs>();
  command->add_option("--format", args->format, "table|json");
  command->add_option("--limit", args->limit, "at most this many");
  command->callback([&context, args] {
    context.run = [&context, args] {
      Result<OutputFormat> format = ParseOutputFormat(args->format, false);
      if (!format.ok()) return Fail(format.status());
      Config config;
      Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
      if (!pipeline.ok()) return Fail(pipeline.status());
      Result<std::unique_ptr<LocalNotifier>> notifier = LocalNotifier::Open(pipeline->get());
      if (!notifier.ok()) return Fail(notifier.status());
      Status printed =
          PrintAlerts(**pipeline, &(*notifier)->deliveries(), *format, args->limit, std::cout);
      return printed.ok() ? 0 : Fail(printed);
    };
  });
}

}  // namespace invtrack
