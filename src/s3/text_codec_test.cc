#include "s3/text_codec.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%e2%82%AC", false), "\xE2\x82\xAC");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%2", true), std::nullopt);
}

TEST(PercentEncodeTest, KeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(PercentEncode("a b/c~d", true), "a%20b/c~d");
  EXPECT_EQ(PercentEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(PercentEncode("\xE2\x82\xAC+", true), "%E2%82%AC%2B");
  EXPECT_EQ(PercentDecode(PercentEncode(std::string("x\0y", 3), false), false),
            std::string("x\0y", 3));
}

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
