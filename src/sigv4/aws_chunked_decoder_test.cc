// AwsChunkedDecoder against AWS's documented signed chunked upload (66560
// bytes of 'a' in chunks of 65536 and 1024, seed signature 4f232c43...),
// and bodies built here for the trailer forms and for every way a body can
// be broken.
#include "sigv4/aws_chunked_decoder.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <time.h>

#include "sigv4/checksum.h"
#include "sigv4/digest.h"
#include "sigv4/verifier.h"
#include "test_util.h"

namespace invtrack {
namespace {

using sigv4_internal::HexEncode;
using sigv4_internal::HmacSha256;
using sigv4_internal::Sha256;

constexpr char kSeedSignature[] =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kChunk1Signature[] =
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kChunk2Signature[] =
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kFinalSignature[] =
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
constexpr char kAmzDate[] = "20130524T000000Z";
constexpr char kScope[] = "20130524/us-east-1/s3/aws4_request";

std::string SigningKey() {
  return DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1",
                          "s3");
}

// Writes aws-chunked bodies; signs them the way the AWS documentation
// describes, independently of the decoder's code.
class ChunkedEncoder {
 public:
  explicit ChunkedEncoder(bool sign) : sign_(sign), previous_(kSeedSignature) {}

  std::string Chunk(std::string_view data) {
    char size[32];
    std::snprintf(size, sizeof(size), "%zx", data.size());
    std::string out = size;
    if (sign_) out += ";chunk-signature=" + SignChunk(data);
    out += "\r\n";
    out.append(data);
    if (!data.empty()) out += "\r\n";
    return out;
  }
  std::string SignChunk(std::string_view data) {
    std::string string_to_sign = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + kAmzDate + "\n" +
                                 kScope + "\n" + previous_ + "\n" + HexEncode(Sha256("")) + "\n" +
                                 HexEncode(Sha256(data));
    previous_ = HexEncode(HmacSha256(SigningKey(), string_to_sign));
    return previous_;
  }
  // The trailer section after the final chunk.
  std::string Trailer(std::string_view name, std::string_view value) {
    std::string canonical = std::string(name) + ":" + std::string(value) + "\n";
    std::string out = std::string(name) + ":" + std::string(value) + "\r\n";
    if (sign_) {
      std::string string_to_sign = std::string("AWS4-HMAC-SHA256-TRAILER\n") + kAmzDate + "\n" +
                                   kScope + "\n" + previous_ + "\n" + HexEncode(Sha256(canonical));
      out +=
          "x-amz-trailer-signature:" + HexEncode(HmacSha256(SigningKey(), string_to_sign)) + "\r\n";
    }
    return out + "\r\n";
  }
  // A whole body: `data` in chunks of `chunk_size`, the final chunk, and
  // either a trailer or the closing empty line.
  std::string Body(std::string_view data, size_t chunk_size, std::string_view trailer_name = {},
                   std::string_view trailer_value = {}) {
    std::string out;
    for (size_t offset = 0; offset < data.size(); offset += chunk_size) {
      out += Chunk(data.substr(offset, chunk_size));
    }
    out += Chunk("");
    return out +
           (trailer_name.empty() ? std::string("\r\n") : Trailer(trailer_name, trailer_value));
  }

 private:
  bool sign_;
  std::string previous_;
};

// Hands out at most `piece` bytes per Read, like a socket.
class TricklingSource final : public ByteSource {
 public:
  TricklingSource(std::string_view bytes, size_t piece) : bytes_(bytes), piece_(piece) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    return inner_.Read(buffer, std::min(capacity, piece_));
  }

 private:
  std::string_view bytes_;
  size_t piece_;
  StringByteSource inner_{bytes_};
};

class BrokenSource final : public ByteSource {
 public:
  Result<size_t> Read(char*, size_t) override { return Status::IOError("connection reset"); }
};

AwsChunkedOptions SignedOptions(uint64_t decoded_length) {
  AwsChunkedOptions options;
  options.decoded_length = decoded_length;
  options.seed_signature = kSeedSignature;
  options.signing_key = SigningKey();
  options.amz_date = kAmzDate;
  options.scope = kScope;
  return options;
}

AwsChunkedOptions UnsignedTrailerOptions(uint64_t decoded_length, std::string trailer) {
  AwsChunkedOptions options;
  options.signed_chunks = false;
  options.has_trailer = true;
  options.trailer_header = std::move(trailer);
  options.decoded_length = decoded_length;
  return options;
}

Result<std::string> DecodeAll(AwsChunkedDecoder& decoder, size_t read_size = 1 << 16) {
  std::string out;
  std::vector<char> buffer(read_size);
  while (true) {
    Result<size_t> n = decoder.Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::string AwsExampleBody() {
  return "10000;chunk-signature=" + std::string(kChunk1Signature) + "\r\n" +
         std::string(65536, 'a') + "\r\n" + "400;chunk-signature=" + kChunk2Signature + "\r\n" +
         std::string(1024, 'a') + "\r\n" + "0;chunk-signature=" + kFinalSignature + "\r\n\r\n";
}

// Decodes `body` and expects the client error `code` whose message names
// `needle`.
void ExpectRefused(std::string_view body, const AwsChunkedOptions& options, int http_status,
                   std::string_view code, std::string_view needle) {
  StringByteSource wire(body);
  AwsChunkedDecoder decoder(&wire, options);
  Result<std::string> decoded = DecodeAll(decoder);
  ASSERT_FALSE(decoded.ok()) << "decoded " << decoded->size() << " bytes";
  ASSERT_TRUE(decoder.failure().has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoder.failure()->http_status, http_status) << decoder.failure()->message;
  EXPECT_EQ(decoder.failure()->code, code) << decoder.failure()->message;
  EXPECT_NE(decoder.failure()->message.find(needle), std::string::npos)
      << "\"" << decoder.failure()->message << "\" does not mention \"" << needle << "\"";
  EXPECT_EQ(decoder.failure()->message, decoded.status().message());
  // The failure sticks.
  char byte;
  EXPECT_FALSE(decoder.Read(&byte, 1).ok());
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

std::string ChecksumOf(std::string_view algorithm, std::string_view data) {
  std::unique_ptr<Checksum> checksum = Checksum::ForAlgorithm(algorithm);
  checksum->Update(data.data(), data.size());
  return checksum->FinishBase64();
}

TEST(AwsChunkedDecoderTest, EncoderReproducesTheDocumentedChunkSignatures) {
  ChunkedEncoder encoder(true);
  EXPECT_EQ(encoder.SignChunk(std::string(65536, 'a')), kChunk1Signature);
  EXPECT_EQ(encoder.SignChunk(std::string(1024, 'a')), kChunk2Signature);
  EXPECT_EQ(encoder.SignChunk(""), kFinalSignature);
  EXPECT_EQ(ChunkedEncoder(true).Body(std::string(66560, 'a'), 65536), AwsExampleBody());
}

TEST(AwsChunkedDecoderTest, DecodesTheAwsExampleWithAnyReadAndWirePieceSize) {
  const std::string body = AwsExampleBody();
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    for (size_t read_size : {size_t{1}, size_t{100}, size_t{65536}, size_t{1} << 20}) {
      if (piece == 1 && read_size == 1) continue;  // slow and adds nothing
      SCOPED_TRACE(std::to_string(piece) + "/" + std::to_string(read_size));
      TricklingSource wire(body, piece);
      AwsChunkedDecoder decoder(&wire, SignedOptions(66560));
      Result<std::string> decoded = DecodeAll(decoder, read_size);
      ASSERT_OK(decoded);
      EXPECT_EQ(*decoded, std::string(66560, 'a'));
      EXPECT_FALSE(decoder.failure().has_value());
      char byte;
      EXPECT_EQ(*decoder.Read(&byte, 1), 0u);  // stays at the end
    }
  }
}

TEST(AwsChunkedDecoderTest, TamperedChunkDataIsRefused) {
  std::string body = AwsExampleBody();
  const size_t second_chunk_data = body.find("\r\n", body.find("400;")) + 2;
  body[second_chunk_data + 100] = 'b';
  ExpectRefused(body, SignedOptions(66560), 403, "SignatureDoesNotMatch", "chunk 2");
}

TEST(AwsChunkedDecoderTest, TamperedSignaturesAreRefused) {
  std::string body = AwsExampleBody();
  body[body.find(kChunk1Signature) + 63] = '0';
  ExpectRefused(body, SignedOptions(66560), 403, "SignatureDoesNotMatch", "chunk 1");

  body = AwsExampleBody();
  body[body.find(kFinalSignature)] = 'c';
  ExpectRefused(body, SignedOptions(66560), 403, "SignatureDoesNotMatch", "chunk 3");

  AwsChunkedOptions wrong_seed = SignedOptions(66560);
  wrong_seed.seed_signature[0] = '5';
  ExpectRefused(AwsExampleBody(), wrong_seed, 403, "SignatureDoesNotMatch", "chunk 1");
}

TEST(AwsChunkedDecoderTest, ChunkWithoutSignatureIsRefusedInSignedForm) {
  ExpectRefused("400\r\n" + std::string(1024, 'a') + "\r\n", SignedOptions(1024), 400,
                "InvalidRequest", "lacks chunk-signature");
}

TEST(AwsChunkedDecoderTest, TruncatedBodiesAreIncomplete) {
  const std::string body = AwsExampleBody();
  for (size_t cut : {size_t{0}, size_t{5}, size_t{90}, size_t{1000}, body.find("400;"),
                     body.find("400;") + 10, body.size() - 80, body.size() - 3}) {
    SCOPED_TRACE(cut);
    ExpectRefused(std::string_view(body).substr(0, cut), SignedOptions(66560), 400,
                  "IncompleteBody", "ended before its final chunk");
  }
}

TEST(AwsChunkedDecoderTest, MissingClosingLineIsTolerated) {
  // Some clients omit the empty line after the final chunk; everything that
  // is signed has been checked by then.
  const std::string body = AwsExampleBody();
  StringByteSource wire(std::string_view(body).substr(0, body.size() - 2));
  AwsChunkedDecoder decoder(&wire, SignedOptions(66560));
  ASSERT_OK(DecodeAll(decoder));
}

TEST(AwsChunkedDecoderTest, BadChunkSizeLines) {
  const std::string signature = ";chunk-signature=" + std::string(kChunk1Signature);
  for (const std::string& line : {"zz" + signature, signature, "-1" + signature,
                                  "10000000000000000" + signature, "10 000" + signature}) {
    SCOPED_TRACE(line);
    ExpectRefused(line + "\r\n", SignedOptions(66560), 400, "InvalidRequest",
                  "bad chunk size line");
  }
  ExpectRefused("10000;chunk-signature=" + std::string(kChunk1Signature) + "\n",
                SignedOptions(66560), 400, "InvalidRequest", "CRLF");
}

TEST(AwsChunkedDecoderTest, OversizeChunkHeaderIsRefusedWithoutReadingOn) {
  std::string body = "10000;chunk-signature=" + std::string(5000, 'a');
  ExpectRefused(body + "\r\n" + std::string(65536, 'a'), SignedOptions(66560), 400,
                "InvalidRequest", "longer than 4096 bytes");
  // The same without any line end at all.
  ExpectRefused(std::string(1 << 20, '1'), SignedOptions(66560), 400, "InvalidRequest",
                "longer than 4096 bytes");
}

TEST(AwsChunkedDecoderTest, DecodedLengthMustMatch) {
  ExpectRefused(AwsExampleBody(), SignedOptions(66561), 400, "IncompleteBody",
                "less than x-amz-decoded-content-length");
  ExpectRefused(AwsExampleBody(), SignedOptions(66559), 400, "InvalidRequest",
                "more than x-amz-decoded-content-length");
  ExpectRefused(AwsExampleBody(), SignedOptions(0), 400, "InvalidRequest",
                "more than x-amz-decoded-content-length");
}

TEST(AwsChunkedDecoderTest, ChunkLongerThanItsSizeLine) {
  ChunkedEncoder encoder(true);
  std::string body = encoder.Chunk(std::string(1024, 'a'));
  body.insert(body.size() - 2, "extra");
  ExpectRefused(body, SignedOptions(1024), 400, "InvalidRequest", "longer than its size line");
}

TEST(AwsChunkedDecoderTest, DataAfterTheFinalChunk) {
  ExpectRefused(AwsExampleBody() + "GET / HTTP/1.1\r\n", SignedOptions(66560), 400,
                "InvalidRequest", "follows the final chunk");
  ExpectRefused(AwsExampleBody() + "\r\n", SignedOptions(66560), 400, "InvalidRequest",
                "follows the final chunk");
}

TEST(AwsChunkedDecoderTest, UnsignedTrailerChecksumsVerify) {
  const std::string data = RandomBytes(200000, 3);
  for (const char* algorithm : {"crc32", "crc32c", "sha1", "sha256"}) {
    SCOPED_TRACE(algorithm);
    const std::string header = std::string("x-amz-checksum-") + algorithm;
    const std::string value = ChecksumOf(algorithm, data);
    std::string body = ChunkedEncoder(false).Body(data, 65536, header, value);
    TricklingSource wire(body, 1000);
    AwsChunkedDecoder decoder(&wire, UnsignedTrailerOptions(data.size(), header));
    Result<std::string> decoded = DecodeAll(decoder, 30000);
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, data);
    EXPECT_EQ(decoder.trailers().at(header), value);
  }
}

TEST(AwsChunkedDecoderTest, UnsignedTrailerChecksumMismatchIsBadDigest) {
  const std::string data = RandomBytes(70000, 4);
  std::string other = data;
  other[12345] ^= 1;
  for (const char* algorithm : {"crc32", "crc32c", "sha1", "sha256"}) {
    SCOPED_TRACE(algorithm);
    const std::string header = std::string("x-amz-checksum-") + algorithm;
    std::string body = ChunkedEncoder(false).Body(data, 8192, header, ChecksumOf(algorithm, other));
    ExpectRefused(body, UnsignedTrailerOptions(data.size(), header), 400, "BadDigest",
                  "The " + header + " you specified did not match");
  }
}

TEST(AwsChunkedDecoderTest, TrailerHeaderNamesAreCaseInsensitive) {
  const std::string data = "hello, inventory";
  std::string body =
      ChunkedEncoder(false).Body(data, 8192, "X-Amz-Checksum-CRC32C", ChecksumOf("crc32c", data));
  StringByteSource wire(body);
  AwsChunkedDecoder decoder(&wire, UnsignedTrailerOptions(data.size(), "x-amz-checksum-crc32c"));
  ASSERT_OK(DecodeAll(decoder));
  EXPECT_EQ(decoder.trailers().count("x-amz-checksum-crc32c"), 1u);
}

TEST(AwsChunkedDecoderTest, MissingOrUnsupportedTrailer) {
  const std::string data = "abc";
  ExpectRefused(ChunkedEncoder(false).Body(data, 8192),
                UnsignedTrailerOptions(3, "x-amz-checksum-crc32"), 400, "InvalidRequest",
                "lacks it");
  ExpectRefused(
      ChunkedEncoder(false).Body(data, 8192, "x-amz-checksum-md5", "kAFQmDzST7DWlj99KOF/cg=="),
      UnsignedTrailerOptions(3, "x-amz-checksum-md5"), 400, "InvalidRequest",
      "not a supported checksum");
  ExpectRefused(ChunkedEncoder(false).Body(data, 8192, "x-amz-checksum-crc32", "oops"),
                UnsignedTrailerOptions(3, ""), 400, "InvalidRequest", "not a supported checksum");
  ExpectRefused("3\r\nabc\r\n0\r\nx-amz-checksum-crc32 NwJpIQ==\r\n\r\n",
                UnsignedTrailerOptions(3, "x-amz-checksum-crc32"), 400, "InvalidRequest",
                "bad trailer line");
}

AwsChunkedOptions SignedTrailerOptions(uint64_t decoded_length, std::string trailer) {
  AwsChunkedOptions options = SignedOptions(decoded_length);
  options.has_trailer = true;
  options.trailer_header = std::move(trailer);
  return options;
}

TEST(AwsChunkedDecoderTest, SignedTrailer) {
  const std::string data = RandomBytes(150000, 5);
  const std::string value = ChecksumOf("crc32c", data);
  std::string body = ChunkedEncoder(true).Body(data, 65536, "x-amz-checksum-crc32c", value);
  StringByteSource wire(body);
  AwsChunkedDecoder decoder(&wire, SignedTrailerOptions(data.size(), "x-amz-checksum-crc32c"));
  Result<std::string> decoded = DecodeAll(decoder);
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, data);
  EXPECT_EQ(decoder.trailers().at("x-amz-checksum-crc32c"), value);
  EXPECT_EQ(decoder.trailers().count("x-amz-trailer-signature"), 0u);
}

TEST(AwsChunkedDecoderTest, SignedTrailerTamperedOrUnsigned) {
  const std::string data = RandomBytes(1000, 6);
  const std::string value = ChecksumOf("crc32", data);
  const auto options = SignedTrailerOptions(data.size(), "x-amz-checksum-crc32");

  std::string body = ChunkedEncoder(true).Body(data, 65536, "x-amz-checksum-crc32", value);
  std::string tampered = body;
  tampered[tampered.find("x-amz-trailer-signature:") + 30] ^= 1;
  ExpectRefused(tampered, options, 403, "SignatureDoesNotMatch", "trailer signature");

  // A checksum swapped after signing breaks the trailer signature.
  std::string swapped = body;
  swapped.replace(swapped.find(value), value.size(), ChecksumOf("crc32", "other"));
  ExpectRefused(swapped, options, 403, "SignatureDoesNotMatch", "trailer signature");

  std::string unsigned_trailer = body.substr(0, body.find("x-amz-trailer-signature:")) + "\r\n";
  ExpectRefused(unsigned_trailer, options, 403, "SignatureDoesNotMatch",
                "no x-amz-trailer-signature");

  // Correctly signed, wrong data: the checksum itself is what fails.
  std::string wrong =
      ChunkedEncoder(true).Body(data, 65536, "x-amz-checksum-crc32", ChecksumOf("crc32", "other"));
  ExpectRefused(wrong, options, 400, "BadDigest", "x-amz-checksum-crc32");
}

TEST(AwsChunkedDecoderTest, WireErrorsPassThroughWithoutBlamingTheClient) {
  BrokenSource wire;
  AwsChunkedDecoder decoder(&wire, SignedOptions(10));
  char buffer[64];
  Result<size_t> n = decoder.Read(buffer, sizeof(buffer));
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.status().IsIOError()) << n.status().ToString();
  EXPECT_FALSE(decoder.failure().has_value());
}

TEST(AwsChunkedDecoderTest, EmptyBody) {
  std::string body = ChunkedEncoder(true).Body("", 65536);
  StringByteSource wire(body);
  AwsChunkedDecoder decoder(&wire, SignedOptions(0));
  Result<std::string> decoded = DecodeAll(decoder);
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, "");
}

// Throughput for large chunks; run with --gtest_also_run_disabled_tests in
// a Release build. Timed in thread CPU time, since the build machine is
// shared: 8 MiB bodies decoded 32 times each, in 64 KiB and 1 MiB chunks.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

TEST(AwsChunkedDecoderTest, DISABLED_Throughput) {
  constexpr int kRounds = 32;
  const std::string data = RandomBytes(8 << 20, 8);
  {
    // The floor for the signed forms: SHA-256 alone over the same bytes.
    sigv4_internal::Digest digest(sigv4_internal::DigestAlgorithm::kSha256);
    double start = CpuSeconds();
    for (int round = 0; round < kRounds; ++round) {
      for (size_t offset = 0; offset < data.size(); offset += 1 << 20) {
        digest.Update(data.data() + offset, 1 << 20);
      }
    }
    (void)digest.Finish();
    std::printf("%-16s %8.0f MB/s\n", "sha256 alone",
                kRounds * data.size() / (CpuSeconds() - start) / 1e6);
  }
  struct Form {
    const char* name;
    bool sign;
    const char* trailer;
  };
  for (size_t chunk_size : {size_t{64} << 10, size_t{1} << 20}) {
    for (Form form :
         {Form{"signed", true, ""}, Form{"unsigned+crc32c", false, "crc32c"},
          Form{"unsigned+crc32", false, "crc32"}, Form{"signed+crc32c", true, "crc32c"}}) {
      std::string trailer = *form.trailer ? std::string("x-amz-checksum-") + form.trailer : "";
      std::string body = ChunkedEncoder(form.sign).Body(
          data, chunk_size, trailer, *form.trailer ? ChecksumOf(form.trailer, data) : "");
      AwsChunkedOptions options =
          form.sign ? SignedOptions(data.size()) : UnsignedTrailerOptions(data.size(), trailer);
      options.has_trailer = *form.trailer != '\0';
      options.trailer_header = trailer;
      std::vector<char> buffer(1 << 20);
      double start = CpuSeconds();
      size_t total = 0;
      for (int round = 0; round < kRounds; ++round) {
        StringByteSource wire(body);
        AwsChunkedDecoder decoder(&wire, options);
        while (true) {
          Result<size_t> n = decoder.Read(buffer.data(), buffer.size());
          ASSERT_OK(n);
          if (*n == 0) break;
          total += *n;
        }
      }
      ASSERT_EQ(total, kRounds * data.size());
      std::printf("%-16s %4zu KiB chunks %8.0f MB/s\n", form.name, chunk_size >> 10,
                  total / (CpuSeconds() - start) / 1e6);
    }
  }
}

}  // namespace
}  // namespace invtrack
