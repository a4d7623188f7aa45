// `invtrack status`: what the data directory holds and whether the event
// runtime is keeping up; `invtrack redrive`: retry dead-lettered uploads.
#include <iostream>
#include <memory>

#include "cli/cli_context.h"

namespace invtrack {

namespace {

int RunStatus(const CliContext& context) {
  Config config;
  Result<std::unique_ptr<LocalPipeline>> opened = context.OpenPipeline(&config);
  if (!opened.ok()) return Fail(opened.status());
  LocalPipeline& pipeline = **opened;
  Result<TableSummary> table = pipeline.table().Summary();
  if (!table.ok()) return Fail(table.status());
  Result<int64_t> alerts = pipeline.topic().Count();
  if (!alerts.ok()) return Fail(alerts.status());
  Result<uint64_t> checked = pipeline.checkpoints().Get(LocalPipeline::kStreamConsumer);
  if (!checked.ok()) return Fail(checked.status());
  Result<std::vector<StreamFailure>> failures = pipeline.checkpoints().ListFailures();
  if (!failures.ok()) return Fail(failures.status());
  int64_t counts[4] = {};
  for (InvocationState state : {InvocationState::kPending, InvocationState::kRunning,
                                InvocationState::kSucceeded, InvocationState::kDead}) {
    Result<int64_t> n = pipeline.queue().Count(state);
    if (!n.ok()) return Fail(n.status());
    counts[static_cast<int>(state)] = *n;
  }
  // Probing the lock tells whether some process runs the event runtime.
  Result<bool> started_here = pipeline.StartRuntime();
  bool runtime_elsewhere = started_here.ok() && !*started_here;
  pipeline.StopRuntime();

  std::cout << "data directory   " << config.pipeline.data_dir.string() << "\n"
            << "event runtime    " << (runtime_elsewhere ? "running" : "not running") << "\n"
            << "inventory        " << table->items << " items in " << table->stores << " stores\n"
            << "uploads          " << table->uploads_applied << " applied, "
            << table->uploads_rejected << " rejected\n"
            << "upload events    " << counts[0] << " pending, " << counts[1] << " running, "
            << counts[3] << " dead (invtrack redrive)\n"
            << "change stream    " << table->latest_sequence << " records, checked up to "
            << *checked << ", " << failures->size() << " batches given up\n"
            << "alerts           " << *alerts << "\n";
  return counts[3] > 0 || !failures->empty() ? 1 : 0;
}

int RunRedrive(const CliContext& context) {
  Config config;
  Result<std::unique_ptr<LocalPipeline>> opened = context.OpenPipeline(&config);
  if (!opened.ok()) return Fail(opened.status());
  LocalPipeline& pipeline = **opened;
  Result<std::vector<Invocation>> dead = pipeline.queue().ListDead();
  if (!dead.ok()) return Fail(dead.status());
  SystemClock clock;
  for (const Invocation& invocation : *dead) {
    Status redriven = pipeline.queue().Redrive(invocation.id, clock.NowMillis());
    if (!redriven.ok()) return Fail(redriven);
    std::cout << "redriven upload event " << invocation.id
              << " (last error: " << invocation.last_error << ")\n";
  }
  std::cout << dead->size() << " dead upload event(s) queued again; a running `invtrack serve` "
            << "or the next `invtrack load` processes them\n";
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app, CliContext& context) {
  CLI::App* status = app.add_subcommand(
      "status", "Show counts, the event runtime's progress and dead letters (exit 1 if any)");
  status->callback([&context] { context.run = [&context] { return RunStatus(context); }; });
  CLI::App* redrive =
      app.add_subcommand("redrive", "Queue dead-lettered upload events for another try");
  redrive->callback([&context] { context.run = [&context] { return RunRedrive(context); }; });
}

}  // namespace invtrack
