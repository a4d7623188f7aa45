// HttpServer: an HTTP/1.1 server for the S3 endpoint and the dashboard,
// built on Boost.Beast's parser and serializer over plain blocking sockets,
// one thread per connection (bounded by max_connections). Handlers may
// block (disk, SQLite); timeouts bound every wait on a client, so a slow or
// silent client cannot hold a thread forever.
//
// Per request: the header must arrive within header_timeout and fit in
// max_header_bytes (else 408 / 431 and the connection closes); while the
// body is read, each wait for data is bounded by read_timeout; an idle
// keep-alive connection is closed after keep_alive_timeout. If a handler
// answers without reading the whole body, the connection is closed after
// the response (the rest of the body is not drained).
// Thread-safety: Start/Stop from one thread; the handler is called from
// many threads at once.
#ifndef INVTRACK_HTTP_HTTP_SERVER_H_
#define INVTRACK_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/http_request.h"
#include "http/http_response.h"

namespace invtrack {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal, or "localhost"
  uint16_t port = 0;               // 0: pick a free port (see HttpServer::port())
  size_t max_connections = 512;    // further connections get 503 and are closed
  size_t max_header_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds keep_alive_timeout{60'000};
  std::string server_name = "invtrack";
};

using HttpHandler = std::function<HttpResponse(HttpRequest& request)>;

class HttpServer {
 public:
  // Binds and listens, then serves on background threads. Fails (e.g.
  // address in use) without starting anything.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;  // the bound port

  // Stops accepting, shuts down open connections (their handlers finish,
  // their clients see the connection close) and waits for every thread.
  void Stop();

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_HTTP_SERVER_H_
