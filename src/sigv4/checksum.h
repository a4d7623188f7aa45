// Checksum: the flexible checksums newer AWS SDKs send with a body
// (x-amz-checksum-crc32, -crc32c, -sha1, -sha256; values are base64 of the
// big-endian digest).
// Thread-safety: one instance per stream.
#ifndef INVTRACK_SIGV4_CHECKSUM_H_
#define INVTRACK_SIGV4_CHECKSUM_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace invtrack {

class Checksum {
 public:
  virtual ~Checksum() = default;
  // `algorithm` is "crc32", "crc32c", "sha1" or "sha256" (any case); null
  // for anything else.
  static std::unique_ptr<Checksum> ForAlgorithm(std::string_view algorithm);

  virtual void Update(const char* data, size_t size) = 0;
  virtual std::string FinishBase64() = 0;            // call once
  virtual std::string_view header_name() const = 0;  // "x-amz-checksum-crc32", ...
};

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_CHECKSUM_H_
