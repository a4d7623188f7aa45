// invtrack: the command-line entry point. It only parses arguments and
// hands over to the subcommands in cli/.
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

int main(int argc, char** argv) {
  invtrack::CliContext context;
  CLI::App app{"invtrack: inventory tracking, from uploaded CSV files to stock alerts"};
  app.set_version_flag("--version", "invtrack 0.1.0");
  app.require_subcommand(1);
  app.add_option("--config", context.flags.config_file, "TOML config file (env INVTRACK_CONFIG)");
  app.add_option("--data", context.flags.data_dir,
                 "data directory (env INVTRACK_DATA, default ./invtrack-data)");
  app.add_option("--log-level", context.flags.log_level,
                 "debug|info|warn|error|off (env INVTRACK_LOG_LEVEL, default warn)");
  invtrack::AddServeCommand(app, context);
  invtrack::AddLoadCommand(app, context);
  invtrack::AddStockCommand(app, context);
  invtrack::AddAlertsCommand(app, context);
  invtrack::AddStatusCommand(app, context);
  invtrack::AddKeysCommand(app, context);
  invtrack::AddUploadCommand(app, context);
  invtrack::AddUsersCommand(app, context);
  invtrack::AddSubscribeCommands(app, context);
  invtrack::AddDeliveriesCommand(app, context);
  invtrack::AddThresholdsCommand(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" to CLI11 with exit code 0; any other
    // parse error is a usage problem, which invtrack reports as 2.
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return context.run ? context.run() : 0;
}
