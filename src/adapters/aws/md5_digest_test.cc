#include "adapters/aws/md5_digest.h"

#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

TEST(Md5DigestTest, KnownValues) {
  Md5Digest md5;
  EXPECT_EQ(Md5Digest::Base64(md5.Finish()), "1B2M2Y8AsgTpgAmY7PhCfg==");
  md5.Update("The quick brown fox ");
  md5.Update("jumps over the lazy dog");
  EXPECT_EQ(Md5Digest::Hex(md5.Finish()), "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(Md5DigestTest, FileContentMd5) {
  testing::TempDir dir;
  {
    std::ofstream out(dir.Sub("f"), std::ios::binary);
    out << "The quick brown fox jumps over the lazy dog";
  }
  Result<std::string> md5 = FileContentMd5(dir.Sub("f"));
  ASSERT_OK(md5);
  EXPECT_EQ(*md5, "nhB9nTcrtoJr2B01QqQZ1g==");
  EXPECT_TRUE(FileContentMd5(dir.Sub("missing")).status().IsNotFound());
}

}  // namespace
}  // namespace invtrack
