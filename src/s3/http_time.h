// The two time formats of the S3 protocol: RFC 1123 dates in HTTP headers
// (Last-Modified, If-Modified-Since) and ISO 8601 with milliseconds in XML
// bodies.
// Thread-safety: pure functions.
#ifndef INVTRACK_S3_HTTP_TIME_H_
#define INVTRACK_S3_HTTP_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

// "Wed, 25 Nov 2026 19:08:22 GMT" (seconds; milliseconds are dropped).
std::string FormatHttpDate(int64_t unix_ms);
// Accepts RFC 1123 (the only form clients send here); nullopt otherwise.
std::optional<int64_t> ParseHttpDate(std::string_view text);  // unix seconds

}  // namespace invtrack

#endif  // INVTRACK_S3_HTTP_TIME_H_
