// Responses over real HTTP on 127.0.0.1: HEAD, file ranges through
// sendfile, streamed (chunked) bodies, and clients that leave or stall
// while a response is being sent.
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "http/http_server.h"
#include "http/http_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CurlClient;
using testing::CurlRequest;
using testing::CurlResponse;
using testing::HeaderValue;
using testing::LocalUrl;
using testing::RawClient;
using testing::StartTestServer;

constexpr auto kGenerous = seconds(20);

HttpResponse Text(std::string body, int status = 200) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.SetHeader("Content-Type", "text/plain");
  return response;
}

// A sparse file of `size` bytes of zeros: large without costing disk or time.
std::shared_ptr<FileHandle> OpenSparseFile(const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
  return std::make_shared<FileHandle>(fd);
}

TEST(HttpServerResponseTest, HeadAnnouncesLengthWithoutBody) {
  auto server = StartTestServer({}, [](HttpRequest& request) {
    HttpResponse response;
    if (request.method() == "HEAD") {
      response.head_content_length = 12345;
    } else {
      response.body = "after head";
    }
    return response;
  });
  ASSERT_NE(server, nullptr);
  // Raw, to see that not one byte of body follows the header.
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntil("after head", std::chrono::seconds(10)));
  const std::string& all = client.received();
  size_t first_end = all.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos);
  std::string first_head = all.substr(0, first_end + 2);
  EXPECT_EQ(first_head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first_head;
  EXPECT_EQ(HeaderValue(first_head, "Content-Length"), "12345");
  EXPECT_EQ(all.compare(first_end + 4, 9, "HTTP/1.1 "), 0) << all;  // next response at once

  CurlClient curl;
  CurlRequest head;
  head.method = "HEAD";
  head.url = LocalUrl(*server, "/x");
  CurlResponse response = curl.Perform(head);
  ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
  EXPECT_EQ(HeaderValue(response.headers, "Content-Length"), "12345");
  EXPECT_EQ(response.body, "");
}

TEST(HttpServerResponseTest, SendsFileRangeWithSendfile) {
  testing::TempDir dir;
  std::string path = dir.Sub("blob");
  std::string content(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 + (i >> 11));
  {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  constexpr uint64_t kOffset = 1000;
  constexpr uint64_t kLength = 2 * 1024 * 1024 + 7;
  auto server = StartTestServer({}, [&](HttpRequest&) {
    HttpResponse response;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    response.file = HttpResponse::FileRange{std::make_shared<FileHandle>(fd), kOffset, kLength};
    return response;
  });
  ASSERT_NE(server, nullptr);
  CurlClient client;
  for (int i = 0; i < 3; ++i) {  // and the connection stays usable
    CurlResponse response = client.Get(LocalUrl(*server, "/file"));
    ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
    EXPECT_EQ(HeaderValue(response.headers, "Content-Length"), std::to_string(kLength));
    ASSERT_EQ(response.body.size(), kLength);
    EXPECT_TRUE(response.body == content.substr(kOffset, kLength));
  }
}

TEST(HttpServerResponseTest, StreamsChunkedResponse) {
  auto server = StartTestServer({}, [](HttpRequest&) {
    HttpResponse response;
    response.SetHeader("Content-Type", "text/event-stream");
    response.stream = [](ResponseStreamWriter& writer) {
      for (int i = 0; i < 100; ++i) {
        if (!writer.Write("data: " + std::to_string(i) + "\n\n").ok()) return;
      }
      (void)writer.Write("");  // an empty write must not end the stream early
      (void)writer.Write("data: end\n\n");
    };
    return response;
  });
  ASSERT_NE(server, nullptr);
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "data: " + std::to_string(i) + "\n\n";
  expected += "data: end\n\n";
  CurlClient client;
  for (int i = 0; i < 2; ++i) {
    CurlResponse response = client.Get(LocalUrl(*server, "/events"));
    ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
    EXPECT_EQ(HeaderValue(response.headers, "Transfer-Encoding"), "chunked");
    EXPECT_EQ(HeaderValue(response.headers, "Content-Length"), "");
    EXPECT_EQ(response.body, expected);
    EXPECT_EQ(response.new_connections, i == 0 ? 1 : 0);
  }
}

TEST(HttpServerResponseTest, StreamWriteFailsOnceClientIsGone) {
  std::atomic<bool> write_failed{false};
  std::atomic<bool> done{false};
  auto server = StartTestServer({}, [&](HttpRequest&) {
    HttpResponse response;
    response.stream = [&](ResponseStreamWriter& writer) {
      std::string piece(64 * 1024, 'x');
      // Bounded: a vanished client must fail a write long before 4 GiB.
      for (int i = 0; i < 65536; ++i) {
        if (!writer.Write(piece).ok()) {
          write_failed = true;
          break;
        }
      }
      done = true;
    };
    return response;
  });
  ASSERT_NE(server, nullptr);
  {
    RawClient client(server->port());
    ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    ASSERT_TRUE(client.ReadUntil("xxxx", std::chrono::seconds(10)));
  }  // closes with unread data
  for (int i = 0; i < 1000 && !done; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(done.load());
  EXPECT_TRUE(write_failed.load());
}

TEST(HttpServerResponseTest, StreamThrowingAfterHeaderClosesConnection) {
  auto server = StartTestServer({}, [](HttpRequest& request) {
    HttpResponse response;
    if (request.path() == "/ok") return Text("fine");
    response.stream = [](ResponseStreamWriter& writer) {
      (void)writer.Write("partial");
      throw std::runtime_error("stream broke");
    };
    return response;
  });
  ASSERT_NE(server, nullptr);
  CurlClient client;
  CurlResponse broken = client.Get(LocalUrl(*server, "/stream"));
  EXPECT_NE(broken.code, CURLE_OK);  // the body never ended properly
  CurlResponse fine = client.Get(LocalUrl(*server, "/ok"));
  ASSERT_EQ(fine.code, CURLE_OK) << curl_easy_strerror(fine.code);
  EXPECT_EQ(fine.body, "fine");
}

TEST(HttpServerResponseTest, HeadTakesLengthFromHandlerHeader) {
  auto server = StartTestServer({}, [](HttpRequest&) {
    HttpResponse response;
    response.SetHeader("Content-Length", "777");  // as an S3 HEAD handler might
    return response;
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_EQ(HeaderValue(client.received(), "Content-Length"), "777") << client.received();
  EXPECT_EQ(client.received().find("Content-Length", client.received().find("Content-Length") + 1),
            std::string::npos)
      << "one Content-Length only: " << client.received();
}

TEST(HttpServerResponseTest, NoBodyStatusesCarryNoLength) {
  auto server = StartTestServer({}, [](HttpRequest&) { return Text("dropped", 204); });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_EQ(client.received().rfind("HTTP/1.1 204 No Content\r\n", 0), 0u) << client.received();
  EXPECT_EQ(HeaderValue(client.received(), "Content-Length"), "");
  EXPECT_EQ(client.received().find("dropped"), std::string::npos);
}

TEST(HttpServerResponseTest, StreamToHttp10ClientEndsWithClose) {
  auto server = StartTestServer({}, [](HttpRequest&) {
    HttpResponse response;
    response.stream = [](ResponseStreamWriter& writer) {
      (void)writer.Write("one,");
      (void)writer.Write("two");
    };
    return response;
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(client.ReadUntilClosed(kGenerous));
  EXPECT_EQ(HeaderValue(client.received(), "Transfer-Encoding"), "");
  EXPECT_EQ(HeaderValue(client.received(), "Connection"), "close");
  EXPECT_NE(client.received().find("\r\n\r\none,two"), std::string::npos) << client.received();
}

// A client that disconnects in the middle of a large sendfile must neither
// kill the process (sendfile(2) cannot suppress SIGPIPE) nor the server.
TEST(HttpServerResponseTest, ClientLeavingDuringSendfileIsHarmless) {
  testing::TempDir dir;
  auto file = OpenSparseFile(dir.Sub("sparse"), 512ull << 20);
  std::atomic<int> served{0};
  auto server = StartTestServer({}, [&](HttpRequest& request) {
    ++served;
    if (request.path() == "/ok") return Text("still here");
    HttpResponse response;
    response.file = HttpResponse::FileRange{file, 0, 512ull << 20};
    return response;
  });
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 3; ++i) {
    RawClient client(server->port());
    ASSERT_TRUE(client.Send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n"));
    ASSERT_TRUE(client.ReadUntil("\r\n\r\n", kGenerous));
  }  // each closes with megabytes unread
  CurlClient curl;
  CurlResponse response = curl.Get(LocalUrl(*server, "/ok"));
  ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
  EXPECT_EQ(response.body, "still here");
  EXPECT_EQ(served.load(), 4);
}

// A client that stops reading holds its connection only for write_timeout:
// with one connection allowed, the next client is served soon after.
TEST(HttpServerResponseTest, ClientNotReadingIsDroppedAfterWriteTimeout) {
  testing::TempDir dir;
  auto file = OpenSparseFile(dir.Sub("sparse"), 256ull << 20);
  HttpServerOptions options;
  options.max_connections = 1;
  options.write_timeout = milliseconds(300);
  auto server = StartTestServer(options, [&](HttpRequest& request) {
    if (request.path() == "/ok") return Text("served");
    HttpResponse response;
    response.file = HttpResponse::FileRange{file, 0, 256ull << 20};
    return response;
  });
  ASSERT_NE(server, nullptr);
  RawClient stalled(server->port());
  ASSERT_TRUE(stalled.Send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto start = std::chrono::steady_clock::now();
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {  // at most ~20 s
    RawClient next(server->port());
    next.Send("GET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    next.ReadUntilClosed(kGenerous);
    served = next.received().find("served") != std::string::npos;
    if (!served) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(served);
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(15));
}

}  // namespace
}  // namespace invtrack
