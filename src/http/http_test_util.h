// Test helpers for the HTTP server: a libcurl client that keeps its
// connection between requests, and a raw TCP client for what curl cannot
// express (partial headers, stalls, pipelining). Header-only: every .cc in
// src/http that is not a test goes into the library.
#ifndef INVTRACK_HTTP_HTTP_TEST_UTIL_H_
#define INVTRACK_HTTP_HTTP_TEST_UTIL_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/byte_source.h"
#include "http/http_server.h"

namespace invtrack::testing {

inline void InitCurlOnce() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK; }();
  ASSERT_TRUE(initialized);
}

// Starts a server on 127.0.0.1 with a free port; fails the test if it cannot.
inline std::unique_ptr<HttpServer> StartTestServer(HttpServerOptions options, HttpHandler handler) {
  options.host = "127.0.0.1";
  options.port = 0;
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

inline std::string LocalUrl(const HttpServer& server, std::string_view target) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(target);
}

// 64-bit FNV-1a: a cheap fingerprint to compare large bodies in tests.
inline uint64_t Fnv1a(uint64_t hash, const char* data, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}
constexpr uint64_t kFnvStart = 14695981039346656037ull;

// A deterministic body of any size, generated piece by piece.
class PatternSource {
 public:
  explicit PatternSource(uint64_t size) : left_(size) {}
  size_t Fill(char* out, size_t capacity) {
    size_t n = capacity < left_ ? capacity : static_cast<size_t>(left_);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((position_ + i) * 131 >> 3);
    position_ += n;
    left_ -= n;
    return n;
  }
  static uint64_t Fingerprint(uint64_t size) {
    PatternSource source(size);
    std::vector<char> buffer(1 << 16);
    uint64_t hash = kFnvStart;
    while (size_t n = source.Fill(buffer.data(), buffer.size()))
      hash = Fnv1a(hash, buffer.data(), n);
    return hash;
  }

 private:
  uint64_t left_;
  uint64_t position_ = 0;
};

struct CurlResponse {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string headers;  // the raw header block(s), lower-cased names not applied
  long new_connections = 0;
  curl_off_t uploaded = 0;
  double seconds = 0;
};

struct CurlRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when pattern_upload is not set
  // A generated upload instead of `body`: the PatternSource of this size.
  std::optional<uint64_t> pattern_upload;
  bool chunked_upload = false;  // no Content-Length; Transfer-Encoding: chunked
  long timeout_ms = 60'000;
};

// One curl easy handle: requests made through it reuse its connection.
class CurlClient {
 public:
  CurlClient() {
    InitCurlOnce();
    easy_ = curl_easy_init();
  }
  ~CurlClient() { curl_easy_cleanup(easy_); }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  CurlResponse Perform(const CurlRequest& request) {
    CurlResponse response;
    curl_easy_reset(easy_);
    curl_easy_setopt(easy_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlClient::OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlClient::OnBody);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, &response.headers);
    // A refused upload must not wait for curl's default 1 s: long enough
    // that a missing "100 Continue" shows as a slow request.
    curl_easy_setopt(easy_, CURLOPT_EXPECT_100_TIMEOUT_MS, 20'000L);

    curl_slist* headers = nullptr;
    for (const std::string& header : request.headers) {
      headers = curl_slist_append(headers, header.c_str());
    }
    std::optional<PatternSource> pattern;
    StringReader string_reader{request.body, 0};
    bool has_body = request.pattern_upload || !request.body.empty() || request.chunked_upload;
    if (request.method == "HEAD") {
      curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      curl_easy_setopt(easy_, CURLOPT_UPLOAD, 1L);
      if (request.pattern_upload) {
        pattern.emplace(*request.pattern_upload);
        curl_easy_setopt(easy_, CURLOPT_READFUNCTION, &CurlClient::OnPatternRead);
        curl_easy_setopt(easy_, CURLOPT_READDATA, &*pattern);
      } else {
        curl_easy_setopt(easy_, CURLOPT_READFUNCTION, &CurlClient::OnStringRead);
        curl_easy_setopt(easy_, CURLOPT_READDATA, &string_reader);
      }
      if (request.chunked_upload) {
        headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
      } else {
        curl_off_t size = request.pattern_upload ? static_cast<curl_off_t>(*request.pattern_upload)
                                                 : static_cast<curl_off_t>(request.body.size());
        curl_easy_setopt(easy_, CURLOPT_INFILESIZE_LARGE, size);
      }
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);

    response.code = curl_easy_perform(easy_);
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &response.new_connections);
    curl_easy_getinfo(easy_, CURLINFO_SIZE_UPLOAD_T, &response.uploaded);
    curl_easy_getinfo(easy_, CURLINFO_TOTAL_TIME, &response.seconds);
    curl_slist_free_all(headers);
    return response;
  }

  CurlResponse Get(const std::string& url) {
    CurlRequest request;
    request.url = url;
    return Perform(request);
  }

 private:
  struct StringReader {
    const std::string& data;
    size_t offset;
  };

  static size_t OnBody(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }
  static size_t OnPatternRead(char* out, size_t size, size_t count, void* source) {
    return static_cast<PatternSource*>(source)->Fill(out, size * count);
  }
  static size_t OnStringRead(char* out, size_t size, size_t count, void* state) {
    auto* reader = static_cast<StringReader*>(state);
    size_t n = std::min(size * count, reader->data.size() - reader->offset);
    reader->data.copy(out, n, reader->offset);
    reader->offset += n;
    return n;
  }

  CURL* easy_;
};

// A plain TCP connection to the server, for byte-exact requests.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until `needle` has arrived (returns true), the peer closed, or
  // `timeout` passed. Everything read is kept in received().
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos) {
      if (!ReadSome(deadline)) return false;
    }
    return true;
  }

  // Reads until the peer closes (true) or `timeout` passes (false).
  bool ReadUntilClosed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      if (!ReadSome(deadline) && !closed_) return false;
    }
    return true;
  }

  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  // One read; false on timeout, close or error (closed_ set on EOF/reset).
  bool ReadSome(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd entry{fd_, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left)) <= 0) return false;
    char buffer[64 * 1024];
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    received_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

// The value of header `name` in a raw response header block ("" if absent);
// names compare case-insensitively.
inline std::string HeaderValue(std::string_view block, std::string_view name) {
  size_t line_start = 0;
  while (line_start < block.size()) {
    size_t line_end = block.find("\r\n", line_start);
    if (line_end == std::string_view::npos) line_end = block.size();
    std::string_view line = block.substr(line_start, line_end - line_start);
    size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    line_start = line_end + 2;
  }
  return "";
}

// Reads a whole ByteSource, returning the byte count and fingerprint.
struct BodyDigest {
  Status status;
  uint64_t bytes = 0;
  uint64_t fingerprint = kFnvStart;
};
inline BodyDigest DigestBody(ByteSource& source, size_t buffer_size = 1 << 20) {
  BodyDigest digest;
  std::vector<char> buffer(buffer_size);
  for (;;) {
    Result<size_t> n = source.Read(buffer.data(), buffer.size());
    if (!n.ok()) {
      digest.status = n.status();
      return digest;
    }
    if (*n == 0) return digest;
    digest.bytes += *n;
    digest.fingerprint = Fnv1a(digest.fingerprint, buffer.data(), *n);
  }
}

}  // namespace invtrack::testing

#endif  // INVTRACK_HTTP_HTTP_TEST_UTIL_H_
