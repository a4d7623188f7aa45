// A 1 GiB Put from an in-memory source, to measure DirBucket's write path
// on this machine. Disabled by default (it writes 1 GiB); run it with
//   invtrack_adapters_local_tests --gtest_also_run_disabled_tests
//     --gtest_filter='*PutThroughput*'
// It prints MB/s and asserts nothing about speed (shared machines vary).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

// `size` bytes of a repeating 1 MiB pattern, produced as fast as memcpy.
class GeneratorSource final : public ByteSource {
 public:
  explicit GeneratorSource(uint64_t size) : left_(size), pattern_(testing::Pattern(1 << 20)) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n =
        static_cast<size_t>(std::min<uint64_t>({capacity, left_, pattern_.size() - offset_}));
    std::memcpy(buffer, pattern_.data() + offset_, n);
    offset_ = (offset_ + n) % pattern_.size();
    left_ -= n;
    return n;
  }

 private:
  uint64_t left_;
  std::string pattern_;
  size_t offset_ = 0;
};

TEST(DirBucketPutThroughputTest, DISABLED_OneGibibytePut) {
  constexpr uint64_t kSize = uint64_t{1} << 30;
  testing::TempDir dir;
  Result<std::unique_ptr<DirBucket>> bucket = DirBucket::OpenDir(dir.path() / "b", "bench");
  ASSERT_OK(bucket);
  std::string first_etag;
  for (int run = 0; run < 3; ++run) {  // runs after the first also replace a 1 GiB version
    GeneratorSource source(kSize);
    auto start = std::chrono::steady_clock::now();
    Result<StoredObject> put = (*bucket)->Put("big", &source, {});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_OK(put);
    EXPECT_EQ(put->info.size, kSize);
    if (run == 0) first_etag = put->info.etag;
    EXPECT_EQ(put->info.etag, first_etag);
    std::printf("1 GiB Put: %.0f MB/s (%.2f s)\n", kSize / seconds / 1e6, seconds);
  }
}

}  // namespace
}  // namespace invtrack
