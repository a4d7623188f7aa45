// LambdaHandler: one function's way of turning an invocation's event into a
// response or an error, given how much time the invocation has left.
// Handlers honour the deadline by stopping before the work they have not
// begun when less than `margin_ms` remains (Lambda kills a function at its
// deadline; stopping cleanly lets the retry pick up where it ended).
// Thread-safety: a handler handles one invocation at a time.
#ifndef INVTRACK_LAMBDA_LAMBDA_HANDLER_H_
#define INVTRACK_LAMBDA_LAMBDA_HANDLER_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "functions/clock.h"
#include "lambda/runtime_api_client.h"

namespace invtrack {

struct InvocationContext {
  const LambdaInvocation* invocation = nullptr;
  const Clock* clock = nullptr;
  int64_t margin_ms = 1000;

  // Milliseconds until the deadline; a large number when none was given.
  int64_t RemainingMillis() const {
    if (invocation->deadline_ms <= 0) return INT64_MAX / 2;
    return invocation->deadline_ms - clock->NowMillis();
  }
  bool NearDeadline() const { return RemainingMillis() < margin_ms; }
};

struct HandlerOutcome {
  bool ok = true;
  std::string response;  // when ok
  LambdaError error;     // when not
};

class LambdaHandler {
 public:
  virtual ~LambdaHandler() = default;
  virtual HandlerOutcome Handle(const InvocationContext& context) = 0;
};

// The errorType for a failed Status: Function.AccessDenied (credentials or
// policy), Function.NotFound, Function.Unavailable (throttled, down),
// Function.Aborted (a condition failed), else Function.Error.
std::string ErrorTypeFor(const Status& status);

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_LAMBDA_HANDLER_H_
