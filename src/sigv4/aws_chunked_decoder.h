// AwsChunkedDecoder: decodes a body sent with `Content-Encoding:
// aws-chunked` (x-amz-content-sha256 = STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or
// STREAMING-UNSIGNED-PAYLOAD-TRAILER), verifying each chunk's signature
// (signed forms), the trailing checksum named by `x-amz-trailer`, the
// trailer signature, and that the decoded length equals
// `x-amz-decoded-content-length`. Returns the decoded bytes; any mismatch
// makes Read fail (so a bucket Put that streams from it stores nothing) and
// failure() tells the S3 error to send.
// Thread-safety: not thread-safe.
#ifndef INVTRACK_SIGV4_AWS_CHUNKED_DECODER_H_
#define INVTRACK_SIGV4_AWS_CHUNKED_DECODER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/byte_source.h"
#include "sigv4/auth_error.h"

namespace invtrack {

struct AwsChunkedOptions {
  bool signed_chunks = true;   // false for STREAMING-UNSIGNED-PAYLOAD-TRAILER
  bool has_trailer = false;    // the -TRAILER forms
  std::string trailer_header;  // value of x-amz-trailer, e.g. "x-amz-checksum-crc32"
  uint64_t decoded_length = 0;
  // For signed chunks: the seed signature (the Authorization signature),
  // the signing key, the request's x-amz-date and credential scope string
  // ("20130524/us-east-1/s3/aws4_request").
  std::string seed_signature;
  std::string signing_key;
  std::string amz_date;
  std::string scope;
};

class AwsChunkedDecoder final : public ByteSource {
 public:
  AwsChunkedDecoder(ByteSource* wire, AwsChunkedOptions options);
  ~AwsChunkedDecoder() override;

  Result<size_t> Read(char* buffer, size_t capacity) override;

  // Set when Read failed because of the client's data (bad chunk framing:
  // IncompleteBody/InvalidRequest 400; bad signature: SignatureDoesNotMatch
  // 403; checksum mismatch: BadDigest 400).
  const std::optional<AuthError>& failure() const { return failure_; }
  // Trailer headers received (names lower-case), after the end was reached.
  const std::map<std::string, std::string>& trailers() const { return trailers_; }

 private:
  class State;
  std::unique_ptr<State> state_;
  std::optional<AuthError> failure_;
  std::map<std::string, std::string> trailers_;
};

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_AWS_CHUNKED_DECODER_H_
