// Helpers shared by the DirBucket tests: byte sources that trickle or fail,
// reading an object back, MD5 and file counting.
#ifndef INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_TEST_UTIL_H_
#define INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "adapters/local/dir_bucket.h"
#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack::testing {

// Hands out at most `step` bytes per Read, like a socket would.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string_view bytes, size_t step) : bytes_(bytes), step_(step) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n = std::min({capacity, step_, bytes_.size() - offset_});
    bytes_.copy(buffer, n, offset_);
    offset_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t step_;
  size_t offset_ = 0;
};

// Yields `good` bytes of `bytes`, then fails as a dropped connection would.
class FailingSource final : public ByteSource {
 public:
  FailingSource(std::string_view bytes, size_t good) : bytes_(bytes), good_(good) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    if (offset_ >= good_) return Status::IOError("connection reset by test");
    size_t n = std::min(capacity, good_ - offset_);
    bytes_.copy(buffer, n, offset_);
    offset_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t good_;
  size_t offset_ = 0;
};

// Deterministic, non-repeating-looking bytes.
inline std::string Pattern(size_t size, unsigned seed = 0) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 31 + (i >> 13) + seed) & 0xff);
  return out;
}

inline std::string Md5Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t size = 0;
  if (EVP_Q_digest(nullptr, "MD5", nullptr, bytes.data(), bytes.size(), digest, &size) != 1) {
    return "md5-failed";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

inline Result<std::string> ReadAll(ByteSource* source, size_t step = 100000) {
  std::string out;
  std::string buffer(step, '\0');
  for (;;) {
    Result<size_t> n = source->Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

inline Result<std::string> Get(DirBucket& bucket, std::string_view key) {
  Result<std::unique_ptr<ObjectStream>> stream = bucket.Open(bucket.name(), key);
  if (!stream.ok()) return stream.status();
  return ReadAll(stream->get());
}

inline Result<StoredObject> PutString(DirBucket& bucket, std::string_view key,
                                      std::string_view body, const PutOptions& options = {},
                                      const DirBucket::CommitHook& hook = {}) {
  StringByteSource source(body);
  return bucket.Put(key, &source, options, hook);
}

// Regular files anywhere under `dir`.
inline int CountFiles(const std::filesystem::path& dir) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

}  // namespace invtrack::testing

#endif  // INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_TEST_UTIL_H_
