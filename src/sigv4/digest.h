// Thin RAII wrappers over OpenSSL for the hashes SigV4 needs: streaming
// SHA-1/SHA-256 (EVP) and one-shot HMAC-SHA256, plus lower-case hex.
// Internal to the sigv4 layer.
// Thread-safety: a Digest is used by one thread; the free functions are pure.
#ifndef INVTRACK_SIGV4_DIGEST_H_
#define INVTRACK_SIGV4_DIGEST_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace invtrack::sigv4_internal {

enum class DigestAlgorithm { kSha1, kSha256 };

// A streaming hash. Finish() returns the raw digest and starts over, so one
// object can hash chunk after chunk without reallocating its OpenSSL context.
class Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(const void* data, size_t size);
  std::string Finish();

 private:
  void Restart();

  void* ctx_;       // EVP_MD_CTX*, kept opaque to keep OpenSSL out of headers
  const void* md_;  // const EVP_MD*
};

// HMAC-SHA256 with one key over many messages (chunk after chunk of a
// streaming upload): the key is set up once, each Sign only re-initializes.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  std::string Sign(std::string_view data);  // raw 32 bytes

 private:
  void* ctx_;  // EVP_MAC_CTX*
};

std::string Sha256(std::string_view bytes);                           // raw 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HexEncode(std::string_view bytes);                        // lower-case
// True when `a` and `b` are equal, in time that depends only on their sizes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_DIGEST_H_
