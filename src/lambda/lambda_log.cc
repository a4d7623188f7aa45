#include "lambda/lambda_log.h"

#include <chrono>

#include "core/time_format.h"

namespace invtrack {

void LambdaLog::SetRequestId(std::string request_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  request_id_ = std::move(request_id);
}

void LambdaLog::Write(std::string_view level, std::string_view event, nlohmann::json fields) {
  if (!fields.is_object()) fields = nlohmann::json{{"detail", fields}};
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  nlohmann::json line{{"time", FormatIsoMillis(now_ms)}, {"level", level}, {"event", event}};
  std::lock_guard<std::mutex> lock(mutex_);
  if (!request_id_.empty()) line["requestId"] = request_id_;
  line.update(fields);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace invtrack
