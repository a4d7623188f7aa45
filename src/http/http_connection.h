// HttpConnection: serves the requests of one client connection in order
// (keep-alive), on the thread the server gave it: read a header, call the
// handler, send its response, decide whether the connection can carry
// another request. Errors the server answers itself: 400 (malformed), 408
// (header too slow), 431 (header too large), 500 (handler threw or returned
// an unsendable response).
// Thread-safety: one thread; `stopping` is read from it.
#ifndef INVTRACK_HTTP_HTTP_CONNECTION_H_
#define INVTRACK_HTTP_HTTP_CONNECTION_H_

#include <atomic>
#include <string>

#include "http/http_server.h"
#include "http/socket_stream.h"

namespace invtrack {

class HttpConnection {
 public:
  // All references must outlive Serve().
  HttpConnection(SocketStream& stream, std::string remote_address, const HttpServerOptions& options,
                 const HttpHandler& handler, const std::atomic<bool>& stopping)
      : stream_(stream),
        remote_address_(std::move(remote_address)),
        options_(options),
        handler_(handler),
        stopping_(stopping) {}

  // Returns when the client or the server ends the connection; the caller
  // closes the socket.
  void Serve();

 private:
  SocketStream& stream_;
  std::string remote_address_;
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
  const std::atomic<bool>& stopping_;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_HTTP_CONNECTION_H_
