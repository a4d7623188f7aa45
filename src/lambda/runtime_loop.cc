#include "lambda/runtime_loop.h"

#include <chrono>
#include <thread>

namespace invtrack {

Status RunRuntimeLoop(RuntimeApiClient* api, LambdaHandler* handler, LambdaLog* log,
                      const Clock* clock, const RuntimeLoopOptions& options) {
  int failures = 0;
  for (int64_t handled = 0; options.max_invocations == 0 || handled < options.max_invocations;) {
    Result<LambdaInvocation> next = api->Next();
    if (!next.ok()) {
      if (++failures >= options.api_attempts) return next.status();
      log->Error("runtime.next_failed", {{"error", next.status().ToString()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100 << failures));
      continue;
    }
    failures = 0;
    const LambdaInvocation& invocation = *next;
    log->SetRequestId(invocation.request_id);
    InvocationContext context{&invocation, clock, options.deadline_margin_ms};
    int64_t started = clock->NowMillis();
    HandlerOutcome outcome;
    if (invocation.deadline_ms > 0 && context.RemainingMillis() <= 0) {
      outcome = {false, "", {"Runtime.DeadlineExceeded", "the invocation's deadline had passed"}};
    } else {
      outcome = handler->Handle(context);
    }
    nlohmann::json fields{{"ok", outcome.ok}, {"duration_ms", clock->NowMillis() - started}};
    if (!outcome.ok) {
      fields["errorType"] = outcome.error.type;
      fields["errorMessage"] = outcome.error.message;
    }
    // Logged before answering: Lambda may freeze the sandbox as soon as the
    // answer is in, and the line would wait for the next invocation.
    log->Write(outcome.ok ? "info" : "error", "invocation.done", fields);
    Status posted = outcome.ok ? api->PostResponse(invocation.request_id, outcome.response)
                               : api->PostError(invocation.request_id, outcome.error);
    if (!posted.ok()) log->Error("runtime.post_failed", {{"error", posted.ToString()}});
    log->SetRequestId("");
    ++handled;
  }
  return Status::OK();
}

}  // namespace invtrack
