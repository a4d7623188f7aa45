// ObjectRange: the byte range a GET asks for with `Range: bytes=...`.
// Thread-safety: pure functions.
#ifndef INVTRACK_S3_OBJECT_RANGE_H_
#define INVTRACK_S3_OBJECT_RANGE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace invtrack {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

struct UnsatisfiableRange {};

// A single range "bytes=a-b", "bytes=a-" or "bytes=-n" of an object of
// `size` bytes. Like S3: a header that is not a single well-formed byte
// range is ignored (nullopt: send the whole object); a well-formed range
// that starts at or beyond the end is unsatisfiable (416).
std::variant<std::nullopt_t, ByteRange, UnsatisfiableRange> ParseRange(std::string_view header,
                                                                       uint64_t size);

}  // namespace invtrack

#endif  // INVTRACK_S3_OBJECT_RANGE_H_
