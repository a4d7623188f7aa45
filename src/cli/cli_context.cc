#include "cli/cli_context.h"

#include <cstdlib>
#include <iostream>

#include "cli/notify_config.h"
#include "runtime/json_log.h"

namespace invtrack {

Result<Config> CliContext::ResolveConfig() const {
  Config config;
  std::string file = flags.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("INVTRACK_CONFIG")) file = env;
  }
  if (!file.empty()) INVTRACK_RETURN_IF_ERROR(ApplyConfigFile(file, &config));
  INVTRACK_RETURN_IF_ERROR(
      ApplyEnvironment([](const char* name) { return std::getenv(name); }, &config));
  if (!flags.data_dir.empty()) config.pipeline.data_dir = flags.data_dir;
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  INVTRACK_RETURN_IF_ERROR(ValidateNotifySettings(config.notify));
  return config;
}

Result<std::unique_ptr<LocalPipeline>> CliContext::OpenPipeline(Config* config) const {
  Result<Config> resolved = ResolveConfig();
  if (!resolved.ok()) return resolved.status();
  *config = std::move(resolved).value();
  InitJsonLogging(config->log_level);
  return LocalPipeline::Open(config->pipeline);
}

int Fail(const Status& status) {
  std::cerr << "invtrack: " << status.message() << "\n";
  return status.IsInvalidArgument() ? 2 : 1;
}

}  // namespace invtrack
