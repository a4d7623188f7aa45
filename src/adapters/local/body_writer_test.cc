// WriteBody and ConcatenateFiles: exact bytes and MD5 at every chunk
// boundary, limits, failing sources, and short files.
#include "adapters/local/body_writer.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>

#include "adapters/local/background_md5.h"
#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "test_util.h"

namespace invtrack::dir_bucket_internal {
namespace {

namespace fs = std::filesystem;
using testing::FailingSource;
using testing::Md5Hex;
using testing::Pattern;
using testing::TempDir;
using testing::TrickleSource;

constexpr size_t kMiB = 1 << 20;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(BodyWriterTest, WritesExactBytesAndMd5AroundChunkBoundaries) {
  TempDir dir;
  int n = 0;
  for (size_t size : {size_t{0}, size_t{1}, kMiB - 1, kMiB, kMiB + 1, 3 * kMiB + 5, 17 * kMiB}) {
    std::string body = Pattern(size, static_cast<unsigned>(size));
    for (size_t step : {size_t{4096}, size_t{3 * kMiB}}) {
      SCOPED_TRACE("size " + std::to_string(size) + " step " + std::to_string(step));
      fs::path path = dir.path() / std::to_string(n++);
      TrickleSource source(body, step);
      Result<WrittenBody> written = WriteBody(&source, std::nullopt, path);
      ASSERT_OK(written);
      EXPECT_EQ(written->size, size);
      EXPECT_EQ(written->md5_hex, Md5Hex(body));
      EXPECT_EQ(ReadFile(path), body);
    }
  }
}

TEST(BodyWriterTest, MaxSizeIsInclusive) {
  TempDir dir;
  std::string body = Pattern(2 * kMiB + 7);
  TrickleSource fits(body, 65536);
  ASSERT_OK(WriteBody(&fits, body.size(), dir.path() / "fits"));
  TrickleSource too_big(body, 65536);
  testing::ExpectInvalidArgument(WriteBody(&too_big, body.size() - 1, dir.path() / "big"),
                                 "object larger than " + std::to_string(body.size() - 1));
}

TEST(BodyWriterTest, SourceErrorIsReturned) {
  TempDir dir;
  std::string body = Pattern(5 * kMiB);
  FailingSource source(body, 3 * kMiB + 11);
  Result<WrittenBody> written = WriteBody(&source, std::nullopt, dir.path() / "f");
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.status().IsIOError());
  EXPECT_NE(written.status().message().find("connection reset by test"), std::string::npos);
}

TEST(BodyWriterTest, RefusesToOverwriteAnExistingFile) {
  TempDir dir;
  std::ofstream(dir.path() / "f") << "x";
  testing::TrickleSource source("abc", 1);
  Result<WrittenBody> written = WriteBody(&source, std::nullopt, dir.path() / "f");
  ASSERT_FALSE(written.ok());
  EXPECT_TRUE(written.status().IsAlreadyExists());
}

TEST(BodyWriterTest, ConcatenatesFilesIncludingEmptyOnes) {
  TempDir dir;
  std::vector<std::string> bodies = {Pattern(3 * kMiB + 1, 1), "", Pattern(10, 2),
                                     Pattern(9 * kMiB, 3)};
  std::vector<SourceFile> sources;
  std::string expected;
  for (size_t i = 0; i < bodies.size(); ++i) {
    fs::path path = dir.path() / ("part" + std::to_string(i));
    std::ofstream(path, std::ios::binary) << bodies[i];
    sources.push_back(SourceFile{path, bodies[i].size()});
    expected += bodies[i];
  }
  ASSERT_OK(ConcatenateFiles(sources, dir.path() / "out"));
  EXPECT_EQ(ReadFile(dir.path() / "out"), expected);
}

TEST(BodyWriterTest, ShortSourceIsCorruption) {
  TempDir dir;
  fs::path path = dir.path() / "part";
  std::ofstream(path, std::ios::binary) << "only ten b";
  SourceFile source{path, 11};
  Status status = ConcatenateFiles({&source, 1}, dir.path() / "out");
  EXPECT_TRUE(status.IsCorruption()) << status.ToString();
}

TEST(BodyWriterTest, MissingSourceIsNotFound) {
  TempDir dir;
  SourceFile source{dir.path() / "gone", 1};
  Status status = ConcatenateFiles({&source, 1}, dir.path() / "out");
  EXPECT_TRUE(status.IsNotFound()) << status.ToString();
}

TEST(BodyWriterTest, ConcatenatesManyMoreSourcesThanOpenFilesAllowed) {
  TempDir dir;
  fs::path path = dir.path() / "part";
  std::ofstream(path, std::ios::binary) << "ab";
  // The same small file 5000 times: more than a default RLIMIT_NOFILE of 1024.
  std::vector<SourceFile> sources(5000, SourceFile{path, 2});
  ASSERT_OK(ConcatenateFiles(sources, dir.path() / "out"));
  EXPECT_EQ(fs::file_size(dir.path() / "out"), 10000u);
}

TEST(BackgroundMd5Test, HashesChunksInOrderWithBoundedBuffers) {
  std::string body = Pattern(10 * 4096 + 17);
  BackgroundMd5 md5(4096, 2);
  for (size_t offset = 0; offset < body.size(); offset += 4096) {
    char* buffer = md5.Acquire();
    size_t n = std::min<size_t>(4096, body.size() - offset);
    std::memcpy(buffer, body.data() + offset, n);
    md5.Submit(buffer, n);
  }
  Result<std::string> hex = md5.FinishHex();
  ASSERT_OK(hex);
  EXPECT_EQ(*hex, Md5Hex(body));
}

TEST(BackgroundMd5Test, SingleChunkAndEmptyInput) {
  BackgroundMd5 one(64, 2);
  char* buffer = one.Acquire();
  std::memcpy(buffer, "abc", 3);
  one.Submit(buffer, 3);
  EXPECT_EQ(one.FinishHex().value(), Md5Hex("abc"));

  BackgroundMd5 none(64, 2);
  none.Submit(none.Acquire(), 0);
  EXPECT_EQ(none.FinishHex().value(), Md5Hex(""));
}

TEST(BackgroundMd5Test, AbandoningMidStreamDoesNotHang) {
  BackgroundMd5 md5(1 << 16, 3);
  for (int i = 0; i < 5; ++i) {
    char* buffer = md5.Acquire();
    std::memset(buffer, i, 1 << 16);
    md5.Submit(buffer, 1 << 16);
  }
  // Destroyed without FinishHex, as when a body's source fails.
}

}  // namespace
}  // namespace invtrack::dir_bucket_internal
