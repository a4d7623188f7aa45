// `invtrack load FILE...`: stores each file in the local bucket, which
// raises its ObjectCreated event, and waits for the pipeline's verdict.
#include <iostream>
#include <memory>

#include "adapters/local/file_byte_source.h"
#include "cli/cli_context.h"
#include "cli/load_report.h"

namespace invtrack {

namespace {

struct LoadArgs {
  std::vector<std::string> files;
  std::string key;
  std::string store;
  double timeout_s = 3600;
  std::string format = "text";
};

int RunLoad(const CliContext& context, const LoadArgs& args) {
  if (!args.key.empty() && args.files.size() > 1) {
    return Fail(Status::InvalidArgument("--key names one object: give a single file with it"));
  }
  bool json = args.format == "json";
  if (!json && args.format != "text") {
    return Fail(
        Status::InvalidArgument("unknown format '" + args.format + "'", "use text or json"));
  }
  Config config;
  Result<std::unique_ptr<LocalPipeline>> pipeline = context.OpenPipeline(&config);
  if (!pipeline.ok()) return Fail(pipeline.status());
  Result<bool> here = (*pipeline)->StartRuntime();
  if (!here.ok()) return Fail(here.status());

  std::vector<std::pair<std::string, int64_t>> queued;  // file, invocation
  for (const std::string& file : args.files) {
    // A file whose store cannot be told still goes through the pipeline,
    // whose report says what is wrong with it (empty, binary, no column).
    std::string key = args.key.empty() ? DefaultObjectKey(file, args.store) : args.key;
    Result<std::unique_ptr<FileByteSource>> body = FileByteSource::Open(file);
    if (!body.ok()) return Fail(body.status());
    PutOptions options;
    options.content_type = "text/csv";
    Result<UploadReceipt> receipt = (*pipeline)->Upload(key, body->get(), options, "local-cli");
    if (!receipt.ok()) return Fail(receipt.status());
    queued.emplace_back(file, receipt->invocation_id);
  }

  int exit_code = 0;
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(args.timeout_s * 1000));
  for (const auto& [file, invocation] : queued) {
    Result<std::vector<FileResult>> results = (*pipeline)->WaitForLoad(invocation, timeout);
    if (!results.ok()) {
      std::cerr << "invtrack: " << file << ": " << results.status().message() << '\n';
      exit_code = 1;
      continue;
    }
    for (const FileResult& r : *results) {
      PrintLoadResult(file, r, json, std::cout);
      if (r.outcome == FileOutcome::kRejected) exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace

void AddLoadCommand(CLI::App& app, CliContext& context) {
  CLI::App* command = app.add_subcommand(
      "load", "Put inventory files into the local bucket and wait until they are loaded");
  auto args = std::make_shared<LoadArgs>();
  command->add_option("files", args->files, "CSV files (store,item,count)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--key", args->key,
                      "object key (default stores/<store>/<file name>, or <file name> when the "
                      "file names no store)");
  command->add_option("--store", args->store, "store for the default key (default: first row's)");
  command->add_option("--timeout", args->timeout_s, "seconds to wait for the pipeline")
      ->check(CLI::PositiveNumber);
  command->add_option("--format", args->format, "text|json");
  command->callback(
      [&context, args] { context.run = [&context, args] { return RunLoad(context, *args); }; });
}

}  // namespace invtrack
