// What every subcommand shares: the global flags, turning them into a
// Config, and opening the pipeline for the configured data directory.
#ifndef INVTRACK_CLI_CLI_CONTEXT_H_
#define INVTRACK_CLI_CLI_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/config.h"
#include "runtime/local_pipeline.h"

namespace invtrack {

struct GlobalFlags {
  std::string config_file;  // --config / INVTRACK_CONFIG
  std::string data_dir;     // --data
  std::string log_level;    // --log-level
};

class CliContext {
 public:
  GlobalFlags flags;
  int exit_code = 0;
  // Set by the chosen subcommand's parse callback; run after parsing.
  std::function<int()> run;

  // Defaults <- config file <- environment <- flags.
  Result<Config> ResolveConfig() const;
  // Resolves the config, sets up logging and opens the pipeline.
  Result<std::unique_ptr<LocalPipeline>> OpenPipeline(Config* config) const;
};

// Prints "invtrack: <message>" to stderr and returns exit status 2 (usage or
// setup problem) or 1 (operation failed).
int Fail(const Status& status);

void AddServeCommand(CLI::App& app, CliContext& context);
void AddLoadCommand(CLI::App& app, CliContext& context);
void AddStockCommand(CLI::App& app, CliContext& context);
void AddAlertsCommand(CLI::App& app, CliContext& context);
void AddStatusCommand(CLI::App& app, CliContext& context);  // status and redrive
void AddKeysCommand(CLI::App& app, CliContext& context);
void AddUploadCommand(CLI::App& app, CliContext& context);
void AddUsersCommand(CLI::App& app, CliContext& context);       // dashboard accounts
void AddSubscribeCommands(CLI::App& app, CliContext& context);  // subscribe, subscriptions,
                                                                // unsubscribe
void AddDeliveriesCommand(CLI::App& app, CliContext& context);
void AddThresholdsCommand(CLI::App& app, CliContext& context);

}  // namespace invtrack

#endif  // INVTRACK_CLI_CLI_CONTEXT_H_
