#include "runtime/json_log.h"

#include <string>

#include <spdlog/sinks/stdout_sinks.h>

namespace invtrack {

void InitJsonLogging(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("invtrack");
  // The time and level are spdlog's; the rest of the object is ours.
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void LogJson(spdlog::level::level_enum level, std::string_view event, nlohmann::json fields) {
  if (!spdlog::should_log(level)) return;
  if (!fields.is_object()) fields = nlohmann::json{{"detail", fields}};
  fields["event"] = event;
  std::string body = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Strip the braces: the pattern supplies the object around the fields.
  spdlog::log(level, "{}", std::string_view(body).substr(1, body.size() - 2));
}

}  // namespace invtrack
