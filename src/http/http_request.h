// HttpRequest: one request as the server received it. The header is parsed
// (by Boost.Beast); the body is not read until the handler reads it, so a
// handler can refuse a request before the client sends its body
// (`Expect: 100-continue` is answered on the first read of body()), and a
// 1 GiB upload streams through in bounded memory.
// Thread-safety: used by the one thread that handles the request.
#ifndef INVTRACK_HTTP_HTTP_REQUEST_H_
#define INVTRACK_HTTP_HTTP_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/byte_source.h"

namespace invtrack {

class HttpRequest {
 public:
  virtual ~HttpRequest() = default;

  virtual std::string_view method() const = 0;  // as sent, e.g. "PUT"
  virtual std::string_view target() const = 0;  // raw request target
  std::string_view path() const;                // target before '?', still percent-encoded
  std::string_view query() const;               // target after '?', raw; empty if none

  // Header fields in arrival order, names as sent.
  virtual const std::vector<std::pair<std::string, std::string>>& headers() const = 0;
  // First value of header `name`, compared case-insensitively.
  std::optional<std::string_view> Header(std::string_view name) const;

  virtual std::string_view remote_address() const = 0;  // "127.0.0.1" or "::1"

  // Declared body size; nullopt for a chunked body.
  virtual std::optional<uint64_t> content_length() const = 0;
  // The request body, decoded from HTTP chunked transfer coding if needed.
  // Read failures: the client went away, was silent longer than the read
  // timeout, or sent malformed chunking.
  virtual ByteSource& body() = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_HTTP_REQUEST_H_
