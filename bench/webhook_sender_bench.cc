// Webhook sender throughput: pushes N signed deliveries through
// WebhookSender (pooled keep-alive handles) from T threads to a real
// HttpServer on 127.0.0.1 that answers 204, checks that every one arrived
// once, and prints deliveries/s next to two baselines measured in the same
// run against the same receiver: the HTTP floor (one bare libcurl handle
// per thread, same POST, no signing) and a sender without connection reuse
// (a fresh handle, so a fresh TCP connection, per delivery).
//   webhook_sender_bench [deliveries=100000] [threads=4]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <curl/curl.h>

#include "http/http_server.h"
#include "notify/webhook_sender.h"

namespace {

using invtrack::HttpRequest;
using invtrack::HttpResponse;
using Clock = std::chrono::steady_clock;

struct Receiver {
  std::mutex mutex;
  std::unordered_set<std::string> ids;
  std::atomic<long> requests{0};
};

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <typename Work>
double RunThreads(int threads, long per_thread, Work work) {
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (long i = 0; i < per_thread; ++i) work(t, i);
    });
  }
  for (std::thread& thread : pool) thread.join();
  return Seconds(start);
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// One bare POST on `handle` (kept between calls: the connection is reused
// when `reuse`, else the handle is fresh each time).
bool BarePost(CURL* handle, const std::string& url, const std::string& body) {
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode code = curl_easy_perform(handle);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  return code == CURLE_OK && status == 204;
}

}  // namespace

int main(int argc, char** argv) {
  long deliveries = argc > 1 ? std::atol(argv[1]) : 100'000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  long per_thread = deliveries / threads;
  deliveries = per_thread * threads;
  curl_global_init(CURL_GLOBAL_ALL);

  Receiver receiver;
  invtrack::HttpServerOptions options;
  options.host = "127.0.0.1";
  auto server = invtrack::HttpServer::Start(options, [&](HttpRequest& request) {
    char buffer[4096];
    while (true) {
      auto n = request.body().Read(buffer, sizeof(buffer));
      if (!n.ok() || *n == 0) break;
    }
    if (auto id = request.Header("X-Invtrack-Id")) {
      std::lock_guard<std::mutex> lock(receiver.mutex);
      receiver.ids.emplace(*id);
    }
    ++receiver.requests;
    HttpResponse response;
    response.status = 204;
    return response;
  });
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start receiver: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/hook";
  std::string body =
      R"({"id":"x","alerts":[{"store":"Berlin","item":"Widget","kind":"OUT","count":0}]})";

  // Baseline 1: the HTTP floor, one bare kept-alive handle per thread.
  std::vector<CURL*> handles(threads);
  for (CURL*& handle : handles) handle = curl_easy_init();
  std::atomic<long> bare_ok{0};
  double bare_s = RunThreads(threads, per_thread, [&](int t, long) {
    if (BarePost(handles[t], url, body)) ++bare_ok;
  });
  for (CURL* handle : handles) curl_easy_cleanup(handle);

  // The sender under test.
  invtrack::WebhookSender sender(invtrack::WebhookSettings{});
  invtrack::Subscription subscription;
  subscription.channel = invtrack::Channel::kWebhook;
  subscription.address = url;
  subscription.secret = "whsec_bench";
  std::atomic<long> sent{0};
  receiver.requests = 0;
  double sender_s = RunThreads(threads, per_thread, [&](int t, long i) {
    invtrack::Notification n;
    n.id = "bench-" + std::to_string(t) + "-" + std::to_string(i);
    n.json = body;
    if (sender.Send(subscription, n).outcome == invtrack::SendOutcome::kSent) ++sent;
  });
  long received = receiver.requests.load();
  size_t unique_ids = receiver.ids.size();

  // Baseline 2: no connection reuse (a fresh handle per delivery), on a
  // tenth of the count: each one costs a TCP handshake and a server thread.
  long fresh_per_thread = std::max(1L, per_thread / 10);
  std::atomic<long> fresh_ok{0};
  double fresh_s = RunThreads(threads, fresh_per_thread, [&](int, long) {
    CURL* handle = curl_easy_init();
    if (BarePost(handle, url, body)) ++fresh_ok;
    curl_easy_cleanup(handle);
  });

  double bare_rate = bare_ok / bare_s;
  double sender_rate = sent / sender_s;
  double fresh_rate = fresh_ok / fresh_s;
  std::printf("webhook deliveries: %ld from %d threads\n", deliveries, threads);
  std::printf("  WebhookSender (signed, pooled)    %9.0f /s  (%ld sent, %ld received, %zu ids)\n",
              sender_rate, sent.load(), received, unique_ids);
  std::printf("  baseline: bare keep-alive curl    %9.0f /s  (%ld ok)  sender/bare = %.2f\n",
              bare_rate, bare_ok.load(), sender_rate / bare_rate);
  std::printf("  baseline: new connection each     %9.0f /s  (%ld ok)  sender/fresh = %.2f\n",
              fresh_rate, fresh_ok.load(), sender_rate / fresh_rate);
  bool lossless =
      sent == deliveries && received == deliveries && unique_ids == static_cast<size_t>(deliveries);
  std::printf("  no loss, no duplicates: %s\n", lossless ? "yes" : "NO");
  (*server)->Stop();
  curl_global_cleanup();
  return lossless ? 0 : 1;
}
