// AwsChunkedDecoder: a state machine over the aws-chunked framing
//
//   <hex size>[;chunk-signature=<sig>]\r\n <data> \r\n ... 0[;chunk-signature=<sig>]\r\n
//   [<trailer name>:<value>\r\n ... [x-amz-trailer-signature:<sig>\r\n]] \r\n
//
// Chunk data is handed to the caller as it arrives (read straight into the
// caller's buffer when nothing is buffered) and hashed on the way; a chunk's
// signature is checked in the Read that delivers its last byte, and the end
// of the stream is reported only after every check passed.
#include "sigv4/aws_chunked_decoder.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "sigv4/canonical_request.h"
#include "sigv4/checksum.h"
#include "sigv4/digest.h"
#include "sigv4/verifier_internal.h"

namespace invtrack {
namespace {

using sigv4_internal::ConstantTimeEquals;
using sigv4_internal::HexEncode;

constexpr size_t kBufferSize = 16 * 1024;
// Framing lines are short (a signed chunk header is ~90 bytes); a longer one
// is garbage, and bounding it bounds memory.
constexpr size_t kMaxLineLength = 4096;
constexpr size_t kMaxTrailerBytes = 16 * 1024;
constexpr std::string_view kSignatureExtension = ";chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";
constexpr std::string_view kChecksumPrefix = "x-amz-checksum-";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return HexDigit(c) >= 0; });
}

// Shows a client's bytes in a message without echoing a megabyte of them.
std::string Excerpt(std::string_view text) {
  std::string out(text.substr(0, 64));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
  }
  return out;
}

}  // namespace

class AwsChunkedDecoder::State {
 public:
  State(ByteSource* wire, AwsChunkedOptions options, std::optional<AuthError>* failure,
        std::map<std::string, std::string>* trailers)
      : wire_(wire),
        options_(std::move(options)),
        failure_(failure),
        trailers_(trailers),
        buffer_(new char[kBufferSize]),
        chunk_hash_(sigv4_internal::DigestAlgorithm::kSha256) {}

  Result<size_t> Read(char* buffer, size_t capacity) {
    if (!status_.ok()) return status_;
    while (phase_ != Phase::kDone && capacity > 0) {
      Status step;
      switch (phase_) {
        case Phase::kStart:
          step = Start();
          break;
        case Phase::kChunkHeader:
          step = ReadChunkHeader();
          break;
        case Phase::kChunkData:
          return ReadChunkData(buffer, capacity);
        case Phase::kChunkEnd:
          step = ReadChunkEnd();
          break;
        case Phase::kTrailers:
          step = ReadTrailers();
          break;
        case Phase::kFinalLine:
          step = ReadFinalLine();
          break;
        case Phase::kDone:
          break;
      }
      if (!step.ok()) {
        status_ = step;
        return status_;
      }
    }
    return size_t{0};
  }

 private:
  enum class Phase { kStart, kChunkHeader, kChunkData, kChunkEnd, kTrailers, kFinalLine, kDone };

  // Records a refusal of the client's data and the Status Read returns.
  Status Fail(int http_status, const char* code, std::string message) {
    *failure_ = sigv4_internal::MakeAuthError(http_status, code, message);
    return http_status == 403 ? Status::PermissionDenied(message)
                              : Status::InvalidArgument(message);
  }
  Status Malformed(std::string message) {
    return Fail(400, "InvalidRequest", "Malformed aws-chunked body: " + message);
  }
  Status Truncated() {
    return Fail(400, "IncompleteBody",
                "The aws-chunked body ended before its final chunk (" +
                    std::to_string(decoded_total_) + " of " +
                    std::to_string(options_.decoded_length) + " decoded bytes received).");
  }
  Status SignatureMismatch(const std::string& what) {
    return Fail(403, "SignatureDoesNotMatch",
                std::string(sigv4_internal::kSignatureMismatchMessage) + " (" + what + ")");
  }

  Status Start() {
    if (options_.signed_chunks) {
      if (options_.signing_key.size() != 32 || options_.seed_signature.size() != 64) {
        return Status::InvalidArgument(
            "AwsChunkedDecoder needs a 32-byte signing key and the 64-digit seed signature");
      }
      hmac_.emplace(options_.signing_key);
      previous_signature_ = Lower(options_.seed_signature);
      string_to_sign_prefix_ = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + options_.amz_date +
                               "\n" + options_.scope + "\n";
    }
    if (options_.has_trailer) {
      trailer_name_ = Lower(Trim(options_.trailer_header));
      if (trailer_name_.rfind(kChecksumPrefix, 0) == 0) {
        checksum_ = Checksum::ForAlgorithm(trailer_name_.substr(kChecksumPrefix.size()));
      }
      if (!checksum_) {
        return Fail(400, "InvalidRequest",
                    "x-amz-trailer \"" + Excerpt(options_.trailer_header) +
                        "\" is not a supported checksum (x-amz-checksum-crc32, -crc32c, "
                        "-sha1 or -sha256).");
      }
    }
    phase_ = Phase::kChunkHeader;
    return Status::OK();
  }

  // Reads more of the wire into the buffer; sets wire_eof_ when it ended.
  Status Fill() {
    if (pos_ > 0) {
      std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    Result<size_t> read = wire_->Read(buffer_.get() + end_, kBufferSize - end_);
    if (!read.ok()) return read.status();
    if (*read == 0) wire_eof_ = true;
    end_ += *read;
    return Status::OK();
  }

  Status LineTooLong(const char* start) {
    return Malformed("a framing line is longer than " + std::to_string(kMaxLineLength) +
                     " bytes: \"" + Excerpt(std::string_view(start, kMaxLineLength)) + "\"");
  }

  // The next line without its "\n" (and without a "\r" before it, which
  // `crlf` reports). `at_eof` when the wire ended cleanly before it.
  Status NextLine(std::string_view& line, bool& crlf, bool& at_eof) {
    at_eof = false;
    while (true) {
      const char* start = buffer_.get() + pos_;
      const void* newline = std::memchr(start, '\n', end_ - pos_);
      if (newline != nullptr) {
        size_t length = static_cast<const char*>(newline) - start;
        if (length > kMaxLineLength) return LineTooLong(start);
        pos_ += length + 1;
        crlf = length > 0 && start[length - 1] == '\r';
        line = std::string_view(start, crlf ? length - 1 : length);
        return Status::OK();
      }
      if (end_ - pos_ > kMaxLineLength) return LineTooLong(start);
      if (wire_eof_) {
        if (pos_ == end_) {
          at_eof = true;
          return Status::OK();
        }
        return Truncated();
      }
      INVTRACK_RETURN_IF_ERROR(Fill());
    }
  }

  Status ReadChunkHeader() {
    std::string_view line;
    bool crlf = false;
    bool at_eof = false;
    INVTRACK_RETURN_IF_ERROR(NextLine(line, crlf, at_eof));
    if (at_eof) return Truncated();
    if (!crlf) return Malformed("chunk header \"" + Excerpt(line) + "\" does not end in CRLF");
    std::string_view size_text = line.substr(0, line.find(';'));
    std::string_view extension = line.substr(size_text.size());
    if (size_text.empty() || size_text.size() > 16 || !IsHex(size_text)) {
      return Malformed("bad chunk size line \"" + Excerpt(line) +
                       "\" (expected a hexadecimal size)");
    }
    uint64_t size = 0;
    for (char c : size_text) size = size * 16 + HexDigit(c);
    if (options_.signed_chunks) {
      std::string_view signature =
          extension.substr(std::min(extension.size(), kSignatureExtension.size()));
      if (extension.rfind(kSignatureExtension, 0) != 0 || signature.size() != 64 ||
          !IsHex(signature)) {
        return Malformed("chunk header \"" + Excerpt(line) +
                         "\" lacks chunk-signature=<64 hex digits>");
      }
      chunk_signature_ = Lower(signature);
    }
    if (size > options_.decoded_length - decoded_total_) {
      return Fail(400, "InvalidRequest",
                  "The aws-chunked body decodes to more than x-amz-decoded-content-length (" +
                      std::to_string(options_.decoded_length) + " bytes).");
    }
    ++chunk_index_;
    if (size > 0) {
      chunk_remaining_ = size;
      phase_ = Phase::kChunkData;
      return Status::OK();
    }
    // The final, empty chunk.
    INVTRACK_RETURN_IF_ERROR(CheckChunkSignature());
    if (decoded_total_ != options_.decoded_length) {
      return Fail(400, "IncompleteBody",
                  "The aws-chunked body decodes to " + std::to_string(decoded_total_) +
                      " bytes, less than x-amz-decoded-content-length (" +
                      std::to_string(options_.decoded_length) + ").");
    }
    phase_ = options_.has_trailer ? Phase::kTrailers : Phase::kFinalLine;
    return Status::OK();
  }

  Result<size_t> ReadChunkData(char* buffer, size_t capacity) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, chunk_remaining_));
    size_t got = 0;
    if (pos_ < end_) {
      got = std::min(want, end_ - pos_);
      std::memcpy(buffer, buffer_.get() + pos_, got);
      pos_ += got;
    } else {
      // Nothing buffered: read straight into the caller's buffer, never
      // past this chunk, so the data is copied only once.
      Result<size_t> read = wire_eof_ ? Result<size_t>(size_t{0}) : wire_->Read(buffer, want);
      if (!read.ok()) {
        status_ = read.status();
        return status_;
      }
      got = *read;
      if (got == 0) {
        wire_eof_ = true;
        status_ = Truncated();
        return status_;
      }
    }
    if (options_.signed_chunks) chunk_hash_.Update(buffer, got);
    if (checksum_) checksum_->Update(buffer, got);
    chunk_remaining_ -= got;
    decoded_total_ += got;
    if (chunk_remaining_ == 0) {
      status_ = CheckChunkSignature();
      if (!status_.ok()) return status_;
      phase_ = Phase::kChunkEnd;
    }
    return got;
  }

  Status CheckChunkSignature() {
    if (!options_.signed_chunks) return Status::OK();
    string_to_sign_ = string_to_sign_prefix_;
    string_to_sign_.append(previous_signature_).push_back('\n');
    string_to_sign_.append(sigv4_internal::kEmptySha256Hex).push_back('\n');
    string_to_sign_.append(HexEncode(chunk_hash_.Finish()));
    std::string expected = HexEncode(hmac_->Sign(string_to_sign_));
    if (!ConstantTimeEquals(expected, chunk_signature_)) {
      return SignatureMismatch("chunk " + std::to_string(chunk_index_) + " signature");
    }
    previous_signature_ = std::move(expected);
    return Status::OK();
  }

  Status ReadChunkEnd() {
    std::string_view line;
    bool crlf = false;
    bool at_eof = false;
    INVTRACK_RETURN_IF_ERROR(NextLine(line, crlf, at_eof));
    if (at_eof) return Truncated();
    if (!line.empty() || !crlf) {
      return Malformed("chunk " + std::to_string(chunk_index_) +
                       " is longer than its size line says");
    }
    phase_ = Phase::kChunkHeader;
    return Status::OK();
  }

  // Trailer lines up to an empty line (or the end of the wire).
  Status ReadTrailers() {
    while (true) {
      std::string_view line;
      bool crlf = false;
      bool at_eof = false;
      INVTRACK_RETURN_IF_ERROR(NextLine(line, crlf, at_eof));
      if (at_eof || line.empty()) break;
      trailer_bytes_ += line.size();
      if (trailer_bytes_ > kMaxTrailerBytes) return Malformed("the trailer is too long");
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return Malformed("bad trailer line \"" + Excerpt(line) + "\" (expected name:value)");
      }
      std::string name = Lower(Trim(line.substr(0, colon)));
      std::string_view value = Trim(line.substr(colon + 1));
      if (name == kTrailerSignatureName) {
        trailer_signature_ = Lower(value);
        continue;
      }
      canonical_trailers_.append(name).append(":").append(value).append("\n");
      (*trailers_)[name] = std::string(value);
    }
    INVTRACK_RETURN_IF_ERROR(CheckTrailerSignature());
    INVTRACK_RETURN_IF_ERROR(CheckTrailerChecksum());
    return CheckEnd();
  }

  Status CheckTrailerSignature() {
    if (!options_.signed_chunks) return Status::OK();
    if (!trailer_signature_) return SignatureMismatch("the trailer has no x-amz-trailer-signature");
    std::string string_to_sign = std::string("AWS4-HMAC-SHA256-TRAILER\n") + options_.amz_date +
                                 "\n" + options_.scope + "\n" + previous_signature_ + "\n" +
                                 HexEncode(sigv4_internal::Sha256(canonical_trailers_));
    if (!ConstantTimeEquals(HexEncode(hmac_->Sign(string_to_sign)), *trailer_signature_)) {
      return SignatureMismatch("trailer signature");
    }
    return Status::OK();
  }

  Status CheckTrailerChecksum() {
    auto received = trailers_->find(trailer_name_);
    if (received == trailers_->end()) {
      return Fail(400, "InvalidRequest",
                  "x-amz-trailer announced " + trailer_name_ + " but the trailer lacks it.");
    }
    if (received->second != checksum_->FinishBase64()) {
      return Fail(400, "BadDigest",
                  "The " + trailer_name_ + " you specified did not match the calculated checksum.");
    }
    return Status::OK();
  }

  // After the final chunk of the forms without a trailer: an empty line.
  Status ReadFinalLine() {
    std::string_view line;
    bool crlf = false;
    bool at_eof = false;
    INVTRACK_RETURN_IF_ERROR(NextLine(line, crlf, at_eof));
    if (!at_eof && !line.empty()) return Malformed("data follows the final chunk");
    return CheckEnd();
  }

  Status CheckEnd() {
    if (pos_ == end_ && !wire_eof_) INVTRACK_RETURN_IF_ERROR(Fill());
    if (pos_ != end_) return Malformed("data follows the final chunk");
    phase_ = Phase::kDone;
    return Status::OK();
  }

  ByteSource* const wire_;
  const AwsChunkedOptions options_;
  std::optional<AuthError>* const failure_;
  std::map<std::string, std::string>* const trailers_;

  Phase phase_ = Phase::kStart;
  Status status_;  // the first failure; every later Read repeats it

  std::unique_ptr<char[]> buffer_;  // framing bytes read ahead: [pos_, end_)
  size_t pos_ = 0;
  size_t end_ = 0;
  bool wire_eof_ = false;

  uint64_t chunk_index_ = 0;
  uint64_t chunk_remaining_ = 0;
  uint64_t decoded_total_ = 0;

  // Signed forms.
  std::optional<sigv4_internal::HmacSha256Key> hmac_;
  sigv4_internal::Digest chunk_hash_;
  std::string previous_signature_;
  std::string chunk_signature_;
  std::string string_to_sign_prefix_;
  std::string string_to_sign_;

  // Trailer forms.
  std::string trailer_name_;
  std::unique_ptr<Checksum> checksum_;
  std::string canonical_trailers_;
  std::optional<std::string> trailer_signature_;
  size_t trailer_bytes_ = 0;
};

AwsChunkedDecoder::AwsChunkedDecoder(ByteSource* wire, AwsChunkedOptions options)
    : state_(std::make_unique<State>(wire, std::move(options), &failure_, &trailers_)) {}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

Result<size_t> AwsChunkedDecoder::Read(char* buffer, size_t capacity) {
  return state_->Read(buffer, capacity);
}

}  // namespace invtrack
