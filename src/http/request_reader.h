// RequestReader: parses requests off one connection with Boost.Beast's
// parser (the only translation unit that compiles Beast's parser). It reads
// a request's header, then leaves the body to RequestBody: bytes that came
// in with the header are handed over from the read buffer, and chunked
// bodies are decoded by Beast. The read buffer lives as long as the
// connection, so pipelined requests are not lost.
// Thread-safety: used by the connection's thread only.
#ifndef INVTRACK_HTTP_REQUEST_READER_H_
#define INVTRACK_HTTP_REQUEST_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/socket_stream.h"

namespace invtrack {

// A parsed request header.
struct RequestHead {
  std::string method;
  std::string target;
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint64_t> content_length;  // nullopt when chunked
  bool chunked = false;
  bool keep_alive = true;        // what the client asked for (version and Connection)
  bool expect_continue = false;  // `Expect: 100-continue`, in any letter case
};

enum class HeadReadOutcome {
  kOk,
  kClosed,     // the client closed (or the socket failed) before a request
  kTimedOut,   // the header did not arrive in time
  kTooLarge,   // the header is larger than allowed
  kMalformed,  // not HTTP
};

class RequestReader {
 public:
  RequestReader(SocketStream& stream, size_t max_header_bytes);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // True when bytes of a next request are already buffered (pipelining).
  bool HasBufferedBytes() const;

  // Reads and parses the next request header into `head`.
  HeadReadOutcome ReadHead(RequestHead& head);

  // Moves up to `size` buffered bytes that followed the header into `out`
  // (the start of a body with Content-Length).
  size_t TakeBuffered(char* out, size_t size);

  // Reads decoded bytes of the current chunked body. 0 bytes without an
  // error: the body (and its trailer) is complete. EBADMSG: bad chunking;
  // ECONNABORTED: the client closed before the end.
  IoResult ReadChunkedBody(char* out, size_t size);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_REQUEST_READER_H_
