// `invtrack thresholds set [--store S] [--item I] N`, `thresholds unset`,
// `thresholds [list]`: low-stock thresholds set at run time. They override
// the configuration's [thresholds] and a running server applies them from
// its next change record; alerts still fire on transitions only.
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/output.h"

namespace invtrack {

namespace {

struct ThresholdsArgs {
  std::optional<std::string> store;  // set even when given as "", to refuse that
  std::optional<std::string> item;
  int64_t threshold = -1;
  std::string format = "table";
};

std::string Scope(const ThresholdSetting& s) {
  if (!s.store) return "default";
  if (!s.item) return "store " + *s.store;
  return "item " + *s.item + " at " + *s.store;
}

int RunSet(const CliContext& context, const ThresholdsArgs& args) {
  Config config;
  Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
  if (!pipeline.ok()) return Fail(pipeline.status());
  ThresholdSetting setting{args.store, args.item, args.threshold};
  Status set = (*pipeline)->thresholds().Set(setting);
  if (!set.ok()) return Fail(set);
  std::cout << "Low-stock threshold for " << Scope(setting) << ": " << setting.threshold << "\n";
  return 0;
}

int RunUnset(const CliContext& context, const ThresholdsArgs& args) {
  Config config;
  Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
  if (!pipeline.ok()) return Fail(pipeline.status());
  ThresholdSetting setting{args.store, args.item, 0};
  Status unset = (*pipeline)->thresholds().Unset(setting.store, setting.item);
  if (!unset.ok()) return Fail(unset);
  std::cout << "Removed the threshold for " << Scope(setting) << "\n";
  return 0;
}

int RunList(const CliContext& context, const ThresholdsArgs& args) {
  Result<OutputFormat> format = ParseOutputFormat(args.format, false);
  if (!format.ok()) return Fail(format.status());
  Config config;
  Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
  if (!pipeline.ok()) return Fail(pipeline.status());
  Result<std::vector<ThresholdSetting>> stored = (*pipeline)->thresholds().List();
  if (!stored.ok()) return Fail(stored.status());
  // What applies: the configuration's, then the stored ones on top.
  const PipelineOptions& p = config.pipeline;
  std::vector<std::pair<ThresholdSetting, std::string>> all;
  all.push_back({{std::nullopt, std::nullopt, p.low_threshold}, "config"});
  for (const auto& [store, t] : p.store_thresholds)
    all.push_back({{store, std::nullopt, t}, "config"});
  for (const auto& [key, t] : p.item_thresholds)
    all.push_back({{key.first, key.second, t}, "config"});
  for (const ThresholdSetting& s : *stored) all.push_back({s, "set"});
  std::vector<std::vector<std::string>> rows;
  for (const auto& [s, source] : all) {
    bool overridden = false;
    if (source == "config") {
      for (const ThresholdSetting& o : *stored)
        overridden |= o.store == s.store && o.item == s.item;
    }
    if (*format == OutputFormat::kJson) {
      std::cout << nlohmann::json{{"store", s.store ? nlohmann::json(*s.store) : nullptr},
                                  {"item", s.item ? nlohmann::json(*s.item) : nullptr},
                                  {"threshold", s.threshold},
                                  {"source", source},
                                  {"in_force", !overridden}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else {
      rows.push_back({s.store.value_or("*"), s.item.value_or("*"), std::to_string(s.threshold),
                      overridden ? source + " (overridden)" : source});
    }
  }
  if (*format == OutputFormat::kTable) {
    PrintTable({"STORE", "ITEM", "THRESHOLD", "SOURCE"}, rows, std::cout);
    std::cout << "An item's own low_threshold column in its file wins over all of these.\n";
  }
  return 0;
}

}  // namespace

void AddThresholdsCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<ThresholdsArgs>();
  CLI::App* thresholds = app.add_subcommand("thresholds", "Show or set low-stock thresholds");
  thresholds->add_option("--format", args->format, "table|json");
  CLI::App* list = thresholds->add_subcommand("list", "Show the thresholds in force");
  list->add_option("--format", args->format, "table|json");
  thresholds->callback([&context, args, thresholds] {
    if (thresholds->get_subcommands().empty()) {
      context.run = [&context, args] { return RunList(context, *args); };
    }
  });
  list->callback(
      [&context, args] { context.run = [&context, args] { return RunList(context, *args); }; });

  CLI::App* set = thresholds->add_subcommand(
      "set", "Set the default (no options), a store's (--store) or an item's (--store --item)");
  set->add_option("--store", args->store, "the store");
  set->add_option("--item", args->item, "the item (needs --store)");
  set->add_option("threshold", args->threshold, "LOW when 1 <= count <= N")
      ->required()
      ->check(CLI::NonNegativeNumber);
  set->callback(
      [&context, args] { context.run = [&context, args] { return RunSet(context, *args); }; });

  CLI::App* unset = thresholds->add_subcommand("unset", "Remove a threshold set with `set`");
  unset->add_option("--store", args->store, "the store");
  unset->add_option("--item", args->item, "the item (needs --store)");
  unset->callback(
      [&context, args] { context.run = [&context, args] { return RunUnset(context, *args); }; });
}

}  // namespace invtrack
