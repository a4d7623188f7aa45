// s3_bench: the one S3 load generator of the S3 benchmark, run unchanged
// against invtrack's endpoint and against moto, so the figures differ only
// by the server. bench/run starts both servers and compares them.
//
//   small    4 KiB PUTs, then GETs of the same keys, from --clients threads
//            with one keep-alive connection each: requests per second
//   big      one --big-bytes PUT (bytes generated on the fly, signed
//            UNSIGNED-PAYLOAD) and its GET (discarded): MB/s, and the
//            server's RSS (--server-pid) sampled over its idle RSS
//   latency  single-row CSV uploads to the inventory bucket, each timed from
//            the PUT until LocalPipeline::WaitForLoad (opened in this
//            process on the server's --data-dir) reports it loaded and
//            checked: p50/p99 (invtrack only: moto has no table)
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (moto
// takes any). Prints one JSON object with every figure on stdout; progress
// goes to stderr.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "adapters/aws/s3_client.h"
#include "runtime/local_pipeline.h"

namespace invtrack {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string endpoint;
  std::string bucket = "bench";
  std::string phases = "small,big";
  int clients = 16;
  uint64_t object_bytes = 4096;
  double small_seconds = 5;
  uint64_t small_count = 0;  // when set: this many requests per phase instead of a duration
  uint64_t big_bytes = uint64_t{1} << 30;
  int server_pid = 0;
  int latency_count = 200;
  std::string data_dir;
  bool create_bucket = false;
};

AwsClientOptions ClientOptions(const BenchArgs& args) {
  AwsClientOptions options;
  options.endpoint = args.endpoint;
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  options.credentials.access_key_id = id ? id : "bench";
  options.credentials.secret_access_key = secret ? secret : "bench";
  options.idle_timeout = std::chrono::seconds(120);
  // A benchmark counts failures instead of hiding them behind retries.
  options.retry.max_attempts = 1;
  return options;
}

std::unique_ptr<S3Client> MakeClient(const BenchArgs& args) {
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(ClientOptions(args));
  if (!client.ok()) {
    std::cerr << "s3_bench: " << client.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(client).value();
}

// ---- small objects ---------------------------------------------------------

struct PhaseResult {
  uint64_t requests = 0;
  uint64_t errors = 0;
  double seconds = 0;
  std::string first_error;

  nlohmann::json ToJson() const {
    return {{"requests", requests},
            {"errors", errors},
            {"seconds", seconds},
            {"per_second", seconds > 0 ? static_cast<double>(requests) / seconds : 0.0},
            {"first_error", first_error}};
  }
};

// Runs `call(client, thread, i)` on every client's thread, all starting
// together, for a fixed count or until the duration is over.
template <typename Call>
PhaseResult RunConcurrent(const BenchArgs& args, std::vector<std::unique_ptr<S3Client>>& clients,
                          Call call) {
  const int threads = static_cast<int>(clients.size());
  const uint64_t per_thread = args.small_count > 0 ? (args.small_count + threads - 1) / threads : 0;
  constexpr uint64_t kMaxPerThread = 10'000'000;  // bounds the duration mode too
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors{0};
  std::mutex error_mutex;
  std::string first_error;
  std::latch ready(threads + 1);
  std::atomic<bool> go{false};
  Clock::time_point deadline;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ready.count_down();
      while (!go.load()) std::this_thread::yield();
      uint64_t i = 0;
      for (; i < kMaxPerThread; ++i) {
        if (per_thread > 0 ? i >= per_thread : Clock::now() >= deadline) break;
        Status status = call(*clients[static_cast<size_t>(t)], t, i);
        if (!status.ok()) {
          errors.fetch_add(1);
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.empty()) first_error = status.ToString();
        }
      }
      requests.fetch_add(i);
    });
  }
  ready.arrive_and_wait();
  Clock::time_point start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(args.small_seconds));
  go.store(true);
  for (std::thread& worker : workers) worker.join();
  PhaseResult result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.requests = requests.load();
  result.errors = errors.load();
  result.first_error = first_error;
  return result;
}

std::string SmallKey(int thread, uint64_t i) {
  return "small/t" + std::to_string(thread) + "/" + std::to_string(i);
}

nlohmann::json RunSmall(const BenchArgs& args) {
  std::vector<std::unique_ptr<S3Client>> clients;
  for (int t = 0; t < args.clients; ++t) clients.push_back(MakeClient(args));
  std::string object(args.object_bytes, 'x');
  for (size_t i = 0; i < object.size(); i += 64) object[i] = static_cast<char>('a' + i % 26);
  std::vector<uint64_t> written(static_cast<size_t>(args.clients), 0);

  std::cerr << "small: " << args.clients << " clients PUT " << args.object_bytes << " B objects\n";
  PutObjectOptions put_options;  // Content-MD5 and a signed SHA-256, as SDKs send small bodies
  PhaseResult put = RunConcurrent(args, clients, [&](S3Client& client, int t, uint64_t i) {
    Result<PutObjectResult> r =
        client.PutObjectFromString(args.bucket, SmallKey(t, i), object, put_options);
    if (r.ok()) written[static_cast<size_t>(t)] = i + 1;
    return r.status();
  });
  std::cerr << "small: " << args.clients << " clients GET them back\n";
  PhaseResult get = RunConcurrent(args, clients, [&](S3Client& client, int t, uint64_t i) {
    uint64_t have = written[static_cast<size_t>(t)];
    if (have == 0) return Status::NotFound("no object was written by this client");
    std::string body;
    StringResponseSink sink(&body);
    Result<S3ObjectMetadata> r = client.GetObject(args.bucket, SmallKey(t, i % have), &sink);
    if (!r.ok()) return r.status();
    if (body.size() != object.size()) return Status::Corruption("short GET body");
    return Status::OK();
  });
  return {{"clients", args.clients},
          {"object_bytes", args.object_bytes},
          {"put", put.ToJson()},
          {"get", get.ToJson()}};
}

// ---- one big object --------------------------------------------------------

// `size` bytes of a repeating pattern, made as they are sent: the benchmark
// measures the server, not the client's disk.
class PatternBody final : public OutgoingBody {
 public:
  explicit PatternBody(uint64_t size) : size_(size), pattern_(1 << 20, '\0') {
    for (size_t i = 0; i < pattern_.size(); ++i) {
      pattern_[i] = static_cast<char>("store,item,count\n0123456789"[i % 27]);
    }
  }
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t at = static_cast<size_t>(offset_ % pattern_.size());
    size_t n =
        static_cast<size_t>(std::min<uint64_t>({capacity, size_ - offset_, pattern_.size() - at}));
    std::copy_n(pattern_.data() + at, n, buffer);
    offset_ += n;
    return n;
  }
  bool Rewind() override {
    offset_ = 0;
    return true;
  }

 private:
  uint64_t size_;
  uint64_t offset_ = 0;
  std::string pattern_;
};

class CountingSink final : public ResponseSink {
 public:
  Status Write(std::string_view bytes) override {
    count_ += bytes.size();
    return Status::OK();
  }
  bool Restart() override {
    count_ = 0;
    return true;
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
};

// A field of /proc/<pid>/status in KiB ("VmRSS", "VmHWM"); 0 if unreadable.
uint64_t ProcStatusKiB(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

// Samples the server's VmRSS every 20 ms while alive, keeping the maximum.
class RssSampler {
 public:
  explicit RssSampler(int pid) : pid_(pid) {
    if (pid_ <= 0) return;
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        peak_kib_ = std::max(peak_kib_.load(), ProcStatusKiB(pid_, "VmRSS"));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  ~RssSampler() { Stop(); }
  uint64_t Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return peak_kib_.load();
  }

 private:
  int pid_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> peak_kib_{0};
  std::thread thread_;
};

double MiB(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

nlohmann::json RunBig(const BenchArgs& args) {
  std::unique_ptr<S3Client> client = MakeClient(args);
  nlohmann::json out = {{"bytes", args.big_bytes}};
  uint64_t idle_kib = args.server_pid > 0 ? ProcStatusKiB(args.server_pid, "VmRSS") : 0;
  RssSampler sampler(args.server_pid);

  ::sync();  // earlier phases' write-back must not compete with this one
  std::cerr << "big: PUT " << args.big_bytes << " bytes\n";
  PatternBody body(args.big_bytes);
  PutObjectOptions put_options;
  put_options.compute_content_md5 = false;  // UNSIGNED-PAYLOAD, nothing hashed client-side
  put_options.verify_etag = false;
  Clock::time_point start = Clock::now();
  Result<PutObjectResult> put =
      client->PutObjectBody(args.bucket, "big/object", &body, put_options);
  double put_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out["put"] = {{"ok", put.ok()},
                {"seconds", put_seconds},
                {"mb_per_s", static_cast<double>(args.big_bytes) / 1e6 / put_seconds},
                {"error", put.ok() ? "" : put.status().ToString()}};

  ::sync();  // the GET measures serving the object, not the PUT's write-back
  // Twice: the first GET may read from disk (a server need not keep what it
  // wrote in the page cache), the second shows the serving path alone.
  for (const char* name : {"get", "get_again"}) {
    std::cerr << "big: GET it back\n";
    CountingSink sink;
    start = Clock::now();
    Result<S3ObjectMetadata> get = client->GetObject(args.bucket, "big/object", &sink);
    double get_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    bool complete = get.ok() && sink.count() == args.big_bytes;
    out[name] = {{"ok", complete},
                 {"seconds", get_seconds},
                 {"mb_per_s", static_cast<double>(sink.count()) / 1e6 / get_seconds},
                 {"error", !get.ok()   ? get.status().ToString()
                           : !complete ? "got " + std::to_string(sink.count()) + " bytes"
                                       : ""}};
  }
  uint64_t sampled_kib = sampler.Stop();
  Status deleted = client->DeleteObject(args.bucket, "big/object");
  if (!deleted.ok()) std::cerr << "big: cleanup: " << deleted.ToString() << "\n";
  if (args.server_pid > 0) {
    uint64_t hwm_kib = ProcStatusKiB(args.server_pid, "VmHWM");
    out["server_rss"] = {{"idle_mib", MiB(idle_kib)},
                         {"peak_sampled_mib", MiB(sampled_kib)},
                         {"hwm_mib", MiB(hwm_kib)},
                         {"peak_over_idle_mib", MiB(std::max(sampled_kib, hwm_kib) - idle_kib)}};
  }
  return out;
}

// ---- upload -> table updated -----------------------------------------------

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(p * static_cast<double>(values.size()) + 0.999999);
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// WaitForLoad backs off to 20 ms between looks, which would blur
// millisecond latencies; asking it every 1 ms with no timeout of its own
// measures the pipeline rather than the waiting.
Result<std::vector<FileResult>> WaitClosely(LocalPipeline& pipeline, int64_t invocation_id) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  while (true) {
    Result<std::vector<FileResult>> loaded =
        pipeline.WaitForLoad(invocation_id, std::chrono::milliseconds(0));
    if (loaded.ok() || !loaded.status().IsUnavailable() || Clock::now() >= deadline) {
      return loaded;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

nlohmann::json RunLatency(const BenchArgs& args) {
  if (args.data_dir.empty()) return {{"error", "--data-dir is required for the latency phase"}};
  PipelineOptions options;
  options.data_dir = args.data_dir;
  Result<std::unique_ptr<LocalPipeline>> pipeline = LocalPipeline::Open(options);
  if (!pipeline.ok()) return {{"error", pipeline.status().ToString()}};
  std::unique_ptr<S3Client> client = MakeClient(args);
  std::vector<double> millis;
  std::vector<double> put_millis;  // the PUT alone, to tell its share
  uint64_t errors = 0;
  std::string first_error;
  std::cerr << "latency: " << args.latency_count << " single-row uploads\n";
  for (int i = 0; i < args.latency_count; ++i) {
    std::string body = "store,item,count\nBench,Item-" + std::to_string(i % 50) + "," +
                       std::to_string(i % 7) + "\n";
    std::string key = "stores/Bench/latency-" + std::to_string(i) + ".csv";
    Clock::time_point start = Clock::now();
    Result<PutObjectResult> put = client->PutObjectFromString(options.bucket, key, body);
    put_millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    Status failed;
    if (!put.ok()) {
      failed = put.status();
    } else if (auto id = put->headers.Find("x-invtrack-invocation-id"); !id) {
      failed = Status::NotFound("no x-invtrack-invocation-id header: no load was queued");
    } else {
      Result<std::vector<FileResult>> loaded =
          WaitClosely(**pipeline, std::strtoll(std::string(*id).c_str(), nullptr, 10));
      if (!loaded.ok()) {
        failed = loaded.status();
      } else if (loaded->empty() || loaded->front().outcome != FileOutcome::kApplied) {
        failed = Status::Aborted("the upload was not applied");
      }
    }
    if (!failed.ok()) {
      ++errors;
      if (first_error.empty()) first_error = failed.ToString();
      continue;
    }
    millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return {{"uploads", args.latency_count},
          {"errors", errors},
          {"first_error", first_error},
          {"p50_ms", Percentile(millis, 0.50)},
          {"p99_ms", Percentile(millis, 0.99)},
          {"max_ms", Percentile(millis, 1.0)},
          {"put_p50_ms", Percentile(put_millis, 0.50)}};
}

int Main(int argc, char** argv) {
  BenchArgs args;
  CLI::App app{"S3 load generator for bench/run (see bench/README.md)"};
  app.add_option("--endpoint", args.endpoint, "http://HOST:PORT")->required();
  app.add_option("--bucket", args.bucket, "bucket for the small and big phases (must exist)");
  app.add_option("--phases", args.phases, "comma-separated: small,big,latency");
  app.add_option("--clients", args.clients, "concurrent clients of the small phase")
      ->check(CLI::Range(1, 256));
  app.add_option("--object-bytes", args.object_bytes, "size of the small objects");
  app.add_option("--small-seconds", args.small_seconds, "duration of each small phase");
  app.add_option("--small-count", args.small_count, "requests per small phase (not a duration)");
  app.add_option("--big-bytes", args.big_bytes, "size of the big object");
  app.add_option("--server-pid", args.server_pid, "server process whose RSS to report");
  app.add_option("--latency-count", args.latency_count, "uploads timed by the latency phase");
  app.add_option("--data-dir", args.data_dir, "the invtrack server's data directory (latency)");
  app.add_flag("--create-bucket", args.create_bucket, "create --bucket first (ours is fine)");
  CLI11_PARSE(app, argc, argv);

  if (args.create_bucket) {
    Status created = MakeClient(args)->CreateBucket(args.bucket);
    if (!created.ok()) {
      std::cerr << "s3_bench: " << created.ToString() << "\n";
      return 1;
    }
  }

  nlohmann::json report = {{"endpoint", args.endpoint}};
  if (args.phases.find("small") != std::string::npos) report["small"] = RunSmall(args);
  if (args.phases.find("big") != std::string::npos) report["big"] = RunBig(args);
  if (args.phases.find("latency") != std::string::npos) report["latency"] = RunLatency(args);
  std::cout << report.dump() << std::endl;
  return 0;
}

}  // namespace
}  // namespace invtrack

int main(int argc, char** argv) { return invtrack::Main(argc, argv); }
