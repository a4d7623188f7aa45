#include "http/http_server.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_connection.h"
#include "http/response_writer.h"
#include "http/socket_stream.h"

namespace invtrack {
namespace {

// sendfile(2) has no MSG_NOSIGNAL: a client that went away would kill the
// process with SIGPIPE. Server threads block it; the write then fails with
// EPIPE, and the pending thread-directed signal dies with the thread.
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string AddressText(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text,
                sizeof(text));
  } else if (address.ss_family == AF_INET6) {
    const in6_addr& ip = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&ip)) {  // an IPv4 client of a dual-stack socket: "1.2.3.4"
      ::inet_ntop(AF_INET, &ip.s6_addr[12], text, sizeof(text));
    } else {
      ::inet_ntop(AF_INET6, &ip, text, sizeof(text));
    }
  }
  return text;
}

// Binds and listens on host:port; returns the socket.
Result<int> Listen(const HttpServerOptions& options) {
  // "localhost" means the IPv4 loopback: every client tries it, and one
  // address keeps the server on one socket.
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options.port);
  if (int error = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0) {
    return Status::InvalidArgument("HTTP server: not an IP address: " + options.host,
                                   ::gai_strerror(error));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, ::freeaddrinfo);
  int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status::IOError("HTTP server: socket", std::strerror(errno));
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    int error = errno;
    ::close(fd);
    return Status::IOError("HTTP server: cannot listen on " + options.host + ":" + port,
                           std::strerror(error));
  }
  return fd;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler handler, int listen_fd, int wake_read_fd,
       int wake_write_fd)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        listen_fd_(listen_fd),
        wake_read_fd_(wake_read_fd),
        wake_write_fd_(wake_write_fd),
        port_(BoundPort(listen_fd)) {}

  ~Impl() { Stop(); }

  void StartAccepting() {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  uint16_t port() const { return port_; }
  void Stop();

 private:
  // One client connection and its thread. `fd` is -1 once the thread no
  // longer owns an open socket, so Stop never shuts down a reused fd.
  struct Connection {
    int fd = -1;
    bool finished = false;
    std::thread thread;
  };

  void AcceptLoop();
  void Accept();
  void ServeConnection(Connection* connection, int fd, std::string remote_address);
  void RejectBusy(int fd);
  void JoinFinished();

  const HttpServerOptions options_;
  const HttpHandler handler_;
  const int listen_fd_;
  const int wake_read_fd_;
  const int wake_write_fd_;
  const uint16_t port_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::thread accept_thread_;

  std::mutex mutex_;
  std::list<Connection> connections_;  // guarded by mutex_; nodes never move
  size_t active_connections_ = 0;      // guarded by mutex_
};

void HttpServer::Impl::AcceptLoop() {
  BlockSigpipe();
  while (!stopping_.load()) {
    pollfd waits[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(waits, 2, -1) < 0) continue;  // EINTR
    if (waits[1].revents != 0) return;       // Stop
    if (waits[0].revents != 0) Accept();
  }
}

void HttpServer::Impl::Accept() {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length,
                     SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) {
    // Out of descriptors: the pending connection stays queued and poll
    // would report it at once; pause instead of spinning.
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return;
  }
  // Responses go out as soon as they are written; Nagle with delayed ACKs
  // would hold each small response back by up to 40 ms.
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  JoinFinished();

  std::lock_guard lock(mutex_);
  if (active_connections_ >= options_.max_connections) {
    RejectBusy(fd);
    return;
  }
  Connection& connection = connections_.emplace_back();
  connection.fd = fd;
  try {
    connection.thread =
        std::thread(&Impl::ServeConnection, this, &connection, fd, AddressText(address));
    ++active_connections_;
  } catch (const std::system_error&) {  // no thread to be had: like being full
    connections_.pop_back();
    RejectBusy(fd);
  }
}

void HttpServer::Impl::RejectBusy(int fd) {
  // Best effort and never blocking: the accept thread must not wait on a
  // client. The response fits in an empty socket buffer.
  std::string busy = FormatErrorResponse(503, options_.server_name);
  ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  char sink[4096];
  while (::recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
  }
  ::close(fd);
}

void HttpServer::Impl::ServeConnection(Connection* connection, int fd, std::string remote_address) {
  BlockSigpipe();
  {
    SocketStream stream(fd, options_.write_timeout);
    HttpConnection(stream, std::move(remote_address), options_, handler_, stopping_).Serve();
    std::lock_guard lock(mutex_);
    connection->fd = -1;  // before the stream closes it
  }
  std::lock_guard lock(mutex_);
  connection->finished = true;
  --active_connections_;
}

void HttpServer::Impl::JoinFinished() {
  std::list<Connection> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->finished) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& connection : finished) connection.thread.join();
}

void HttpServer::Impl::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true);
  char wake = 1;
  [[maybe_unused]] ssize_t ignored = ::write(wake_write_fd_, &wake, 1);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  std::list<Connection> all;
  {
    std::lock_guard lock(mutex_);
    // Wakes every wait on a client; handlers finish, their I/O fails fast.
    for (Connection& connection : connections_) {
      if (connection.fd >= 0) ::shutdown(connection.fd, SHUT_RDWR);
    }
    all.splice(all.end(), connections_);
  }
  for (Connection& connection : all) connection.thread.join();
  ::close(wake_read_fd_);
  ::close(wake_write_fd_);
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler) {
  if (!handler) return Status::InvalidArgument("HTTP server: no handler");
  if (options.max_connections == 0) {
    return Status::InvalidArgument("HTTP server: max_connections must be at least 1");
  }
  Result<int> listen_fd = Listen(options);
  if (!listen_fd.ok()) return listen_fd.status();
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    int error = errno;
    ::close(*listen_fd);
    return Status::IOError("HTTP server: pipe", std::strerror(error));
  }
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(handler), *listen_fd, wake[0], wake[1]);
  impl->StartAccepting();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace invtrack
