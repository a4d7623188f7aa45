// notify_bench: how fast an alert reaches a webhook receiver, end to end,
// through a running `invtrack serve` (S3 upload -> Load-Inventory -> change
// stream -> Check-Stock -> outbox -> fan-out -> webhook POST).
//
// It runs the webhook receiver itself (invtrack's HttpServer on the port the
// subscription names) and uploads with the S3 client over the endpoint.
//   --mode latency: N one-row files, each with a new item at 0 (one OUT
//     alert each), one at a time; upload start -> webhook received. Baselines
//     from the same client in the same run: the PUT alone (a .txt key, which
//     the pipeline ignores), and a bare POST to the receiver.
//   --mode burst: one file of R new items at 0 -> R alerts; time until every
//     alert has reached the receiver, and a check that none was lost.
// Prints one JSON line with the figures (bench/notify_bench.py formats it).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "adapters/aws/s3_client.h"
#include "http/http_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using invtrack::HttpRequest;
using invtrack::HttpResponse;

struct Args {
  std::string endpoint;
  std::string bucket = "inventory";
  uint16_t receiver_port = 0;
  std::string mode = "latency";
  int uploads = 1000;
  int burst_rows = 100000;
};

// Records, per alert item, when its webhook arrived.
class Receiver {
 public:
  HttpResponse Handle(HttpRequest& request) {
    std::string body;
    char buffer[16384];
    while (true) {
      invtrack::Result<size_t> n = request.body().Read(buffer, sizeof buffer);
      if (!n.ok() || *n == 0) break;
      body.append(buffer, *n);
    }
    Clock::time_point now = Clock::now();
    nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_;
    if (json.is_object() && json.contains("alerts")) {
      for (const auto& alert : json["alerts"]) {
        std::string item = alert.value("item", "");
        if (!arrivals_.emplace(item, now).second) ++duplicates_;
      }
      if (json.contains("id") && !ids_.insert(json["id"].get<std::string>()).second) {
        ++duplicate_ids_;
      }
    }
    changed_.notify_all();
    HttpResponse response;
    response.status = 204;
    return response;
  }

  // Waits (bounded) for the alert of `item`; returns when it arrived.
  std::optional<Clock::time_point> WaitFor(const std::string& item, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, limit, [&] { return arrivals_.contains(item); })) {
      return std::nullopt;
    }
    return arrivals_[item];
  }

  // Waits (bounded) until `count` distinct alerts arrived; returns the last.
  std::optional<Clock::time_point> WaitForCount(size_t count, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, limit, [&] { return arrivals_.size() >= count; })) {
      return std::nullopt;
    }
    Clock::time_point last{};
    for (const auto& [item, t] : arrivals_) last = std::max(last, t);
    return last;
  }

  nlohmann::json Counts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {{"requests", requests_},
            {"distinct_alerts", arrivals_.size()},
            {"duplicate_alerts", duplicates_},
            {"duplicate_ids", duplicate_ids_}};
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> arrivals_;
  std::set<std::string> ids_;
  size_t requests_ = 0;
  size_t duplicates_ = 0;
  size_t duplicate_ids_ = 0;
};

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

nlohmann::json Percentiles(std::vector<double> ms) {
  if (ms.empty()) return nullptr;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * (ms.size() - 1)))]; };
  return {{"p50", at(0.50)},
          {"p90", at(0.90)},
          {"p99", at(0.99)},
          {"max", ms.back()},
          {"n", ms.size()}};
}

std::unique_ptr<invtrack::S3Client> MakeClient(const Args& args) {
  invtrack::AwsClientOptions options;
  options.endpoint = args.endpoint;
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  options.credentials.access_key_id = id ? id : "";
  options.credentials.secret_access_key = secret ? secret : "";
  options.retry.max_attempts = 1;  // a benchmark counts failures, not hides them
  auto client = invtrack::S3Client::Create(options);
  if (!client.ok()) {
    std::cerr << "notify_bench: " << client.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(client).value();
}

void Put(invtrack::S3Client& client, const Args& args, const std::string& key,
         const std::string& body) {
  auto put = client.PutObjectFromString(args.bucket, key, body);
  if (!put.ok()) {
    std::cerr << "notify_bench: PUT " << key << ": " << put.status().ToString() << "\n";
    std::exit(1);
  }
}

// A bare POST to the receiver over one kept-alive connection: the floor.
std::vector<double> PostBaseline(uint16_t port, int n) {
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    std::string body = R"({"id":"baseline-)" + std::to_string(i) + R"(","alerts":[]})";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    Clock::time_point start = Clock::now();
    if (curl_easy_perform(curl) != CURLE_OK) continue;
    ms.push_back(Millis(Clock::now() - start));
  }
  curl_easy_cleanup(curl);
  return ms;
}

int RunLatency(const Args& args, Receiver& receiver) {
  auto client = MakeClient(args);
  std::vector<double> put_ms, e2e_ms;
  for (int i = 0; i < args.uploads; ++i) {
    std::string name = "plain-" + std::to_string(i);
    Clock::time_point start = Clock::now();
    Put(*client, args, "bench/" + name + ".txt", "store,item,count\nBench," + name + ",0\n");
    put_ms.push_back(Millis(Clock::now() - start));
  }
  int lost = 0;
  for (int i = 0; i < args.uploads; ++i) {
    std::string item = "item-" + std::to_string(i);
    Clock::time_point start = Clock::now();
    Put(*client, args, "stores/Bench/latency-" + std::to_string(i) + ".csv",
        "store,item,count\nBench," + item + ",0\n");
    std::optional<Clock::time_point> arrived = receiver.WaitFor(item, std::chrono::seconds(30));
    if (!arrived) {
      ++lost;
      continue;
    }
    e2e_ms.push_back(Millis(*arrived - start));
  }
  nlohmann::json report = {{"mode", "latency"},
                           {"upload_to_webhook_ms", Percentiles(e2e_ms)},
                           {"put_only_ms", Percentiles(put_ms)},
                           {"bare_post_ms", Percentiles(PostBaseline(args.receiver_port, 1000))},
                           {"lost", lost},
                           {"receiver", receiver.Counts()}};
  std::cout << report.dump() << std::endl;
  return lost == 0 ? 0 : 1;
}

int RunBurst(const Args& args, Receiver& receiver) {
  auto client = MakeClient(args);
  std::string body = "store,item,count\n";
  body.reserve(size_t(args.burst_rows) * 28);
  for (int i = 0; i < args.burst_rows; ++i) body += "Burst,burst-" + std::to_string(i) + ",0\n";
  Clock::time_point start = Clock::now();
  Put(*client, args, "stores/Burst/burst.csv", body);
  Clock::time_point uploaded = Clock::now();
  std::optional<Clock::time_point> last =
      receiver.WaitForCount(size_t(args.burst_rows), std::chrono::seconds(600));
  nlohmann::json counts = receiver.Counts();
  double seconds = last ? Millis(*last - start) / 1000 : -1;
  nlohmann::json report = {{"mode", "burst"},
                           {"alerts", args.burst_rows},
                           {"upload_s", Millis(uploaded - start) / 1000},
                           {"all_delivered_s", seconds},
                           {"alerts_per_s", last ? args.burst_rows / seconds : 0},
                           {"receiver", counts}};
  std::cout << report.dump() << std::endl;
  bool complete = last && counts["distinct_alerts"] == size_t(args.burst_rows);
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"notify_bench: upload -> webhook latency and burst throughput"};
  app.add_option("--endpoint", args.endpoint, "S3 endpoint of invtrack serve")->required();
  app.add_option("--bucket", args.bucket);
  app.add_option("--receiver-port", args.receiver_port, "port of the subscribed webhook")
      ->required();
  app.add_option("--mode", args.mode, "latency|burst");
  app.add_option("--uploads", args.uploads);
  app.add_option("--burst-rows", args.burst_rows);
  CLI11_PARSE(app, argc, argv);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  Receiver receiver;
  invtrack::HttpServerOptions options;
  options.port = args.receiver_port;
  auto server = invtrack::HttpServer::Start(
      options, [&receiver](HttpRequest& request) { return receiver.Handle(request); });
  if (!server.ok()) {
    std::cerr << "notify_bench: receiver: " << server.status().ToString() << "\n";
    return 2;
  }
  int rc = args.mode == "burst" ? RunBurst(args, receiver) : RunLatency(args, receiver);
  (*server)->Stop();
  return rc;
}
