// Structured logging: one JSON object per line on stderr, e.g.
// {"time":"...","level":"info","event":"load.applied","key":"...","rows":3}.
// Inventory rows are data, never logged.
// Thread-safety: safe from any thread (spdlog's logger is).
#ifndef INVTRACK_RUNTIME_JSON_LOG_H_
#define INVTRACK_RUNTIME_JSON_LOG_H_

#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace invtrack {

// Installs the JSON-lines logger as spdlog's default, at `level`
// ("debug", "info", "warn", "error", "off").
void InitJsonLogging(std::string_view level);

// Logs `event` with extra `fields` (an object) at `level`.
void LogJson(spdlog::level::level_enum level, std::string_view event,
             nlohmann::json fields = nlohmann::json::object());

}  // namespace invtrack

#endif  // INVTRACK_RUNTIME_JSON_LOG_H_
