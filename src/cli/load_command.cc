// `invtrack load FILE...`: stores each file in the local bucket, which
// raises its ObjectCreated event, and waits for the pipeline's verdict.
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "adapters/local/file_byte_source.h"
#include "cli/cli_context.h"
#include "core/csv_reader.h"
#include "core/inventory_csv.h"

namespace invtrack {

namespace {

struct LoadArgs {
  std::vector<std::string> files;
  std::string key;
  std::string store;
  double timeout_s = 3600;
  std::string format = "text";
};

std::string Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

// The store named on the first data row, to build the default key.
std::optional<std::string> PeekStore(const std::filesystem::path& path) {
  Result<std::unique_ptr<FileByteSource>> file = FileByteSource::Open(path);
  if (!file.ok()) return std::nullopt;
  CsvReader reader(file->get(), CsvReaderOptions{.chunk_bytes = 64 * 1024});
  CsvRecord record;
  Result<bool> header = reader.Next(&record);
  if (!header.ok() || !*header) return std::nullopt;
  std::optional<size_t> column;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    std::string name = Trim(record.fields[i]);
    if (name.size() >= 3 && name.compare(0, 3, "\xEF\xBB\xBF") == 0) name.erase(0, 3);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (name == "store") column = i;
  }
  if (!column) return std::nullopt;
  Result<bool> row = reader.Next(&record);
  if (!row.ok() || !*row || *column >= record.fields.size()) return std::nullopt;
  std::string store = Trim(record.fields[*column]);
  if (store.empty() || store.find('/') != std::string::npos) return std::nullopt;
  return store;
}

void PrintResult(const std::string& file, const FileResult& r, bool json) {
  if (json) {
    nlohmann::json line = {{"file", file},           {"key", r.version.key},
                           {"etag", r.version.etag}, {"outcome", FileOutcomeName(r.outcome)},
                           {"rows", r.stats.rows},   {"changes", r.stats.changes},
                           {"problems", r.problems}};
    if (!r.note.empty()) line["note"] = r.note;
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return;
  }
  switch (r.outcome) {
    case FileOutcome::kApplied:
      std::cout << file << ": applied " << r.stats.rows << " rows, " << r.stats.changes
                << " changed (" << r.version.key << ")\n";
      break;
    case FileOutcome::kRejected:
      std::cout << file << ": rejected, nothing applied (" << r.version.key << ")\n";
      for (const std::string& problem : r.problems) std::cout << "  " << problem << '\n';
      break;
    default:
      std::cout << file << ": " << FileOutcomeName(r.outcome) << ": " << r.note << '\n';
      break;
  }
}

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
    std::string key = args.key;
    if (key.empty()) {
      std::optional<std::string> store =
          args.store.empty() ? PeekStore(file) : std::optional<std::string>(args.store);
      // A file whose store cannot be told still goes through the pipeline,
      // whose report says what is wrong with it (empty, binary, no column).
      std::string name = std::filesystem::path(file).filename().string();
      key = store ? "stores/" + *store + "/" + name : name;
    }
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
      PrintResult(file, r, json);
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
