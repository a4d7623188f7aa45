// Test helper for the HTTP senders: a real HTTP receiver (HttpServer on
// 127.0.0.1) that records every request and answers with a status the test
// chooses, or hangs until released, so webhook and SMS deliveries are
// tested over real sockets. Header-only: test code, not in the library.
#ifndef INVTRACK_NOTIFY_HTTP_RECEIVER_TEST_UTIL_H_
#define INVTRACK_NOTIFY_HTTP_RECEIVER_TEST_UTIL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "http/http_server.h"

namespace invtrack::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          }))
        return value;
    }
    return std::nullopt;
  }
};

class RecordingReceiver {
 public:
  RecordingReceiver() {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    auto server =
        HttpServer::Start(options, [this](HttpRequest& request) { return Handle(request); });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(server).value();
  }
  ~RecordingReceiver() {
    Release();
    if (server_) server_->Stop();
  }

  std::string Url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(target);
  }
  uint16_t port() const { return server_->port(); }

  // Answers the following requests with `status` (and `location`, if any).
  void AnswerWith(int status, std::string location = "") {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    location_ = std::move(location);
  }
  // Further requests wait (at most 30 s) until Release().
  void Hang() {
    std::lock_guard<std::mutex> lock(mutex_);
    hanging_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hanging_ = false;
    }
    changed_.notify_all();
  }
  // How many responses have been sent.
  int answered() {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_;
  }

  std::vector<ReceivedRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  HttpResponse Handle(HttpRequest& request) {
    ReceivedRequest received;
    received.method = std::string(request.method());
    received.target = std::string(request.target());
    received.headers = request.headers();
    char buffer[16 * 1024];
    for (;;) {
      Result<size_t> n = request.body().Read(buffer, sizeof(buffer));
      if (!n.ok() || *n == 0) break;
      received.body.append(buffer, *n);
    }
    HttpResponse response;
    std::unique_lock<std::mutex> lock(mutex_);
    requests_.push_back(std::move(received));
    changed_.wait_for(lock, std::chrono::seconds(30), [&] { return !hanging_; });
    ++answered_;
    response.status = status_;
    if (!location_.empty()) response.SetHeader("Location", location_);
    response.body = status_ >= 400 ? "{\"error\":\"refused by test\"}" : "ok";
    return response;
  }

  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ReceivedRequest> requests_;
  int status_ = 200;
  std::string location_;
  bool hanging_ = false;
  int answered_ = 0;
};

// A loopback port where nothing listens (a server bound it, then left).
inline uint16_t ClosedPort() {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  auto server = HttpServer::Start(options, [](HttpRequest&) { return HttpResponse{}; });
  EXPECT_TRUE(server.ok());
  uint16_t port = server.ok() ? (*server)->port() : 1;
  if (server.ok()) (*server)->Stop();
  return port;
}

}  // namespace invtrack::testing

#endif  // INVTRACK_NOTIFY_HTTP_RECEIVER_TEST_UTIL_H_
