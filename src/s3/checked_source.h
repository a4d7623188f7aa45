// ChecksumCheckedSource: passes a body through while computing a checksum,
// and fails the read that reaches the end if the checksum differs from the
// one the client declared (x-amz-content-sha256, x-amz-checksum-*). Failing
// that last read, instead of reporting afterwards, is what makes a bucket
// Put that streams from it store nothing.
// Thread-safety: not thread-safe.
#ifndef INVTRACK_S3_CHECKED_SOURCE_H_
#define INVTRACK_S3_CHECKED_SOURCE_H_

#include <memory>
#include <optional>
#include <string>

#include "core/byte_source.h"
#include "s3/s3_error.h"
#include "sigv4/checksum.h"

namespace invtrack {

class ChecksumCheckedSource final : public ByteSource {
 public:
  ChecksumCheckedSource(ByteSource* inner, std::unique_ptr<Checksum> checksum,
                        std::string expected_base64, S3Error on_mismatch)
      : inner_(inner),
        checksum_(std::move(checksum)),
        expected_base64_(std::move(expected_base64)),
        on_mismatch_(std::move(on_mismatch)) {}

  Result<size_t> Read(char* buffer, size_t capacity) override;

  // Set once the end was reached with the wrong checksum.
  const std::optional<S3Error>& failure() const { return failure_; }

 private:
  ByteSource* inner_;
  std::unique_ptr<Checksum> checksum_;
  std::string expected_base64_;
  S3Error on_mismatch_;
  bool finished_ = false;
  std::optional<S3Error> failure_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_CHECKED_SOURCE_H_
