// ByteSource: a forward-only stream of bytes (a file, an object body, a
// string in tests). The CSV reader pulls from one, so a 1 GiB upload is
// never held in memory.
// Thread-safety: not thread-safe; one reader at a time.
#ifndef INVTRACK_CORE_BYTE_SOURCE_H_
#define INVTRACK_CORE_BYTE_SOURCE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  virtual ~ByteSource() = default;

  // Copies up to `capacity` bytes into `buffer`. Returns the number copied;
  // 0 means the end of the stream. On failure nothing more can be read.
  virtual Result<size_t> Read(char* buffer, size_t capacity) = 0;
};

// A ByteSource over bytes owned elsewhere; they must outlive the source.
class StringByteSource final : public ByteSource {
 public:
  explicit StringByteSource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n = bytes_.size() - offset_ < capacity ? bytes_.size() - offset_ : capacity;
    bytes_.copy(buffer, n, offset_);
    offset_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_BYTE_SOURCE_H_
