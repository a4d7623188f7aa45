// Helpers shared by the MultipartStore tests: a bucket with its store, and
// the expected multipart ETag.
#ifndef INVTRACK_ADAPTERS_LOCAL_MULTIPART_TEST_UTIL_H_
#define INVTRACK_ADAPTERS_LOCAL_MULTIPART_TEST_UTIL_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "adapters/local/multipart_store.h"
#include "test_util.h"

namespace invtrack::testing {

inline std::string BinaryMd5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t size = 0;
  if (EVP_Q_digest(nullptr, "MD5", nullptr, bytes.data(), bytes.size(), digest, &size) != 1) {
    return "md5-failed";
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// What S3 reports for an object assembled from `parts`.
inline std::string ExpectedMultipartEtag(const std::vector<std::string>& parts) {
  std::string digests;
  for (const std::string& part : parts) digests += BinaryMd5(part);
  return Md5Hex(digests) + "-" + std::to_string(parts.size());
}

class MultipartTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kSmallMin = 1000;  // min part size for most tests

  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    bucket_.reset();
    Result<std::unique_ptr<DirBucket>> opened = DirBucket::OpenDir(root(), "inventory");
    ASSERT_OK(opened);
    bucket_ = std::move(*opened);
    store_ = std::make_unique<MultipartStore>(bucket_.get());
  }

  std::string NewUpload(std::string_view key = "big.csv") {
    Result<MultipartUpload> upload = store_->Create(key, {}, "tester");
    EXPECT_OK(upload);
    return upload.ok() ? upload->upload_id : "";
  }

  Result<UploadedPart> Part(std::string_view upload_id, int number, std::string_view body) {
    StringByteSource source(body);
    return store_->PutPart(upload_id, number, &source, std::nullopt, std::nullopt);
  }

  std::filesystem::path root() const { return dir_.path() / "bucket"; }
  int DataFiles() const { return CountFiles(root() / "data"); }
  int TmpFiles() const { return CountFiles(root() / "tmp"); }

  TempDir dir_;
  std::unique_ptr<DirBucket> bucket_;
  std::unique_ptr<MultipartStore> store_;
};

inline void ExpectMultipartError(const Status& status, MultipartError error) {
  ASSERT_FALSE(status.ok());
  std::optional<MultipartError> got = MultipartErrorOf(status);
  ASSERT_TRUE(got.has_value()) << status.ToString();
  EXPECT_EQ(MultipartErrorCode(*got), MultipartErrorCode(error)) << status.ToString();
}

template <typename T>
void ExpectMultipartError(const Result<T>& result, MultipartError error) {
  ExpectMultipartError(result.status(), error);
}

}  // namespace invtrack::testing

#endif  // INVTRACK_ADAPTERS_LOCAL_MULTIPART_TEST_UTIL_H_
