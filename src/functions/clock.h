// Clock: the port for "now", so that time-dependent behaviour (timestamps,
// retry schedules, signature expiry) is testable with a fixed clock.
// Thread-safety: implementations must be safe to call from any thread.
#ifndef INVTRACK_FUNCTIONS_CLOCK_H_
#define INVTRACK_FUNCTIONS_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace invtrack {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_CLOCK_H_
