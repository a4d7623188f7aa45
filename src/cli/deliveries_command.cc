// `invtrack deliveries [list]` and `invtrack deliveries redrive [ID...]`:
// what happened to each message to a subscriber, and sending the dead ones
// again (a running server picks them up within a second).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "core/time_format.h"
#include "notify/local_notifier.h"
#include "notify/notify_json.h"

namespace invtrack {

namespace {

struct DeliveriesArgs {
  std::string state;
  size_t limit = 100;
  std::string format = "table";
  std::vector<int64_t> ids;
  bool all = false;
};

Result<std::unique_ptr<LocalNotifier>> OpenNotifier(const CliContext& context,
                                                    std::unique_ptr<LocalPipeline>* pipeline) {
  Config config;
  Result<std::unique_ptr<LocalPipeline>> opened = context.OpenPipeline(&config);
  if (!opened.ok()) return opened.status();
  *pipeline = std::move(opened).value();
  return LocalNotifier::Open(pipeline->get());
}

int RunList(const CliContext& context, const DeliveriesArgs& args) {
  Result<OutputFormat> format = ParseOutputFormat(args.format, false);
  if (!format.ok()) return Fail(format.status());
  DeliveryFilter filter;
  filter.limit = args.limit;
  if (!args.state.empty()) {
    filter.state = ParseDeliveryState(args.state);
    if (!filter.state) {
      return Fail(Status::InvalidArgument("unknown state '" + args.state + "'",
                                          "use pending, sent or dead"));
    }
  }
  std::unique_ptr<LocalPipeline> pipeline;
  Result<std::unique_ptr<LocalNotifier>> notifier = OpenNotifier(context, &pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  Result<std::vector<DeliveryView>> list = (*notifier)->deliveries().List(filter);
  if (!list.ok()) return Fail(list.status());
  std::vector<std::vector<std::string>> rows;
  for (const DeliveryView& v : *list) {
    const Delivery& d = v.delivery;
    if (*format == OutputFormat::kJson) {
      std::cout << DeliveryJson(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
      continue;
    }
    rows.push_back({std::to_string(d.id), std::string(ChannelName(v.channel)), v.address,
                    std::string(DeliveryStateName(d.state)), std::to_string(d.attempts),
                    d.last_error, d.notification.id});
  }
  if (*format == OutputFormat::kTable) {
    PrintTable({"ID", "CHANNEL", "ADDRESS", "STATE", "ATTEMPTS", "LAST ERROR", "MESSAGE ID"}, rows,
               std::cout);
  }
  return 0;
}

int RunRedrive(const CliContext& context, const DeliveriesArgs& args) {
  if (args.ids.empty() == !args.all) {
    return Fail(Status::InvalidArgument("give delivery ids or --all"));
  }
  std::unique_ptr<LocalPipeline> pipeline;
  Result<std::unique_ptr<LocalNotifier>> notifier = OpenNotifier(context, &pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  SystemClock clock;
  Result<int64_t> revived = (*notifier)->deliveries().Redrive(args.ids, clock.NowMillis());
  if (!revived.ok()) return Fail(revived.status());
  std::cout << "Redriven " << *revived << (*revived == 1 ? " delivery" : " deliveries")
            << "; `invtrack serve` sends them now\n";
  return 0;
}

}  // namespace

void AddDeliveriesCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<DeliveriesArgs>();
  CLI::App* deliveries =
      app.add_subcommand("deliveries", "Show the messages to subscribers and their state");
  CLI::App* list = deliveries->add_subcommand("list", "Show deliveries, newest first");
  for (CLI::App* command : {deliveries, list}) {
    command->add_option("--state", args->state, "only pending|sent|dead");
    command->add_option("--limit", args->limit, "at most this many (default 100)");
    command->add_option("--format", args->format, "table|json");
  }
  deliveries->callback([&context, args, deliveries] {
    if (deliveries->get_subcommands().empty()) {
      context.run = [&context, args] { return RunList(context, *args); };
    }
  });
  list->callback(
      [&context, args] { context.run = [&context, args] { return RunList(context, *args); }; });
  CLI::App* redrive =
      deliveries->add_subcommand("redrive", "Send dead deliveries again (ids, or --all)");
  redrive->add_option("ids", args->ids, "delivery ids (see `invtrack deliveries --state dead`)");
  redrive->add_flag("--all", args->all, "every dead delivery");
  redrive->callback(
      [&context, args] { context.run = [&context, args] { return RunRedrive(context, *args); }; });
}

}  // namespace invtrack
