#include "core/url_codec.h"

#include <cctype>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

TEST(UrlCodecTest, DecodesPlusAsSpace) {
  auto r = FormUrlDecode("red+flower.jpg");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "red flower.jpg");
}

TEST(UrlCodecTest, DecodesPercentEscapesInEitherCase) {
  auto r = FormUrlDecode("a%2Bb%2bc%20d%25e");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "a+b+c d%e");
}

TEST(UrlCodecTest, DecodesUtf8Escapes) {
  auto r = FormUrlDecode("stores/M%C3%BCnchen/%E6%9D%B1%E4%BA%AC.csv");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "stores/M\xC3\xBCnchen/\xE6\x9D\xB1\xE4\xBA\xAC.csv");
}

TEST(UrlCodecTest, PassesThroughOtherBytes) {
  // Slashes, unreserved characters and raw non-ASCII bytes are kept as-is.
  auto r = FormUrlDecode("a/b-c_d.e~f/\xC3\xA9");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "a/b-c_d.e~f/\xC3\xA9");
  auto empty = FormUrlDecode("");
  ASSERT_OK(empty);
  EXPECT_EQ(*empty, "");
}

TEST(UrlCodecTest, DecodesEscapedNul) {
  auto r = FormUrlDecode("a%00b");
  ASSERT_OK(r);
  EXPECT_EQ(*r, std::string("a\0b", 3));
}

TEST(UrlCodecTest, RejectsInvalidEscapes) {
  for (const char* bad : {"%", "abc%", "%2", "x%2", "%zz", "%g0", "%0g", "%%", "100%.csv"}) {
    auto r = FormUrlDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
    EXPECT_NE(r.status().message().find("invalid %-escape"), std::string::npos)
        << r.status().ToString();
  }
}

TEST(UrlCodecTest, ErrorNamesTheOffset) {
  auto r = FormUrlDecode("ok%41then%4");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("offset 9"), std::string::npos) << r.status().ToString();
}

TEST(UrlCodecTest, EncodesLikeS3) {
  EXPECT_EQ(FormUrlEncodeKey("red flower.jpg"), "red+flower.jpg");
  EXPECT_EQ(FormUrlEncodeKey("a+b"), "a%2Bb");
  EXPECT_EQ(FormUrlEncodeKey("100%"), "100%25");
  EXPECT_EQ(FormUrlEncodeKey("stores/Berlin/x.csv"), "stores/Berlin/x.csv");
  EXPECT_EQ(FormUrlEncodeKey("A-Z_a.z~0"), "A-Z_a.z~0");
  EXPECT_EQ(FormUrlEncodeKey("(1)\"'&=?#"), "%281%29%22%27%26%3D%3F%23");
  EXPECT_EQ(FormUrlEncodeKey("M\xC3\xBCnchen"), "M%C3%BCnchen");
  EXPECT_EQ(FormUrlEncodeKey(std::string("\0\x7F\xFF", 3)), "%00%7F%FF");
  EXPECT_EQ(FormUrlEncodeKey(""), "");
}

TEST(UrlCodecTest, EncodedKeysContainOnlySafeAscii) {
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  const std::string encoded = FormUrlEncodeKey(all);
  for (const char c : encoded) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) ||
                std::string_view("-._~/+%").find(c) != std::string_view::npos)
        << "unexpected byte " << static_cast<int>(static_cast<unsigned char>(c));
  }
}

// Property: decoding an encoded key gives the key back, for arbitrary bytes.
TEST(UrlCodecTest, RoundTripsRandomBytes) {
  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> len(0, 40);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 2000; ++i) {
    std::string key;
    for (int n = len(rng); n > 0; --n) key.push_back(static_cast<char>(byte(rng)));
    auto decoded = FormUrlDecode(FormUrlEncodeKey(key));
    ASSERT_OK(decoded);
    ASSERT_EQ(*decoded, key);
  }
}

}  // namespace
}  // namespace invtrack

namespace invtrack {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(*PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("%e2%82%AC", false), "\xE2\x82\xAC");
  for (std::string_view bad : {"%", "%4", "%zz", "abc%2"}) {
    EXPECT_TRUE(PercentDecode(bad, false).status().IsInvalidArgument()) << bad;
  }
}

TEST(PercentEncodeTest, KeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(PercentEncode("a b/c~d", true), "a%20b/c~d");
  EXPECT_EQ(PercentEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(PercentEncode("\xE2\x82\xAC+", true), "%E2%82%AC%2B");
  EXPECT_EQ(*PercentDecode(PercentEncode(std::string("x\0y", 3), false), false),
            std::string("x\0y", 3));
}

}  // namespace
}  // namespace invtrack
