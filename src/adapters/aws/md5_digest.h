// Md5Digest: the MD5 of a byte stream, for S3's Content-MD5 header (base64)
// and for comparing with a simple object's ETag (hex). MD5 is what S3 uses
// there; it guards against corruption in transit, not against an attacker.
// Thread-safety: one instance per stream.
#ifndef INVTRACK_ADAPTERS_AWS_MD5_DIGEST_H_
#define INVTRACK_ADAPTERS_AWS_MD5_DIGEST_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

class Md5Digest {
 public:
  Md5Digest();
  ~Md5Digest();
  Md5Digest(const Md5Digest&) = delete;
  Md5Digest& operator=(const Md5Digest&) = delete;

  void Update(std::string_view bytes);
  // Starts over, as if nothing had been added.
  void Reset();
  // The digest of everything added; the object is reset afterwards.
  std::array<uint8_t, 16> Finish();

  static std::string Base64(const std::array<uint8_t, 16>& digest);
  static std::string Hex(const std::array<uint8_t, 16>& digest);

 private:
  void* context_;  // EVP_MD_CTX*
};

// Base64 MD5 of a whole file (one pass over it), for Content-MD5.
Result<std::string> FileContentMd5(const std::filesystem::path& path);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_MD5_DIGEST_H_
