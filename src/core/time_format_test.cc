#include "core/time_format.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(TimeFormatTest, IsoMillisUtc) {
  EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(1764086596123), "2025-11-25T16:03:16.123Z");
  EXPECT_EQ(FormatIsoMillis(951782400001), "2000-02-29T00:00:00.001Z");
}

}  // namespace
}  // namespace invtrack
