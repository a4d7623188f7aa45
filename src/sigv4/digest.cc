#include "sigv4/digest.h"

#include <cstdlib>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace invtrack::sigv4_internal {
namespace {

// Algorithms are fetched once: in OpenSSL 3 the EVP_sha256() shortcut makes
// every init look the implementation up again, which shows per chunk.
const EVP_MD* FetchedMd(DigestAlgorithm algorithm) {
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = algorithm == DigestAlgorithm::kSha1 ? sha1 : sha256;
  // Without SHA-256 no signature can be checked; failing loudly beats
  // accepting requests.
  if (md == nullptr) std::abort();
  return md;
}

EVP_MAC* FetchedHmac() {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) std::abort();
  return hmac;
}

EVP_MD_CTX* MdCtx(void* ctx) { return static_cast<EVP_MD_CTX*>(ctx); }
EVP_MAC_CTX* MacCtx(void* ctx) { return static_cast<EVP_MAC_CTX*>(ctx); }

void Check(int openssl_result) {
  if (openssl_result != 1) std::abort();
}

}  // namespace

Digest::Digest(DigestAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()), md_(FetchedMd(algorithm)) {
  if (ctx_ == nullptr) std::abort();
  Restart();
}

Digest::~Digest() { EVP_MD_CTX_free(MdCtx(ctx_)); }

void Digest::Restart() {
  Check(EVP_DigestInit_ex2(MdCtx(ctx_), static_cast<const EVP_MD*>(md_), nullptr));
}

void Digest::Update(const void* data, size_t size) {
  if (size == 0) return;
  Check(EVP_DigestUpdate(MdCtx(ctx_), data, size));
}

std::string Digest::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Check(EVP_DigestFinal_ex(MdCtx(ctx_), out, &size));
  Restart();
  return std::string(reinterpret_cast<const char*>(out), size);
}

HmacSha256Key::HmacSha256Key(std::string_view key) : ctx_(EVP_MAC_CTX_new(FetchedHmac())) {
  if (ctx_ == nullptr) std::abort();
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  Check(EVP_MAC_init(MacCtx(ctx_), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     params));
}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(MacCtx(ctx_)); }

std::string HmacSha256Key::Sign(std::string_view data) {
  // A null key re-initializes with the key given at construction.
  Check(EVP_MAC_init(MacCtx(ctx_), nullptr, 0, nullptr));
  Check(EVP_MAC_update(MacCtx(ctx_), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()));
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t size = 0;
  Check(EVP_MAC_final(MacCtx(ctx_), out, &size, sizeof(out)));
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string Sha256(std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Check(EVP_Digest(bytes.data(), bytes.size(), out, &size, FetchedMd(DigestAlgorithm::kSha256),
                   nullptr));
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256Key(key).Sign(data);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    hex[2 * i] = kDigits[byte >> 4];
    hex[2 * i + 1] = kDigits[byte & 0xF];
  }
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace invtrack::sigv4_internal
