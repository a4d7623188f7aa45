#include "s3/checked_source.h"

namespace invtrack {

Result<size_t> ChecksumCheckedSource::Read(char* buffer, size_t capacity) {
  if (failure_) return Status::Corruption(failure_->message);
  Result<size_t> n = inner_->Read(buffer, capacity);
  if (!n.ok()) return n;
  if (*n > 0) {
    checksum_->Update(buffer, *n);
    return n;
  }
  if (!finished_) {
    finished_ = true;
    if (checksum_->FinishBase64() != expected_base64_) {
      failure_ = on_mismatch_;
      return Status::Corruption(failure_->message);
    }
  }
  return size_t{0};
}

}  // namespace invtrack
