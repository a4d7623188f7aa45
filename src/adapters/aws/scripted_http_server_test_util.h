// ScriptedHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 for the client's
// unit tests. It records every request it reads (keep-alive connections,
// Content-Length bodies, `Expect: 100-continue`) and answers what the
// test's handler returns, or drops the connection, or stays silent. Raw
// sockets and just enough parsing for what AwsHttpClient sends; not for
// production use.
// Thread-safety: the handler runs on the server's connection threads; the
// accessors may be called from the test thread.
#ifndef INVTRACK_ADAPTERS_AWS_SCRIPTED_HTTP_SERVER_TEST_UTIL_H_
#define INVTRACK_ADAPTERS_AWS_SCRIPTED_HTTP_SERVER_TEST_UTIL_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "adapters/aws/http_headers.h"

namespace invtrack::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // as on the request line
  HttpHeaders headers;
  std::string body;
  int connection = 0;  // which accepted connection (0, 1, ...) carried it

  std::string path() const { return target.substr(0, target.find('?')); }
  std::string query() const {
    size_t mark = target.find('?');
    return mark == std::string::npos ? "" : target.substr(mark + 1);
  }
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop_connection = false;  // close without answering
  bool stay_silent = false;      // never answer (until the server stops)

  static ScriptedResponse WithStatus(int status, std::string body = "") {
    ScriptedResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
  static ScriptedResponse Drop() {
    ScriptedResponse response;
    response.drop_connection = true;
    return response;
  }
  static ScriptedResponse Silent() {
    ScriptedResponse response;
    response.stay_silent = true;
    return response;
  }
};

class ScriptedHttpServer {
 public:
  using Handler = std::function<ScriptedResponse(const RecordedRequest&)>;

  explicit ScriptedHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      std::abort();
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~ScriptedHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : connection_fds_) {
        if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
      }
    }
    for (std::thread& t : connection_threads_) t.join();
    ::close(listen_fd_);
  }

  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  int connections() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(connection_fds_.size());
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;  // shut down
      std::lock_guard<std::mutex> lock(mutex_);
      int index = static_cast<int>(connection_fds_.size());
      connection_fds_.push_back(fd);
      connection_threads_.emplace_back([this, fd, index] { Serve(fd, index); });
    }
  }

  // Reads until `buffer` holds `terminator`; false when the peer is gone.
  static bool ReadUntil(int fd, std::string& buffer, std::string_view terminator) {
    char chunk[65536];
    while (buffer.find(terminator) == std::string::npos) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }

  static bool SendAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void Serve(int fd, int index) {
    std::string buffer;
    while (true) {
      if (!ReadUntil(fd, buffer, "\r\n\r\n")) break;
      size_t head_end = buffer.find("\r\n\r\n");
      std::string head = buffer.substr(0, head_end);
      buffer.erase(0, head_end + 4);
      RecordedRequest request;
      request.connection = index;
      size_t line_end = head.find("\r\n");
      std::string request_line = head.substr(0, line_end);
      size_t space1 = request_line.find(' ');
      size_t space2 = request_line.rfind(' ');
      request.method = request_line.substr(0, space1);
      request.target = request_line.substr(space1 + 1, space2 - space1 - 1);
      size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
      while (at < head.size()) {
        size_t end = head.find("\r\n", at);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(at, end - at);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          size_t value_start = line.find_first_not_of(' ', colon + 1);
          request.headers.Add(line.substr(0, colon),
                              value_start == std::string::npos ? "" : line.substr(value_start));
        }
        at = end + 2;
      }
      uint64_t length = std::strtoull(
          std::string(request.headers.Find("Content-Length").value_or("0")).c_str(), nullptr, 10);
      if (length > 0 && request.headers.Find("Expect")) {
        if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
      }
      while (buffer.size() < length) {
        char chunk[65536];
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      if (buffer.size() < length) break;
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }
      ScriptedResponse response = handler_(request);
      if (response.drop_connection) break;
      if (response.stay_silent) {
        while (!stopping_) {
          pollfd p{fd, POLLIN, 0};
          char probe;
          if (::poll(&p, 1, 50) > 0 && ::recv(fd, &probe, 1, MSG_PEEK) <= 0) break;
        }
        break;
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Scripted\r\n";
      for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
      if (request.method != "HEAD" || response.body.empty()) {
        out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
      }
      out += "\r\n";
      if (request.method != "HEAD") out += response.body;
      if (!SendAll(fd, out)) break;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    connection_fds_[static_cast<size_t>(index)] = -1;  // a closed number may be reused
    ::close(fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<int> connection_fds_;
  std::vector<std::thread> connection_threads_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace invtrack::testing

#endif  // INVTRACK_ADAPTERS_AWS_SCRIPTED_HTTP_SERVER_TEST_UTIL_H_
