// bootstrap: the executable of invtrack's Lambda functions (custom runtime
// provided.al2023). Lambda starts it with AWS_LAMBDA_RUNTIME_API and
// _HANDLER set; it builds the function _HANDLER names (see
// lambda/lambda_function.h), reporting a failure to do so as an init error,
// and then serves invocations until the sandbox is shut down.
// INVTRACK_LAMBDA_MAX_INVOCATIONS=N makes it exit after N (tests, benchmarks).
#include <cstdlib>

#include "adapters/aws/aws_credentials.h"
#include "lambda/lambda_function.h"
#include "lambda/runtime_loop.h"

int main() {
  using namespace invtrack;
  LambdaLog log;
  EnvironmentLookup env = ProcessEnvironment();
  std::string runtime_api = env("AWS_LAMBDA_RUNTIME_API").value_or("");
  Result<std::unique_ptr<RuntimeApiClient>> api = RuntimeApiClient::Create(runtime_api);
  if (!api.ok()) {
    log.Error("init.failed", {{"error", api.status().ToString()}});
    return 2;
  }
  Result<std::unique_ptr<LambdaFunction>> function = LambdaFunction::Create(env, &log);
  if (!function.ok()) {
    LambdaError error{"Runtime.InitError", function.status().ToString()};
    log.Error("init.failed", {{"errorType", error.type}, {"errorMessage", error.message}});
    Status posted = (*api)->PostInitError(error);
    if (!posted.ok()) log.Error("runtime.post_failed", {{"error", posted.ToString()}});
    return 1;
  }
  RuntimeLoopOptions options;
  options.deadline_margin_ms = (*function)->deadline_margin_ms();
  if (const char* max = std::getenv("INVTRACK_LAMBDA_MAX_INVOCATIONS")) {
    options.max_invocations = std::atoll(max);
  }
  log.Info("init.done", {{"handler", (*function)->name()}});
  SystemClock clock;
  Status ended = RunRuntimeLoop(api->get(), &(*function)->handler(), &log, &clock, options);
  if (!ended.ok()) {
    log.Error("runtime.lost", {{"error", ended.ToString()}});
    return 1;
  }
  return 0;
}
