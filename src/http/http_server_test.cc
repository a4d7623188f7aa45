// HttpServer basics over real HTTP on 127.0.0.1: request parts, keep-alive,
// concurrency, pipelining, handler failures, listening addresses.
#include "http/http_server.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "http/http_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

using testing::CurlClient;
using testing::CurlRequest;
using testing::CurlResponse;
using testing::HeaderValue;
using testing::LocalUrl;
using testing::RawClient;
using testing::StartTestServer;

HttpResponse Text(std::string body, int status = 200) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.SetHeader("Content-Type", "text/plain");
  return response;
}

TEST(HttpServerTest, AnswersWithRequestPartsAndServerHeaders) {
  auto server = StartTestServer({}, [](HttpRequest& request) {
    return Text(std::string(request.method()) + "|" + std::string(request.path()) + "|" +
                std::string(request.query()) + "|" +
                std::string(request.Header("x-test").value_or("none")) + "|" +
                std::string(request.remote_address()));
  });
  ASSERT_NE(server, nullptr);
  CurlClient client;
  CurlRequest request;
  request.url = LocalUrl(*server, "/a%20b/c?x=1&y");
  request.headers = {"X-Test: hello"};
  CurlResponse response = client.Perform(request);
  ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "GET|/a%20b/c|x=1&y|hello|127.0.0.1");
  EXPECT_EQ(HeaderValue(response.headers, "Content-Length"), std::to_string(response.body.size()));
  EXPECT_EQ(HeaderValue(response.headers, "Server"), "invtrack");
  EXPECT_EQ(HeaderValue(response.headers, "Content-Type"), "text/plain");
  EXPECT_NE(HeaderValue(response.headers, "Date"), "");
  EXPECT_EQ(HeaderValue(response.headers, "Connection"), "keep-alive");
}

TEST(HttpServerTest, HeadersKeepArrivalOrderAndNames) {
  std::vector<std::pair<std::string, std::string>> seen;
  auto server = StartTestServer({}, [&](HttpRequest& request) {
    seen = request.headers();
    return Text("ok");
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntil("ok", std::chrono::seconds(10)));
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Host", "h"}, {"X-B", "2"}, {"x-a", "1"}, {"X-B", "3"}};
  EXPECT_EQ(seen, expected);
}

TEST(HttpServerTest, KeepAliveReusesOneConnection) {
  std::atomic<int> calls{0};
  auto server = StartTestServer({}, [&](HttpRequest& request) {
    ++calls;
    return Text(std::string(request.path()));
  });
  ASSERT_NE(server, nullptr);
  CurlClient client;
  long connections = 0;
  for (int i = 0; i < 20; ++i) {
    CurlResponse response = client.Get(LocalUrl(*server, "/r" + std::to_string(i)));
    ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
    EXPECT_EQ(response.body, "/r" + std::to_string(i));
    connections += response.new_connections;
  }
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(calls.load(), 20);
}

TEST(HttpServerTest, ServesConcurrentClients) {
  constexpr int kClients = 32;
  constexpr int kRequestsEach = 40;
  std::atomic<int> calls{0};
  auto server = StartTestServer({}, [&](HttpRequest& request) {
    ++calls;
    return Text("echo " + std::string(request.query()));
  });
  ASSERT_NE(server, nullptr);
  std::atomic<int> good{0};
  std::atomic<long> connections{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      CurlClient client;
      for (int i = 0; i < kRequestsEach; ++i) {
        std::string query = std::to_string(c) + "-" + std::to_string(i);
        CurlResponse response = client.Get(LocalUrl(*server, "/?" + query));
        if (response.code == CURLE_OK && response.status == 200 &&
            response.body == "echo " + query) {
          ++good;
        }
        connections += response.new_connections;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), kClients * kRequestsEach);
  EXPECT_EQ(calls.load(), kClients * kRequestsEach);
  EXPECT_EQ(connections.load(), kClients);  // every client kept its connection
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  auto server = StartTestServer({}, [](HttpRequest& request) {
    std::string body(request.content_length().value_or(0), '\0');
    size_t got = 0;
    while (got < body.size()) {
      Result<size_t> n = request.body().Read(body.data() + got, body.size() - got);
      if (!n.ok() || *n == 0) break;
      got += *n;
    }
    return Text(std::string(request.path()) + ":" + body.substr(0, got) + ";");
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "GET /two HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /three HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"));
  ASSERT_TRUE(client.ReadUntilClosed(std::chrono::seconds(10)));
  const std::string& all = client.received();
  size_t one = all.find("/one:hello;");
  size_t two = all.find("/two:;");
  size_t three = all.find("/three:abc;");
  ASSERT_NE(one, std::string::npos) << all;
  ASSERT_NE(two, std::string::npos) << all;
  ASSERT_NE(three, std::string::npos) << all;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
}

TEST(HttpServerTest, HandlerExceptionGives500AndServerKeepsServing) {
  auto server = StartTestServer({}, [](HttpRequest& request) -> HttpResponse {
    if (request.path() == "/throw") throw std::runtime_error("boom");
    if (request.path() == "/throw-int") throw 42;
    if (request.path() == "/bad-header") {
      HttpResponse response = Text("x");
      response.SetHeader("X-Evil", "a\r\nInjected: yes");
      return response;
    }
    return Text("fine");
  });
  ASSERT_NE(server, nullptr);
  CurlClient client;
  for (const char* path : {"/throw", "/throw-int", "/bad-header"}) {
    CurlResponse failed = client.Get(LocalUrl(*server, path));
    ASSERT_EQ(failed.code, CURLE_OK) << curl_easy_strerror(failed.code);
    EXPECT_EQ(failed.status, 500) << path;
    EXPECT_EQ(HeaderValue(failed.headers, "Connection"), "close");
    EXPECT_EQ(HeaderValue(failed.headers, "Injected"), "");
    CurlResponse fine = client.Get(LocalUrl(*server, "/ok"));
    ASSERT_EQ(fine.code, CURLE_OK) << curl_easy_strerror(fine.code);
    EXPECT_EQ(fine.status, 200);
    EXPECT_EQ(fine.body, "fine");
  }
}

TEST(HttpServerTest, CloseConnectionIsHonoured) {
  auto server = StartTestServer({}, [](HttpRequest&) {
    HttpResponse response = Text("bye");
    response.close_connection = true;
    return response;
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntilClosed(std::chrono::seconds(10)));
  EXPECT_EQ(HeaderValue(client.received(), "Connection"), "close");
  EXPECT_NE(client.received().find("bye"), std::string::npos);
}

TEST(HttpServerTest, Http10ClientGetsCloseByDefault) {
  auto server = StartTestServer({}, [](HttpRequest&) { return Text("old"); });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntilClosed(std::chrono::seconds(10)));
  EXPECT_NE(client.received().find("\r\n\r\nold"), std::string::npos) << client.received();
  EXPECT_EQ(HeaderValue(client.received(), "Connection"), "close");
}

TEST(HttpServerTest, StartFailsWhenPortIsTaken) {
  auto first = StartTestServer({}, [](HttpRequest&) { return Text("a"); });
  ASSERT_NE(first, nullptr);
  HttpServerOptions options;
  options.port = first->port();
  auto second = HttpServer::Start(options, [](HttpRequest&) { return Text("b"); });
  EXPECT_FALSE(second.ok());
  auto bad_host = HttpServer::Start({.host = "not-an-ip"}, [](HttpRequest&) { return Text("c"); });
  EXPECT_TRUE(bad_host.status().IsInvalidArgument()) << bad_host.status().ToString();
}

TEST(HttpServerTest, ListensOnIpv6Loopback) {
  HttpServerOptions options;
  options.host = "::1";
  auto server = HttpServer::Start(
      options, [](HttpRequest& request) { return Text(std::string(request.remote_address())); });
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.status().ToString();
  CurlClient client;
  CurlResponse response = client.Get("http://[::1]:" + std::to_string((*server)->port()) + "/");
  ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
  EXPECT_EQ(response.body, "::1");
}

}  // namespace
}  // namespace invtrack
