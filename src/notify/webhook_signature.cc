#include "notify/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace invtrack {

std::string WebhookSignature(std::string_view secret, int64_t timestamp_seconds,
                             std::string_view body) {
  std::string message = std::to_string(timestamp_seconds);
  message += '.';
  message.append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v1=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

bool VerifyWebhookSignature(std::string_view secret, int64_t timestamp_seconds,
                            std::string_view body, std::string_view signature) {
  std::string expected = WebhookSignature(secret, timestamp_seconds, body);
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

}  // namespace invtrack
