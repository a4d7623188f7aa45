// AsyncDispatcher: runs queued asynchronous invocations (S3 events for
// Load-Inventory) with Lambda's async semantics: a failed invocation is
// retried `max_retries` times (Lambda: twice) after growing delays, then
// goes to the dead-letter list, from which `invtrack` can redrive it. A
// handler that reports a bad file is a success; only failures that a retry
// might fix come back as errors.
// Thread-safety: RunOnce on one thread at a time; Start/Stop/Notify from any.
#ifndef INVTRACK_RUNTIME_ASYNC_DISPATCHER_H_
#define INVTRACK_RUNTIME_ASYNC_DISPATCHER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/sqlite_invocation_queue.h"
#include "core/background_loop.h"
#include "functions/clock.h"

namespace invtrack {

struct AsyncRetryPolicy {
  int max_retries = 2;                            // Lambda's default for async invocations
  std::vector<int64_t> delays_ms = {1000, 2000};  // before retry 1, 2, ... (last repeats)
  int64_t poll_interval_ms = 100;                 // how often to look for work from other processes
};

// The function: payload in, response out, or an error to retry.
using AsyncHandler = std::function<Result<std::string>(std::string_view payload)>;

class AsyncDispatcher {
 public:
  AsyncDispatcher(SqliteInvocationQueue* queue, AsyncHandler handler, const Clock* clock,
                  AsyncRetryPolicy policy);
  ~AsyncDispatcher();
  AsyncDispatcher(const AsyncDispatcher&) = delete;
  AsyncDispatcher& operator=(const AsyncDispatcher&) = delete;

  // Runs the next due invocation, if any. Returns true when one ran.
  Result<bool> RunOnce();

  // Called after each finished invocation (succeeded or dead), with its id.
  void OnFinished(std::function<void(int64_t)> callback) { on_finished_ = std::move(callback); }

  void Start();
  void Stop();
  void Notify();

 private:
  void Run();

  SqliteInvocationQueue* queue_;
  AsyncHandler handler_;
  const Clock* clock_;
  AsyncRetryPolicy policy_;
  std::function<void(int64_t)> on_finished_;

  BackgroundLoop loop_;
};

}  // namespace invtrack

#endif  // INVTRACK_RUNTIME_ASYNC_DISPATCHER_H_
