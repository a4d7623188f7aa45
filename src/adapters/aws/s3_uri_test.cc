#include "adapters/aws/s3_uri.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(S3UriTest, EncodesKeysAsSigV4Canonicalizes) {
  EXPECT_EQ(S3EncodePath("stores/Berlin/a b.csv"), "stores/Berlin/a%20b.csv");
  EXPECT_EQ(S3EncodePath("a+b=c&d~e_f-g.h"), "a%2Bb%3Dc%26d~e_f-g.h");
  EXPECT_EQ(S3EncodePath("M\xC3\xBCnchen"), "M%C3%BCnchen");
  EXPECT_EQ(S3EncodeQueryValue("stores/"), "stores%2F");
  EXPECT_EQ(S3ObjectPath("inventory", "x/y z"), "/inventory/x/y%20z");
}

}  // namespace
}  // namespace invtrack
