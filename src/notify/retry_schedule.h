// RetrySchedule: when a failed delivery is tried again. Exponential backoff
// (initial, doubling, capped) with "equal jitter": half the delay is fixed,
// half random, so that many deliveries failing at once (a receiver that was
// down) do not all come back in the same instant. After max_attempts the
// delivery is dead.
// Thread-safety: not thread-safe (it owns a random generator).
#ifndef INVTRACK_NOTIFY_RETRY_SCHEDULE_H_
#define INVTRACK_NOTIFY_RETRY_SCHEDULE_H_

#include <cstdint>
#include <random>

namespace invtrack {

struct RetryOptions {
  int max_attempts = 8;
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 10 * 60 * 1000;
};

class RetrySchedule {
 public:
  explicit RetrySchedule(RetryOptions options, uint64_t seed = std::random_device{}())
      : options_(options), random_(seed) {}

  // Whether a delivery that has failed `attempts` times may be tried again.
  bool MayRetry(int attempts) const { return attempts < options_.max_attempts; }
  // The pause before the next attempt, after `attempts` (>= 1) failures.
  int64_t DelayMs(int attempts);
  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  std::mt19937_64 random_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_RETRY_SCHEDULE_H_
