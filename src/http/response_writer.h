// ResponseWriter: sends a handler's HttpResponse on a connection. It adds
// the framing the server owns (Date, Server, Content-Length or chunked
// Transfer-Encoding, Connection) and sends the body as a string (one
// writev with the header), a file range (sendfile), or a stream of chunks.
// Thread-safety: used by the connection's thread only.
#ifndef INVTRACK_HTTP_RESPONSE_WRITER_H_
#define INVTRACK_HTTP_RESPONSE_WRITER_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "http/http_response.h"
#include "http/socket_stream.h"

namespace invtrack {

class ResponseWriter {
 public:
  ResponseWriter(SocketStream& stream, std::string server_name)
      : stream_(stream), server_name_(std::move(server_name)) {}

  // Sends `response` to a request of HTTP version `version` (10 or 11).
  // `head_request`: send the header only. `keep_alive`: the Connection
  // header's promise. A failed Status means the connection is unusable.
  Status Send(const HttpResponse& response, bool head_request, unsigned version, bool keep_alive);

 private:
  Status SendStream(const HttpResponse& response, bool chunked);

  SocketStream& stream_;
  std::string server_name_;
};

// Rejects a response that cannot be sent as is (a header name that is not
// a token, a value with CR, LF or NUL, a status outside 100..999): sending
// it could split the response or confuse the client.
Status ValidateResponse(const HttpResponse& response);

// True when the connection must close after `response`: the handler asked
// (close_connection or `Connection: close`), or a stream goes to an
// HTTP/1.0 client, which knows no chunked coding (the close ends the body).
bool ResponseClosesConnection(const HttpResponse& response, unsigned version, bool head_request);

// A short plain-text response for errors the server answers itself.
HttpResponse MakeErrorResponse(int status);

// The complete bytes of MakeErrorResponse(status) with Connection: close,
// for places that have no ResponseWriter (the accept loop's 503).
std::string FormatErrorResponse(int status, std::string_view server_name);

}  // namespace invtrack

#endif  // INVTRACK_HTTP_RESPONSE_WRITER_H_
