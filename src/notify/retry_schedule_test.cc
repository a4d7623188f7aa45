#include "notify/retry_schedule.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(RetryScheduleTest, DoublesWithJitterUpToTheCap) {
  RetrySchedule schedule(RetryOptions{8, 1000, 8000}, /*seed=*/42);
  for (int round = 0; round < 50; ++round) {
    int64_t first = schedule.DelayMs(1);
    EXPECT_GE(first, 500);
    EXPECT_LE(first, 1000);
    int64_t third = schedule.DelayMs(3);
    EXPECT_GE(third, 2000);
    EXPECT_LE(third, 4000);
    int64_t late = schedule.DelayMs(30);  // capped, no overflow
    EXPECT_GE(late, 4000);
    EXPECT_LE(late, 8000);
  }
}

TEST(RetryScheduleTest, JitterSpreadsDelays) {
  RetrySchedule schedule(RetryOptions{8, 1000, 60000}, /*seed=*/7);
  int64_t low = 1 << 30, high = 0;
  for (int i = 0; i < 100; ++i) {
    int64_t d = schedule.DelayMs(4);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_GT(high - low, 1000);  // 4000..8000, not one value
}

TEST(RetryScheduleTest, BoundsAttempts) {
  RetrySchedule schedule(RetryOptions{3, 10, 100});
  EXPECT_TRUE(schedule.MayRetry(1));
  EXPECT_TRUE(schedule.MayRetry(2));
  EXPECT_FALSE(schedule.MayRetry(3));
}

}  // namespace
}  // namespace invtrack
