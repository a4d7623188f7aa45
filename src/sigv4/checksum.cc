#include "sigv4/checksum.h"

#include <cctype>
#include <cstdint>
#include <string>

#include <openssl/evp.h>
#include <zlib.h>

#include "sigv4/crc32c.h"
#include "sigv4/digest.h"

namespace invtrack {
namespace {

using sigv4_internal::Digest;
using sigv4_internal::DigestAlgorithm;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string BigEndian(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

class Crc32Checksum final : public Checksum {
 public:
  void Update(const char* data, size_t size) override {
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(data), size);
  }
  std::string FinishBase64() override { return Base64(BigEndian(static_cast<uint32_t>(crc_))); }
  std::string_view header_name() const override { return "x-amz-checksum-crc32"; }

 private:
  uLong crc_ = crc32_z(0, nullptr, 0);
};

class Crc32cChecksum final : public Checksum {
 public:
  void Update(const char* data, size_t size) override {
    crc_ = sigv4_internal::Crc32c(crc_, data, size);
  }
  std::string FinishBase64() override { return Base64(BigEndian(crc_)); }
  std::string_view header_name() const override { return "x-amz-checksum-crc32c"; }

 private:
  uint32_t crc_ = 0;
};

class DigestChecksum final : public Checksum {
 public:
  DigestChecksum(DigestAlgorithm algorithm, std::string_view header_name)
      : digest_(algorithm), header_name_(header_name) {}
  void Update(const char* data, size_t size) override { digest_.Update(data, size); }
  std::string FinishBase64() override { return Base64(digest_.Finish()); }
  std::string_view header_name() const override { return header_name_; }

 private:
  Digest digest_;
  std::string_view header_name_;
};

}  // namespace

std::unique_ptr<Checksum> Checksum::ForAlgorithm(std::string_view algorithm) {
  std::string name(algorithm);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "crc32") return std::make_unique<Crc32Checksum>();
  if (name == "crc32c") return std::make_unique<Crc32cChecksum>();
  if (name == "sha1") {
    return std::make_unique<DigestChecksum>(DigestAlgorithm::kSha1, "x-amz-checksum-sha1");
  }
  if (name == "sha256") {
    return std::make_unique<DigestChecksum>(DigestAlgorithm::kSha256, "x-amz-checksum-sha256");
  }
  return nullptr;
}

}  // namespace invtrack
