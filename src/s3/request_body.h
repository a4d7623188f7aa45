// RequestBody: the bytes a PutObject or UploadPart stores, taken from the
// HTTP body through whatever the client's headers call for: aws-chunked
// decoding with chunk signatures and trailing checksums, the
// x-amz-content-sha256 digest, an x-amz-checksum-* header; and the
// Content-MD5 the bucket checks before committing. Every check fails the
// final read, so a bad body is never stored; ErrorFor() then names the S3
// error to answer with.
// Thread-safety: not thread-safe.
#ifndef INVTRACK_S3_REQUEST_BODY_H_
#define INVTRACK_S3_REQUEST_BODY_H_

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/byte_source.h"
#include "s3/checked_source.h"
#include "s3/s3_call.h"
#include "sigv4/aws_chunked_decoder.h"

namespace invtrack {

class RequestBody {
 public:
  static std::variant<std::unique_ptr<RequestBody>, S3Error> Open(S3Call& call);
  ~RequestBody();

  ByteSource* source() { return top_; }
  // Hex MD5 from Content-MD5, for PutOptions::expected_md5_hex.
  const std::optional<std::string>& content_md5_hex() const { return content_md5_hex_; }
  // The checksum header to echo in the response, if one was verified.
  const std::optional<std::pair<std::string, std::string>>& checksum_header() const {
    return checksum_header_;
  }

  // The S3 error for a failed store of this body.
  S3Error ErrorFor(const Status& store_failure) const;

 private:
  class WireSource;  // the HTTP body, noting whether reading it failed

  RequestBody() = default;

  std::unique_ptr<WireSource> wire_;
  std::unique_ptr<AwsChunkedDecoder> chunked_;
  std::vector<std::unique_ptr<ChecksumCheckedSource>> checks_;
  ByteSource* top_ = nullptr;
  std::optional<std::string> content_md5_hex_;
  std::optional<std::pair<std::string, std::string>> checksum_header_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_REQUEST_BODY_H_
