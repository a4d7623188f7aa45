// Config: every setting of the `invtrack` command, from (lowest to highest
// precedence) built-in defaults, a TOML file, INVTRACK_* environment
// variables and command-line flags. See docs/configuration.md.
#ifndef INVTRACK_CLI_CONFIG_H_
#define INVTRACK_CLI_CONFIG_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "core/status.h"
#include "notify/delivery_worker.h"
#include "notify/notify_settings.h"
#include "runtime/local_pipeline.h"

namespace invtrack {

// The S3 endpoint of `invtrack serve`.
struct S3Config {
  bool enabled = true;
  std::string listen = "127.0.0.1:9000";  // HOST:PORT; port 0 picks a free one
  std::string notify_suffix = ".csv";
  int64_t read_timeout_ms = 30'000;
  int64_t max_connections = 512;
};

// The web dashboard of `invtrack serve` (docs/dashboard.md).
struct DashboardConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  bool secure_cookies = false;            // Secure cookies even without X-Forwarded-Proto
  int64_t max_upload_bytes = int64_t{100} << 20;
  int64_t login_free_failures = 5;     // failed sign-ins before the back-off starts
  int64_t login_base_delay_ms = 1000;  // first back-off; doubles per further failure
};

struct Config {
  PipelineOptions pipeline;
  S3Config s3;
  DashboardConfig dashboard;
  NotifySettings notify;           // [smtp], [sms], [webhook]
  DeliveryWorkerOptions delivery;  // [delivery]
  std::string log_level = "warn";
};

// Reads a TOML config file into *config (only the keys present change).
// InvalidArgument naming the file, line and key on a syntax error or a
// value of the wrong type or range.
Status ApplyConfigFile(const std::filesystem::path& path, Config* config);

// Applies INVTRACK_* variables found through `getenv` (injectable for
// tests). InvalidArgument naming the variable on a bad value.
Status ApplyEnvironment(const std::function<const char*(const char*)>& getenv, Config* config);

}  // namespace invtrack

#endif  // INVTRACK_CLI_CONFIG_H_
