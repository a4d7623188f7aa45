#include "dashboard/login_limiter.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

using std::chrono::milliseconds;

TEST(LoginLimiterTest, FreeFailuresThenDoublingBackOff) {
  LoginLimiter limiter({3, milliseconds(1000), milliseconds(5000)});
  auto t0 = LoginLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) {
    limiter.RecordFailure("alice", t0);
    EXPECT_EQ(limiter.RetryAfter("alice", t0), milliseconds(0)) << "failure " << i + 1;
  }
  limiter.RecordFailure("alice", t0);  // 4th: 1 s
  EXPECT_EQ(limiter.RetryAfter("alice", t0), milliseconds(1000));
  EXPECT_EQ(limiter.RetryAfter("alice", t0 + milliseconds(400)), milliseconds(600));
  EXPECT_EQ(limiter.RetryAfter("alice", t0 + milliseconds(1000)), milliseconds(0));
  limiter.RecordFailure("alice", t0 + milliseconds(1000));  // 5th: 2 s
  EXPECT_EQ(limiter.RetryAfter("alice", t0 + milliseconds(1000)), milliseconds(2000));
  limiter.RecordFailure("alice", t0 + milliseconds(3000));  // 6th: 4 s
  EXPECT_EQ(limiter.RetryAfter("alice", t0 + milliseconds(3000)), milliseconds(4000));
  limiter.RecordFailure("alice", t0 + milliseconds(7000));  // 7th: capped at 5 s
  EXPECT_EQ(limiter.RetryAfter("alice", t0 + milliseconds(7000)), milliseconds(5000));
  // Other keys are not affected.
  EXPECT_EQ(limiter.RetryAfter("bob", t0 + milliseconds(7000)), milliseconds(0));
}

TEST(LoginLimiterTest, SuccessClearsTheKey) {
  LoginLimiter limiter({1, milliseconds(1000), milliseconds(5000)});
  auto t0 = LoginLimiter::Clock::time_point{} + std::chrono::hours(1);
  limiter.RecordFailure("alice", t0);
  limiter.RecordFailure("alice", t0);
  EXPECT_GT(limiter.RetryAfter("alice", t0), milliseconds(0));
  limiter.RecordSuccess("alice");
  EXPECT_EQ(limiter.RetryAfter("alice", t0), milliseconds(0));
  limiter.RecordFailure("alice", t0);  // counts from zero again: still free
  EXPECT_EQ(limiter.RetryAfter("alice", t0), milliseconds(0));
}

}  // namespace
}  // namespace invtrack
