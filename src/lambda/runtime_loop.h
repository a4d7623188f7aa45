// RunRuntimeLoop: the Lambda custom runtime's main loop. It asks the Runtime
// API for the next invocation, runs the handler with the invocation's request
// id and deadline, and posts the response or the error; forever, as Lambda
// expects (the sandbox is frozen between invocations), or until
// `max_invocations` were handled (benchmarks and tests). Losing the Runtime
// API is retried a few times with backoff, then ends the loop with an error.
// Thread-safety: runs on the calling thread.
#ifndef INVTRACK_LAMBDA_RUNTIME_LOOP_H_
#define INVTRACK_LAMBDA_RUNTIME_LOOP_H_

#include <cstdint>

#include "functions/clock.h"
#include "lambda/lambda_handler.h"
#include "lambda/lambda_log.h"
#include "lambda/runtime_api_client.h"

namespace invtrack {

struct RuntimeLoopOptions {
  int64_t max_invocations = 0;  // 0: no limit
  int64_t deadline_margin_ms = 1000;
  int api_attempts = 5;  // consecutive Runtime API failures before giving up
};

Status RunRuntimeLoop(RuntimeApiClient* api, LambdaHandler* handler, LambdaLog* log,
                      const Clock* clock, const RuntimeLoopOptions& options);

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_RUNTIME_LOOP_H_
