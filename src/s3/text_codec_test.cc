#include "s3/text_codec.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(Base64Test, RoundTripsAndRejectsNonCanonical) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);
  EXPECT_EQ(Base64Decode("Z!=="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zh=="), std::nullopt);  // stray bits: not canonical
}

TEST(HexTest, RoundTripsAndRejectsBadDigits) {
  EXPECT_EQ(HexEncode("\x01\xAB"), "01ab");
  EXPECT_EQ(HexDecode("01ab"), "\x01\xAB");
  EXPECT_EQ(HexDecode("01AB"), "\x01\xAB");
  EXPECT_EQ(HexDecode("0"), std::nullopt);
  EXPECT_EQ(HexDecode("0g"), std::nullopt);
}

}  // namespace
}  // namespace invtrack
