#include "s3/object_range.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

ByteRange Expect(std::string_view header, uint64_t size) {
  auto parsed = ParseRange(header, size);
  EXPECT_TRUE(std::holds_alternative<ByteRange>(parsed)) << header;
  return std::holds_alternative<ByteRange>(parsed) ? std::get<ByteRange>(parsed) : ByteRange{};
}

TEST(ParseRangeTest, WellFormedRanges) {
  ByteRange r = Expect("bytes=0-9", 100);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 10u);
  r = Expect("bytes=90-", 100);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.length, 10u);
  r = Expect("bytes=-5", 100);
  EXPECT_EQ(r.first, 95u);
  EXPECT_EQ(r.length, 5u);
  r = Expect("bytes=50-1000", 100);  // clipped to the end
  EXPECT_EQ(r.length, 50u);
  r = Expect("bytes=-1000", 100);  // a suffix longer than the object: all of it
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 100u);
}

TEST(ParseRangeTest, UnsatisfiableRanges) {
  EXPECT_TRUE(std::holds_alternative<UnsatisfiableRange>(ParseRange("bytes=100-", 100)));
  EXPECT_TRUE(std::holds_alternative<UnsatisfiableRange>(ParseRange("bytes=0-0", 0)));
  EXPECT_TRUE(std::holds_alternative<UnsatisfiableRange>(ParseRange("bytes=-0", 100)));
}

TEST(ParseRangeTest, MalformedHeadersAreIgnored) {
  for (std::string_view header :
       {"bytes=", "bytes=a-b", "items=0-1", "bytes=5-1", "bytes=0-1,3-4", "bytes=1", "bytes=--1"}) {
    EXPECT_TRUE(std::holds_alternative<std::nullopt_t>(ParseRange(header, 100))) << header;
  }
}

}  // namespace
}  // namespace invtrack
