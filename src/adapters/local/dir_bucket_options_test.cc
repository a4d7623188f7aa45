// DirBucket: Content-MD5 checks, ETag overrides, OpenForRead and IsEmpty.
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/local/background_remover.h"
#include "adapters/local/dir_bucket.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "adapters/local/multipart_store.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::CountFiles;
using testing::Get;
using testing::Md5Hex;
using testing::Pattern;
using testing::PutString;
using testing::TempDir;

class DirBucketOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every body a data file: these tests look at data files (inline
    // bodies have dir_bucket_inline_test.cc).
    Result<std::unique_ptr<DirBucket>> opened =
        DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = 0});
    ASSERT_OK(opened);
    bucket_ = std::move(*opened);
  }

  fs::path root() const { return dir_.path() / "bucket"; }
  int DataFiles() const { return CountFiles(root() / "data"); }
  int TmpFiles() const { return CountFiles(root() / "tmp"); }

  // The whole file behind `fd`, read with pread as sendfile would.
  static std::string ReadFd(int fd) {
    std::string out;
    char buffer[4096];
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(fd, buffer, sizeof(buffer), offset);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
      offset += n;
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<DirBucket> bucket_;
};

TEST_F(DirBucketOptionsTest, MatchingContentMd5IsAcceptedInEitherCase) {
  std::string body = Pattern(70000);
  PutOptions options;
  options.expected_md5_hex = Md5Hex(body);
  ASSERT_OK(PutString(*bucket_, "lower", body, options));
  for (char& c : *options.expected_md5_hex) c = static_cast<char>(std::toupper(c));
  Result<StoredObject> upper = PutString(*bucket_, "upper", body, options);
  ASSERT_OK(upper);
  EXPECT_EQ(upper->info.etag, Md5Hex(body));  // stored in lower case regardless
}

TEST_F(DirBucketOptionsTest, ContentMd5MismatchLeavesNoTraceAndKeepsPreviousVersion) {
  ASSERT_OK(PutString(*bucket_, "k", "old"));
  PutOptions options;
  options.expected_md5_hex = Md5Hex("something else");
  Result<StoredObject> put = PutString(*bucket_, "k", "new body", options);
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsCorruption()) << put.status().ToString();
  EXPECT_EQ(put.status().message(), "Content-MD5 does not match the body");
  EXPECT_EQ(Get(*bucket_, "k").value(), "old");
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketOptionsTest, EtagOverrideIsStoredInsteadOfTheMd5) {
  PutOptions options;
  options.etag_override = "0123456789abcdef0123456789abcdef-3";
  options.expected_md5_hex = Md5Hex("body");  // still checked against the body
  Result<StoredObject> put = PutString(*bucket_, "k", "body", options);
  ASSERT_OK(put);
  EXPECT_EQ(put->info.etag, "0123456789abcdef0123456789abcdef-3");
  EXPECT_EQ(bucket_->Head("k").value().info.etag, "0123456789abcdef0123456789abcdef-3");
}

TEST_F(DirBucketOptionsTest, MaxSizeMessageStartsAsDocumented) {
  PutOptions options;
  options.max_size = 3;
  Result<StoredObject> put = PutString(*bucket_, "k", "four", options);
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsInvalidArgument());
  EXPECT_EQ(put.status().message().rfind("object larger than", 0), 0u) << put.status().message();
}

TEST_F(DirBucketOptionsTest, OpenForReadGivesTheCurrentVersionsFile) {
  std::string body = Pattern(100000, 3);
  Result<StoredObject> put = PutString(*bucket_, "k", body);
  ASSERT_OK(put);
  Result<OpenedObject> opened = bucket_->OpenForRead("k");
  ASSERT_OK(opened);
  EXPECT_EQ(opened->object.key, "k");
  EXPECT_EQ(opened->object.info.etag, put->info.etag);
  EXPECT_EQ(opened->object.info.size, body.size());
  EXPECT_EQ(opened->object.info.sequencer, put->info.sequencer);
  EXPECT_EQ(ReadFd(opened->fd), body);
  EXPECT_TRUE(::fcntl(opened->fd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(::fcntl(opened->fd, F_GETFL) & O_ACCMODE, O_RDONLY);
  ::close(opened->fd);
}

TEST_F(DirBucketOptionsTest, OpenedFileSurvivesOverwriteAndDelete) {
  ASSERT_OK(PutString(*bucket_, "k", "version one"));
  Result<OpenedObject> opened = bucket_->OpenForRead("k");
  ASSERT_OK(opened);
  ASSERT_OK(PutString(*bucket_, "k", "version two"));
  ASSERT_OK(bucket_->Delete("k"));
  EXPECT_EQ(ReadFd(opened->fd), "version one");
  ::close(opened->fd);
}

TEST_F(DirBucketOptionsTest, OpenForReadOfMissingOrBadKeyFails) {
  Result<OpenedObject> missing = bucket_->OpenForRead("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  testing::ExpectInvalidArgument(bucket_->OpenForRead(""), "empty");
}

TEST_F(DirBucketOptionsTest, IsEmptyCountsObjectsAndUploads) {
  EXPECT_TRUE(bucket_->IsEmpty().value());
  ASSERT_OK(PutString(*bucket_, "k", "x"));
  EXPECT_FALSE(bucket_->IsEmpty().value());
  ASSERT_OK(bucket_->Delete("k"));
  EXPECT_TRUE(bucket_->IsEmpty().value());

  MultipartStore multipart(bucket_.get());
  Result<MultipartUpload> upload = multipart.Create("big", {}, "tester");
  ASSERT_OK(upload);
  EXPECT_FALSE(bucket_->IsEmpty().value());
  ASSERT_OK(multipart.Abort(upload->upload_id));
  EXPECT_TRUE(bucket_->IsEmpty().value());
}

TEST_F(DirBucketOptionsTest, BigReplacedVersionsAreRemovedInTheBackground) {
  std::string big(dir_bucket_internal::BackgroundRemover::kBackgroundFromBytes, 'x');
  ASSERT_OK(PutString(*bucket_, "a", big));
  ASSERT_OK(PutString(*bucket_, "b", big));
  ASSERT_OK(PutString(*bucket_, "a", "small now"));
  ASSERT_OK(bucket_->Delete("b"));
  bucket_.reset();  // waits for the removals it queued
  EXPECT_EQ(DataFiles(), 1);
  SetUp();
  EXPECT_EQ(Get(*bucket_, "a").value(), "small now");
}

TEST_F(DirBucketOptionsTest, OpenDirCreatesMissingParents) {
  fs::path nested = dir_.path() / "data" / "buckets" / "inventory";
  Result<std::unique_ptr<DirBucket>> opened = DirBucket::OpenDir(nested, "inventory");
  ASSERT_OK(opened);
  EXPECT_TRUE(fs::exists(nested / "bucket.db"));
}

}  // namespace
}  // namespace invtrack
