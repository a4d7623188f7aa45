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

#include "adapters/local/chunk_pipeline.h"
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

TEST(ChunkPipelineTest, HashesChunksInOrderWithBoundedBuffers) {
  std::string body = Pattern(10 * 4096 + 17);
  ChunkPipeline pipeline(4096, 2, -1, 1, "unused");
  for (size_t offset = 0; offset < body.size(); offset += 4096) {
    Result<char*> buffer = pipeline.Acquire();
    ASSERT_OK(buffer);
    size_t n = std::min<size_t>(4096, body.size() - offset);
    std::memcpy(*buffer, body.data() + offset, n);
    pipeline.Submit(*buffer, n, std::nullopt);
  }
  Result<std::string> hex = pipeline.Finish();
  ASSERT_OK(hex);
  EXPECT_EQ(*hex, Md5Hex(body));
}

TEST(ChunkPipelineTest, WritersStoreChunksAtTheirOffsets) {
  TempDir dir;
  fs::path path = dir.path() / "out";
  Result<UniqueFd> fd = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  ASSERT_OK(fd);
  std::string body = Pattern(50 * 4096, 9);
  {
    ChunkPipeline pipeline(4096, 3, fd->get(), 2, path);
    for (size_t offset = 0; offset < body.size(); offset += 4096) {
      Result<char*> buffer = pipeline.Acquire();
      ASSERT_OK(buffer);
      std::memcpy(*buffer, body.data() + offset, 4096);
      pipeline.Submit(*buffer, 4096, offset);
    }
    Result<std::string> hex = pipeline.Finish();
    ASSERT_OK(hex);
    EXPECT_EQ(*hex, Md5Hex(body));
  }
  EXPECT_EQ(ReadFile(path), body);
}

TEST(ChunkPipelineTest, WriteErrorsReachTheReader) {
  TempDir dir;
  Result<UniqueFd> read_only = OpenFile(dir.path(), O_RDONLY | O_DIRECTORY);
  ASSERT_OK(read_only);
  ChunkPipeline pipeline(4096, 2, read_only->get(), 1, dir.path());
  Status error;
  for (int i = 0; i < 20 && error.ok(); ++i) {
    Result<char*> buffer = pipeline.Acquire();
    if (!buffer.ok()) {
      error = buffer.status();
      break;
    }
    std::memset(*buffer, 'x', 4096);
    pipeline.Submit(*buffer, 4096, uint64_t(i) * 4096);
  }
  if (error.ok()) error = pipeline.Finish().status();
  EXPECT_TRUE(error.IsIOError()) << error.ToString();
}

TEST(ChunkPipelineTest, SingleChunkAndEmptyInput) {
  ChunkPipeline one(64, 2, -1, 1, "unused");
  char* buffer = one.Acquire().value();
  std::memcpy(buffer, "abc", 3);
  one.Submit(buffer, 3, std::nullopt);
  EXPECT_EQ(one.Finish().value(), Md5Hex("abc"));

  ChunkPipeline none(64, 2, -1, 1, "unused");
  none.Submit(none.Acquire().value(), 0, std::nullopt);
  EXPECT_EQ(none.Finish().value(), Md5Hex(""));
}

TEST(ChunkPipelineTest, AbandoningMidStreamDoesNotHang) {
  TempDir dir;
  Result<UniqueFd> fd = OpenFile(dir.path() / "out", O_WRONLY | O_CREAT, 0644);
  ASSERT_OK(fd);
  ChunkPipeline pipeline(1 << 16, 3, fd->get(), 2, dir.path() / "out");
  for (int i = 0; i < 5; ++i) {
    char* buffer = pipeline.Acquire().value();
    std::memset(buffer, i, 1 << 16);
    pipeline.Submit(buffer, 1 << 16, uint64_t(i) << 16);
  }
  // Destroyed without Finish, as when a body's source fails.
}

}  // namespace
}  // namespace invtrack::dir_bucket_internal
