// LambdaLog: the function's logs as one JSON object per line on stdout,
// which Lambda forwards to CloudWatch Logs, e.g.
// {"time":"2026-11-25T16:03:16.123Z","level":"info","requestId":"...",
//  "event":"load.applied","key":"...","rows":6}. Inventory rows are data and
// are never logged.
// Thread-safety: Write may be called from any thread (lines never interleave).
#ifndef INVTRACK_LAMBDA_LAMBDA_LOG_H_
#define INVTRACK_LAMBDA_LAMBDA_LOG_H_

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace invtrack {

class LambdaLog {
 public:
  explicit LambdaLog(std::FILE* out = stdout) : out_(out) {}

  // The request the following lines belong to ("" between invocations).
  void SetRequestId(std::string request_id);
  void Write(std::string_view level, std::string_view event,
             nlohmann::json fields = nlohmann::json::object());
  void Info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Write("info", event, std::move(fields));
  }
  void Error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Write("error", event, std::move(fields));
  }

 private:
  std::mutex mutex_;
  std::FILE* out_;
  std::string request_id_;  // guarded by mutex_
};

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_LAMBDA_LOG_H_
