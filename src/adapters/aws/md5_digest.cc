#include "adapters/aws/md5_digest.h"

#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "adapters/aws/outgoing_body.h"

namespace invtrack {

Md5Digest::Md5Digest() : context_(EVP_MD_CTX_new()) { Reset(); }

Md5Digest::~Md5Digest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Md5Digest::Reset() {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_md5(), nullptr);
}

void Md5Digest::Update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), bytes.data(), bytes.size());
}

std::array<uint8_t, 16> Md5Digest::Finish() {
  std::array<uint8_t, 16> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest.data(), &length);
  Reset();
  return digest;
}

std::string Md5Digest::Base64(const std::array<uint8_t, 16>& digest) {
  unsigned char out[32] = {0};
  int n = EVP_EncodeBlock(out, digest.data(), static_cast<int>(digest.size()));
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

std::string Md5Digest::Hex(const std::array<uint8_t, 16>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (uint8_t byte : digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

Result<std::string> FileContentMd5(const std::filesystem::path& path) {
  Result<std::unique_ptr<FileOutgoingBody>> file = FileOutgoingBody::Open(path);
  if (!file.ok()) return file.status();
  Md5Digest md5;
  std::vector<char> buffer(1 << 20);
  while (true) {
    Result<size_t> n = (*file)->Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    md5.Update(std::string_view(buffer.data(), *n));
  }
  return Md5Digest::Base64(md5.Finish());
}

}  // namespace invtrack
