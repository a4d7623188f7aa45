// HttpServer under hostile or unlucky clients, on 127.0.0.1: oversized and
// malformed headers, slow headers, too many connections, idle keep-alive,
// and Stop() while clients hold connections. Every wait is bounded.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http/http_server.h"
#include "http/http_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using testing::HeaderValue;
using testing::RawClient;
using testing::StartTestServer;

constexpr auto kGenerous = seconds(20);

HttpResponse Ok(HttpRequest&) {
  HttpResponse response;
  response.body = "ok";
  return response;
}

bool StartsWith(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(HttpServerLimitsTest, HeaderLargerThanLimitGets431) {
  HttpServerOptions options;
  options.max_header_bytes = 8 * 1024;
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  std::string request =
      "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(100'000, 'a') + "\r\n\r\n";
  client.Send(request);  // may fail part-way once the server closes
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_TRUE(StartsWith(client.received(), "HTTP/1.1 431 ")) << client.received();
  EXPECT_EQ(HeaderValue(client.received(), "Connection"), "close");

  // Just under the limit is fine.
  RawClient fits(server->port());
  ASSERT_TRUE(
      fits.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(7000, 'a') + "\r\n\r\n"));
  ASSERT_TRUE(fits.ReadUntil("ok", kGenerous)) << fits.received();
  EXPECT_TRUE(StartsWith(fits.received(), "HTTP/1.1 200 OK")) << fits.received();
}

TEST(HttpServerLimitsTest, MalformedRequestGets400AndClose) {
  auto server = StartTestServer({}, Ok);
  ASSERT_NE(server, nullptr);
  for (const char* garbage :
       {"THIS IS NOT HTTP\r\n\r\n", "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxyz",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"}) {
    RawClient client(server->port());
    ASSERT_TRUE(client.Send(garbage));
    ASSERT_TRUE(client.ReadUntilClosed(kGenerous)) << garbage;
    EXPECT_TRUE(StartsWith(client.received(), "HTTP/1.1 400 Bad Request\r\n"))
        << garbage << " -> " << client.received();
  }
  testing::CurlClient curl;  // and the server still serves
  EXPECT_EQ(curl.Get(testing::LocalUrl(*server, "/")).body, "ok");
}

TEST(HttpServerLimitsTest, SlowlorisPartialHeaderIsCutOff) {
  HttpServerOptions options;
  options.header_timeout = milliseconds(300);
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\n"));
  auto start = steady_clock::now();
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_LT(steady_clock::now() - start, seconds(10));
  EXPECT_TRUE(client.received().empty() || StartsWith(client.received(), "HTTP/1.1 408 "))
      << client.received();
}

TEST(HttpServerLimitsTest, HeaderDeadlineCoversTheWholeHeaderNotEachByte) {
  HttpServerOptions options;
  options.header_timeout = milliseconds(300);
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\n"));
  // Drip one header byte every 50 ms: activity must not extend the deadline.
  auto start = steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {  // at most ~10 s
    closed = !client.Send("X") || client.ReadUntilClosed(milliseconds(50));
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(steady_clock::now() - start, seconds(5));
}

TEST(HttpServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  HttpServerOptions options;
  options.keep_alive_timeout = milliseconds(200);
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntil("ok", kGenerous));
  auto start = steady_clock::now();
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_LT(steady_clock::now() - start, seconds(10));
}

TEST(HttpServerLimitsTest, ConnectionsBeyondTheLimitGet503) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 2; ++i) {  // two keep-alive connections, answered, held open
    held.push_back(std::make_unique<RawClient>(server->port()));
    ASSERT_TRUE(held.back()->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    ASSERT_TRUE(held.back()->ReadUntil("ok", kGenerous));
  }
  RawClient third(server->port());
  third.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");  // may race with the server's close
  ASSERT_TRUE(third.ReadUntilClosed(kGenerous));
  EXPECT_TRUE(StartsWith(third.received(), "HTTP/1.1 503 Service Unavailable\r\n"))
      << third.received();
  EXPECT_EQ(HeaderValue(third.received(), "Connection"), "close");

  // A freed slot serves again (the server notices the close asynchronously).
  held.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    RawClient next(server->port());
    next.Send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    next.ReadUntilClosed(kGenerous);
    served = StartsWith(next.received(), "HTTP/1.1 200 OK");
    if (!served) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST(HttpServerLimitsTest, StopReturnsPromptlyWithIdleKeepAliveClient) {
  HttpServerOptions options;
  options.keep_alive_timeout = seconds(60);
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntil("ok", kGenerous));
  auto start = steady_clock::now();
  server->Stop();
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_TRUE(client.ReadUntilClosed(seconds(5)));
  server->Stop();  // a second Stop is harmless
}

TEST(HttpServerLimitsTest, StopReturnsPromptlyWhileHandlerReadsSlowBody) {
  std::atomic<bool> reading{false};
  std::atomic<bool> read_failed{false};
  HttpServerOptions options;
  options.read_timeout = seconds(60);
  auto server = StartTestServer(options, [&](HttpRequest& request) {
    reading = true;
    read_failed = !testing::DigestBody(request.body()).status.ok();
    return Ok(request);
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\nabc"));
  for (int i = 0; i < 1000 && !reading; ++i) std::this_thread::sleep_for(milliseconds(10));
  ASSERT_TRUE(reading.load());
  auto start = steady_clock::now();
  server->Stop();
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_TRUE(read_failed.load());
}

TEST(HttpServerLimitsTest, StopReturnsPromptlyWithHalfSentHeader) {
  HttpServerOptions options;
  options.header_timeout = seconds(60);
  auto server = StartTestServer(options, Ok);
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(milliseconds(50));  // let the server start reading
  auto start = steady_clock::now();
  server.reset();  // the destructor stops
  EXPECT_LT(steady_clock::now() - start, seconds(5));
}

TEST(HttpServerLimitsTest, StopWithManyBusyConnections) {
  std::atomic<int> active{0};
  auto server = StartTestServer({}, [&](HttpRequest& request) {
    ++active;
    (void)testing::DigestBody(request.body());
    return Ok(request);
  });
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port()));
    ASSERT_TRUE(
        clients.back()->Send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999\r\n\r\nx"));
  }
  for (int i = 0; i < 1000 && active < 20; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(active.load(), 20);
  auto start = steady_clock::now();
  server->Stop();
  EXPECT_LT(steady_clock::now() - start, seconds(5));
}

}  // namespace
}  // namespace invtrack
