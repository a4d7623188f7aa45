// `invtrack subscribe CHANNEL ADDRESS`, `invtrack subscriptions`,
// `invtrack unsubscribe ID`: who is told about alerts, and how. They work
// whether or not `invtrack serve` runs; a running server picks changes up
// with its next alert.
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "core/time_format.h"
#include "notify/local_notifier.h"
#include "notify/notify_json.h"
#include "notify/subscription_request.h"

namespace invtrack {

namespace {

struct SubscribeArgs {
  std::string channel;
  std::string address;
  std::vector<std::string> stores;
  std::vector<std::string> kinds;
  bool digest = false;
  std::string secret;
  bool no_secret = false;
  std::string format = "table";
  int64_t id = 0;
};

std::string JoinOrAll(const std::vector<std::string>& names) {
  if (names.empty()) return "all";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> KindNames(const std::vector<AlertKind>& kinds) {
  std::vector<std::string> names;
  for (AlertKind k : kinds) names.emplace_back(AlertKindName(k));
  return names;
}

// The addresses of this installation's own HTTP interfaces: a webhook to
// them could be used to reach admin functions from outside.
SubscribePolicy PolicyFor(const Config& config) {
  return SubscribePolicy{{config.s3.listen, config.dashboard.listen},
                         config.notify.webhook.allow_internal};
}

Result<std::unique_ptr<LocalNotifier>> OpenNotifier(const CliContext& context, Config* config,
                                                    std::unique_ptr<LocalPipeline>* pipeline) {
  Result<std::unique_ptr<LocalPipeline>> opened = context.OpenPipeline(config);
  if (!opened.ok()) return opened.status();
  *pipeline = std::move(opened).value();
  return LocalNotifier::Open(pipeline->get());
}

int RunSubscribe(const CliContext& context, const SubscribeArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return Fail(Status::InvalidArgument("--format must be table or json"));
  }
  Config config;
  std::unique_ptr<LocalPipeline> pipeline;
  Result<std::unique_ptr<LocalNotifier>> notifier = OpenNotifier(context, &config, &pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  Result<Subscription> subscription =
      MakeSubscription(SubscriptionRequest{args.channel, args.address, args.stores, args.kinds,
                                           args.digest, args.secret, args.no_secret},
                       PolicyFor(config));
  if (!subscription.ok()) return Fail(subscription.status());
  SystemClock clock;
  subscription->created_ms = clock.NowMillis();
  Result<int64_t> id = (*notifier)->subscriptions().Add(*subscription, subscription->created_ms);
  if (!id.ok()) return Fail(id.status());
  subscription->id = *id;
  if (args.format == "json") {
    nlohmann::json json = SubscriptionJson(*subscription);
    if (!subscription->secret.empty()) json["secret"] = subscription->secret;
    std::cout << json.dump() << "\n";
    return 0;
  }
  const Subscription& s = *subscription;
  std::cout << "Subscription " << s.id << ": " << ChannelName(s.channel) << " " << s.address
            << "\n  stores: " << JoinOrAll(s.stores) << "; kinds: " << JoinOrAll(KindNames(s.kinds))
            << "; " << (s.digest ? "one digest per file" : "one message per alert") << "\n";
  if (!s.secret.empty()) {
    std::cout << "  signing secret: " << s.secret
              << "\n  (X-Invtrack-Signature is HMAC-SHA256 over timestamp \".\" body; see "
                 "docs/notifications.md)\n";
  }
  return 0;
}

int RunList(const CliContext& context, const SubscribeArgs& args) {
  Result<OutputFormat> format = ParseOutputFormat(args.format, false);
  if (!format.ok()) return Fail(format.status());
  Config config;
  std::unique_ptr<LocalPipeline> pipeline;
  Result<std::unique_ptr<LocalNotifier>> notifier = OpenNotifier(context, &config, &pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  Result<std::vector<Subscription>> list = (*notifier)->subscriptions().List();
  if (!list.ok()) return Fail(list.status());
  std::vector<std::vector<std::string>> rows;
  for (const Subscription& s : *list) {
    if (*format == OutputFormat::kJson) {
      std::cout << SubscriptionJson(s).dump() << "\n";
      continue;
    }
    rows.push_back({std::to_string(s.id), std::string(ChannelName(s.channel)), s.address,
                    JoinOrAll(s.stores), JoinOrAll(KindNames(s.kinds)),
                    s.digest ? "digest" : "each",
                    s.channel == Channel::kWebhook ? (s.secret.empty() ? "no" : "yes") : "-"});
  }
  if (*format == OutputFormat::kTable) {
    PrintTable({"ID", "CHANNEL", "ADDRESS", "STORES", "KINDS", "MESSAGES", "SIGNED"}, rows,
               std::cout);
  }
  return 0;
}

int RunUnsubscribe(const CliContext& context, const SubscribeArgs& args) {
  Config config;
  std::unique_ptr<LocalPipeline> pipeline;
  Result<std::unique_ptr<LocalNotifier>> notifier = OpenNotifier(context, &config, &pipeline);
  if (!notifier.ok()) return Fail(notifier.status());
  SystemClock clock;
  Status removed = (*notifier)->subscriptions().Remove(args.id, clock.NowMillis());
  if (!removed.ok()) return Fail(removed);
  std::cout << "Removed subscription " << args.id << "\n";
  return 0;
}

}  // namespace

void AddSubscribeCommands(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<SubscribeArgs>();
  CLI::App* subscribe = app.add_subcommand(
      "subscribe", "Tell someone about alerts: by e-mail, SMS (E.164 number) or webhook (URL)");
  subscribe->add_option("channel", args->channel, "email|sms|webhook")->required();
  subscribe->add_option("address", args->address, "e-mail address, +phone number or URL")
      ->required();
  subscribe->add_option("--stores", args->stores, "only these stores (comma-separated)")
      ->delimiter(',');
  subscribe->add_option("--kinds", args->kinds, "only these kinds: OUT,LOW,BACK_IN_STOCK")
      ->delimiter(',');
  subscribe->add_flag("--digest", args->digest,
                      "one message per uploaded file and store instead of one per item");
  subscribe->add_option("--secret", args->secret,
                        "webhook signing secret (default: a random one, printed once)");
  subscribe->add_flag("--no-secret", args->no_secret, "send webhooks unsigned");
  subscribe->add_option("--format", args->format, "table|json");
  subscribe->callback([&context, args] {
    context.run = [&context, args] { return RunSubscribe(context, *args); };
  });

  // `invtrack subscriptions` and `invtrack subscriptions list` are the same.
  CLI::App* list = app.add_subcommand("subscriptions", "List the subscriptions");
  CLI::App* list_verb = list->add_subcommand("list", "List the subscriptions");
  for (CLI::App* command : {list, list_verb}) {
    command->add_option("--format", args->format, "table|json");
    command->callback(
        [&context, args] { context.run = [&context, args] { return RunList(context, *args); }; });
  }

  CLI::App* unsubscribe = app.add_subcommand("unsubscribe", "Remove a subscription");
  unsubscribe->add_option("id", args->id, "the subscription's id (see `invtrack subscriptions`)")
      ->required();
  unsubscribe->callback([&context, args] {
    context.run = [&context, args] { return RunUnsubscribe(context, *args); };
  });
}

}  // namespace invtrack
