#include "notify/retry_schedule.h"

#include <algorithm>

namespace invtrack {

int64_t RetrySchedule::DelayMs(int attempts) {
  int64_t base = std::max<int64_t>(options_.initial_backoff_ms, 1);
  for (int i = 1; i < attempts && base < options_.max_backoff_ms; ++i) base *= 2;
  base = std::min(base, std::max<int64_t>(options_.max_backoff_ms, 1));
  std::uniform_int_distribution<int64_t> jitter(0, base / 2);
  return base - base / 2 + jitter(random_);
}

}  // namespace invtrack
