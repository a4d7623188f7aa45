// Flexible checksums: the standard check values, both CRC-32C
// implementations, and streaming in pieces.
#include "sigv4/checksum.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "sigv4/crc32c.h"

namespace invtrack {
namespace {

std::string Of(std::string_view algorithm, std::string_view data) {
  std::unique_ptr<Checksum> checksum = Checksum::ForAlgorithm(algorithm);
  if (!checksum) return "(unsupported)";
  checksum->Update(data.data(), data.size());
  return checksum->FinishBase64();
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

TEST(ChecksumTest, CheckValuesOf123456789) {
  // CRC-32 0xCBF43926 and CRC-32C 0xE3069283, big-endian, base64.
  EXPECT_EQ(Of("crc32", "123456789"), "y/Q5Jg==");
  EXPECT_EQ(Of("crc32c", "123456789"), "4waSgw==");
  EXPECT_EQ(Of("sha1", "123456789"), "98O8HYCOBHMq32eZZczDTKeuNEE=");
  EXPECT_EQ(Of("sha256", "123456789"), "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
}

TEST(ChecksumTest, EmptyInput) {
  EXPECT_EQ(Of("crc32", ""), "AAAAAA==");
  EXPECT_EQ(Of("crc32c", ""), "AAAAAA==");
  EXPECT_EQ(Of("sha256", ""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(ChecksumTest, AlgorithmNamesAndHeaders) {
  EXPECT_EQ(Checksum::ForAlgorithm("CRC32")->header_name(), "x-amz-checksum-crc32");
  EXPECT_EQ(Checksum::ForAlgorithm("Crc32C")->header_name(), "x-amz-checksum-crc32c");
  EXPECT_EQ(Checksum::ForAlgorithm("SHA1")->header_name(), "x-amz-checksum-sha1");
  EXPECT_EQ(Checksum::ForAlgorithm("sha256")->header_name(), "x-amz-checksum-sha256");
  EXPECT_EQ(Checksum::ForAlgorithm("md5"), nullptr);
  EXPECT_EQ(Checksum::ForAlgorithm("crc64nvme"), nullptr);
  EXPECT_EQ(Checksum::ForAlgorithm(""), nullptr);
}

TEST(ChecksumTest, PiecesGiveTheSameValueAsOneUpdate) {
  const std::string data = RandomBytes(100003, 7);
  for (const char* algorithm : {"crc32", "crc32c", "sha1", "sha256"}) {
    std::unique_ptr<Checksum> checksum = Checksum::ForAlgorithm(algorithm);
    for (size_t offset = 0, piece = 1; offset < data.size();
         offset += piece, piece = piece * 3 + 1) {
      size_t size = std::min(piece, data.size() - offset);
      checksum->Update(data.data() + offset, size);
    }
    EXPECT_EQ(checksum->FinishBase64(), Of(algorithm, data)) << algorithm;
  }
}

TEST(Crc32cTest, PortableAndHardwareAgree) {
  using sigv4_internal::Crc32cPortable;
  EXPECT_EQ(Crc32cPortable(0, "123456789", 9), 0xE3069283u);
  // RFC 3720 B.4: 32 bytes of zeros and of 0xFF.
  EXPECT_EQ(Crc32cPortable(0, std::string(32, '\0').data(), 32), 0x8A9136AAu);
  EXPECT_EQ(Crc32cPortable(0, std::string(32, '\xFF').data(), 32), 0x62A8AB43u);
  if (!sigv4_internal::Crc32cHardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  const std::string data = RandomBytes(4099, 11);
  for (size_t start = 0; start < 9; ++start) {  // every alignment
    for (size_t size : {0, 1, 7, 8, 9, 63, 64, 65, 4000}) {
      EXPECT_EQ(sigv4_internal::Crc32cHardware(0, data.data() + start, size),
                Crc32cPortable(0, data.data() + start, size))
          << start << "+" << size;
    }
  }
  uint32_t chained = sigv4_internal::Crc32cHardware(0, data.data(), 1000);
  chained = sigv4_internal::Crc32cHardware(chained, data.data() + 1000, data.size() - 1000);
  EXPECT_EQ(chained, Crc32cPortable(0, data.data(), data.size()));
  EXPECT_EQ(sigv4_internal::Crc32c(0, "123456789", 9), 0xE3069283u);
}

}  // namespace
}  // namespace invtrack
