// `invtrack upload FILE...`: uploads inventory files through the S3 endpoint
// of `invtrack serve`, the way any S3 client would (signed PutObject), then
// waits for each file's load through the data directory's pipeline state and
// prints the verdict exactly as `invtrack load` does.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "adapters/aws/s3_client.h"
#include "cli/cli_context.h"
#include "cli/listen_address.h"
#include "cli/load_report.h"
#include "runtime/json_log.h"
#include "s3/access_key_store.h"

namespace invtrack {

namespace {

constexpr char kInvocationHeader[] = "x-invtrack-invocation-id";

struct UploadArgs {
  std::vector<std::string> files;
  std::string key;
  std::string store;
  std::string endpoint;
  std::string bucket;
  std::string format = "text";
  bool progress = false;
  bool no_progress = false;
  double timeout_s = 3600;
};

// One line on stderr, redrawn in place at most ten times a second:
// "FILE  [########------------]  34%  120.0 of 350.0 MiB  412.3 MB/s".
class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled)
      : label_(std::move(label)), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

  void Update(uint64_t sent, uint64_t total) {
    sent_ = sent;
    total_ = total;
    auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    Draw(now);
  }

  // The final state, then a line break.
  void Finish() {
    if (!enabled_) return;
    Draw(std::chrono::steady_clock::now());
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  void Draw(std::chrono::steady_clock::time_point now) {
    constexpr int kWidth = 24;
    double fraction = total_ == 0 ? 1.0 : static_cast<double>(sent_) / static_cast<double>(total_);
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '-');
    double seconds = std::chrono::duration<double>(now - start_).count();
    double mb_per_s = seconds > 0 ? static_cast<double>(sent_) / 1e6 / seconds : 0.0;
    std::fprintf(stderr, "\r%s  [%s] %3d%%  %.1f of %.1f MiB  %.1f MB/s", label_.c_str(),
                 bar.c_str(), static_cast<int>(fraction * 100),
                 static_cast<double>(sent_) / (1 << 20), static_cast<double>(total_) / (1 << 20),
                 mb_per_s);
    std::fflush(stderr);
  }

  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  uint64_t sent_ = 0;
  uint64_t total_ = 0;
};

// http://HOST:PORT of the endpoint `invtrack serve` starts with this config.
Result<std::string> DefaultEndpoint(const Config& config) {
  Result<ListenAddress> listen = ParseListenAddress(config.s3.listen, "s3.listen");
  if (!listen.ok()) return listen.status();
  if (listen->port == 0) {
    return Status::InvalidArgument(
        "the S3 endpoint is configured on a random port (s3.listen = " + config.s3.listen + ")",
        "give --endpoint http://HOST:PORT as `serve` printed it");
  }
  std::string host = listen->host;
  // A server listening on every address is reached on the loopback one.
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  return EndpointUrl(host, listen->port);
}

const char* NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

// The AWS_* variables when set (as every AWS client reads them), otherwise
// the data directory's own local-cli key.
Result<AwsCredentials> ResolveCredentials(const Config& config) {
  const char* id = NonEmptyEnv("AWS_ACCESS_KEY_ID");
  const char* secret = NonEmptyEnv("AWS_SECRET_ACCESS_KEY");
  if (id != nullptr || secret != nullptr) {
    if (id == nullptr || secret == nullptr) {
      return Status::InvalidArgument(
          std::string(id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                         : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
          "set both, or neither to use this data directory's local key");
    }
    const char* token = NonEmptyEnv("AWS_SESSION_TOKEN");
    return AwsCredentials{id, secret, token ? token : ""};
  }
  const std::filesystem::path& data_dir = config.pipeline.data_dir;
  if (!std::filesystem::is_directory(data_dir)) {
    return Status::InvalidArgument(
        "no AWS_ACCESS_KEY_ID is set and there is no data directory " + data_dir.string() +
            " to take the local key from",
        "give the server's --data, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  Result<std::unique_ptr<AccessKeyStore>> keys = AccessKeyStore::Open(data_dir / "keys.db");
  if (!keys.ok()) return keys.status();
  Result<AccessKey> key = (*keys)->LocalCliKey();
  if (!key.ok()) return key.status();
  return AwsCredentials{key->access_key_id, key->secret_access_key, ""};
}

// The message for a failed PUT, with what to do about it where we can tell.
std::string DescribePutFailure(const S3Client& client, const Status& status,
                               const std::string& endpoint) {
  const AwsCallError& error = client.last_error();
  if (error.kind != AwsCallError::Kind::kService) return status.message();
  if (error.code == "InvalidAccessKeyId" || error.code == "SignatureDoesNotMatch") {
    return status.message() +
           "; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (unset both to use this data "
           "directory's local key)";
  }
  if (error.code == "AccessDenied") {
    return "access denied by the S3 endpoint at " + endpoint + ": " + status.message() +
           "; a store key may only write under stores/<its store>/";
  }
  return status.message();
}

struct Uploaded {
  std::string file;
  std::string key;
  std::string etag;
  std::optional<int64_t> invocation;  // the load the server queued, if any
};

void PrintStoredWithoutLoad(const Uploaded& upload, const std::string& bucket, bool json) {
  std::string note = "stored without a load: only .csv keys in bucket '" + bucket +
                     "' of an invtrack endpoint are loaded";
  if (json) {
    nlohmann::json line = {{"file", upload.file},
                           {"key", upload.key},
                           {"etag", upload.etag},
                           {"outcome", "stored"},
                           {"note", note}};
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    std::cout << upload.file << ": " << note << " (" << upload.key << ")\n";
  }
}

int RunUpload(const CliContext& context, const UploadArgs& args) {
  if (!args.key.empty() && args.files.size() > 1) {
    return Fail(Status::InvalidArgument("--key names one object: give a single file with it"));
  }
  bool json = args.format == "json";
  if (!json && args.format != "text") {
    return Fail(
        Status::InvalidArgument("unknown format '" + args.format + "'", "use text or json"));
  }
  if (args.progress && args.no_progress) {
    return Fail(Status::InvalidArgument("give --progress or --no-progress, not both"));
  }
  Result<Config> config = context.ResolveConfig();
  if (!config.ok()) return Fail(config.status());
  InitJsonLogging(config->log_level);
  std::string endpoint = args.endpoint;
  if (endpoint.empty()) {
    Result<std::string> configured = DefaultEndpoint(*config);
    if (!configured.ok()) return Fail(configured.status());
    endpoint = *configured;
  }
  std::string bucket = args.bucket.empty() ? config->pipeline.bucket : args.bucket;
  Result<AwsCredentials> credentials = ResolveCredentials(*config);
  if (!credentials.ok()) return Fail(credentials.status());
  AwsClientOptions options;
  options.endpoint = endpoint;
  options.credentials = *credentials;
  options.scope.region = config->pipeline.region;
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(options);
  if (!client.ok()) return Fail(client.status());
  bool show_progress = !args.no_progress && (args.progress || ::isatty(STDERR_FILENO));

  int exit_code = 0;
  std::vector<Uploaded> uploads;
  for (const std::string& file : args.files) {
    if (!std::filesystem::is_regular_file(file)) {
      std::cerr << "invtrack: " << file << ": "
                << (std::filesystem::exists(file) ? "not a regular file" : "no such file") << '\n';
      exit_code = 1;
      continue;
    }
    std::string key = args.key.empty() ? DefaultObjectKey(file, args.store) : args.key;
    ProgressBar bar(file, show_progress);
    PutObjectOptions put_options;
    put_options.content_type = "text/csv";
    put_options.on_progress = [&bar](uint64_t sent, uint64_t total) { bar.Update(sent, total); };
    Result<PutObjectResult> put = (*client)->PutObjectFromFile(bucket, key, file, put_options);
    bar.Finish();
    if (!put.ok()) {
      if ((*client)->last_error().kind == AwsCallError::Kind::kConnect) {
        std::cerr << "invtrack: cannot reach the S3 endpoint at " << endpoint
                  << ": is `invtrack serve` running? (" << put.status().message() << ")\n";
        return 1;  // the next files would fail alike
      }
      std::cerr << "invtrack: " << file << ": "
                << DescribePutFailure(**client, put.status(), endpoint) << '\n';
      exit_code = 1;
      continue;
    }
    Uploaded upload{file, key, put->etag, std::nullopt};
    if (std::optional<std::string_view> id = put->headers.Find(kInvocationHeader)) {
      upload.invocation = std::strtoll(std::string(*id).c_str(), nullptr, 10);
    }
    uploads.push_back(std::move(upload));
  }

  std::unique_ptr<LocalPipeline> pipeline;
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(args.timeout_s * 1000));
  for (const Uploaded& upload : uploads) {
    if (!upload.invocation) {
      PrintStoredWithoutLoad(upload, bucket, json);
      continue;
    }
    if (!pipeline) {
      // Results are read from the server's durable state, so this must be
      // the data directory `invtrack serve` uses.
      if (!std::filesystem::exists(config->pipeline.data_dir / "inventory.db")) {
        std::cerr << "invtrack: cannot wait for the loads: " << config->pipeline.data_dir.string()
                  << " is not the server's data directory (give its --data)\n";
        return 1;
      }
      Result<std::unique_ptr<LocalPipeline>> opened = LocalPipeline::Open(config->pipeline);
      if (!opened.ok()) return Fail(opened.status());
      pipeline = std::move(opened).value();
    }
    Result<std::vector<FileResult>> results = pipeline->WaitForLoad(*upload.invocation, timeout);
    if (!results.ok()) {
      std::cerr << "invtrack: " << upload.file << ": " << results.status().message() << '\n';
      exit_code = 1;
      continue;
    }
    for (const FileResult& r : *results) {
      if (r.version.key != upload.key) {
        std::cerr << "invtrack: " << upload.file << ": load " << *upload.invocation << " of "
                  << config->pipeline.data_dir.string() << " is for " << r.version.key << ", not "
                  << upload.key << ": is --data the server's data directory?\n";
        exit_code = 1;
        continue;
      }
      PrintLoadResult(upload.file, r, json, std::cout);
      if (r.outcome == FileOutcome::kRejected) exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace

void AddUploadCommand(CLI::App& app, CliContext& context) {
  CLI::App* command = app.add_subcommand(
      "upload", "Upload inventory files through the S3 endpoint and wait until they are loaded");
  auto args = std::make_shared<UploadArgs>();
  command->add_option("files", args->files, "CSV files (store,item,count)")->required();
  command->add_option("--key", args->key,
                      "object key (default stores/<store>/<file name>, or <file name> when the "
                      "file names no store)");
  command->add_option("--store", args->store, "store for the default key (default: first row's)");
  command->add_option("--endpoint", args->endpoint,
                      "S3 endpoint URL (default http://<s3.listen of the config>)");
  command->add_option("--bucket", args->bucket, "bucket (default: the configured one)");
  command->add_option("--format", args->format, "text|json");
  command->add_flag("--progress", args->progress, "show a progress bar even if not on a terminal");
  command->add_flag("--no-progress", args->no_progress, "never show a progress bar");
  command->add_option("--timeout", args->timeout_s, "seconds to wait for each load")
      ->check(CLI::PositiveNumber);
  command->callback(
      [&context, args] { context.run = [&context, args] { return RunUpload(context, *args); }; });
}

}  // namespace invtrack
