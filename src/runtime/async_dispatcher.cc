#include "runtime/async_dispatcher.h"

#include <algorithm>
#include <exception>

#include "runtime/json_log.h"

namespace invtrack {

AsyncDispatcher::AsyncDispatcher(SqliteInvocationQueue* queue, AsyncHandler handler,
                                 const Clock* clock, AsyncRetryPolicy policy)
    : queue_(queue), handler_(std::move(handler)), clock_(clock), policy_(std::move(policy)) {}

AsyncDispatcher::~AsyncDispatcher() { Stop(); }

Result<bool> AsyncDispatcher::RunOnce() {
  Result<std::optional<Invocation>> claimed = queue_->Claim(clock_->NowMillis());
  if (!claimed.ok()) return claimed.status();
  if (!claimed->has_value()) return false;
  const Invocation& invocation = **claimed;

  Result<std::string> response = Status::Internal("handler did not run");
  try {
    response = handler_(invocation.payload);
  } catch (const std::exception& e) {
    response = Status::Internal("handler threw", e.what());
  } catch (...) {
    response = Status::Internal("handler threw a non-standard exception");
  }

  const int64_t now = clock_->NowMillis();
  if (response.ok()) {
    INVTRACK_RETURN_IF_ERROR(queue_->Succeed(invocation.id, *response, now));
    if (on_finished_) on_finished_(invocation.id);
    return true;
  }
  std::string error = response.status().ToString();
  int retries_used = invocation.attempts - 1;
  if (retries_used >= policy_.max_retries) {
    INVTRACK_RETURN_IF_ERROR(queue_->DeadLetter(invocation.id, error, now));
    LogJson(spdlog::level::err, "invoke.dead_letter",
            {{"invocation", invocation.id}, {"attempts", invocation.attempts}, {"error", error}});
    if (on_finished_) on_finished_(invocation.id);
    return true;
  }
  int64_t delay = 0;
  if (!policy_.delays_ms.empty()) {
    size_t index = std::min(static_cast<size_t>(retries_used), policy_.delays_ms.size() - 1);
    delay = policy_.delays_ms[index];
  }
  INVTRACK_RETURN_IF_ERROR(queue_->Retry(invocation.id, error, now + delay, now));
  LogJson(spdlog::level::warn, "invoke.retry",
          {{"invocation", invocation.id},
           {"attempt", invocation.attempts},
           {"retry_in_ms", delay},
           {"error", error}});
  return true;
}

void AsyncDispatcher::Start() {
  loop_.Start([this] { Run(); });
}

void AsyncDispatcher::Stop() { loop_.Stop(); }

void AsyncDispatcher::Notify() { loop_.Notify(); }

void AsyncDispatcher::Run() {
  while (!loop_.stopping()) {
    Result<bool> ran = RunOnce();
    if (!ran.ok()) {
      LogJson(spdlog::level::warn, "invoke.queue_failed", {{"error", ran.status().ToString()}});
      loop_.SleepFor(policy_.poll_interval_ms);
      continue;
    }
    if (*ran) continue;
    int64_t wait = policy_.poll_interval_ms;
    Result<std::optional<int64_t>> due = queue_->NextDue();
    if (due.ok() && due->has_value()) {
      wait = std::clamp<int64_t>(**due - clock_->NowMillis(), 0, wait);
    }
    if (wait > 0) loop_.SleepFor(wait);
  }
}

}  // namespace invtrack
