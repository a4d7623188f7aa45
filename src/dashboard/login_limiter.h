// LoginLimiter: slows down password guessing. Each key (a user name, or a
// client address) may fail `free_failures` times in a row; every further
// failure locks the key for a back-off that doubles (base, 2*base, ...) up
// to `max_delay`. While a key is locked, sign-in is refused without
// checking the password (so a locked guess costs no argon2 work and gives
// no answer). A success clears the key.
// Thread-safety: all methods may be called from any thread.
#ifndef INVTRACK_DASHBOARD_LOGIN_LIMITER_H_
#define INVTRACK_DASHBOARD_LOGIN_LIMITER_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace invtrack {

struct LoginLimits {
  int free_failures = 5;
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{std::chrono::minutes(15)};
};

class LoginLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginLimiter(LoginLimits limits) : limits_(limits) {}

  // How long `key` must still wait; zero when it may try now.
  std::chrono::milliseconds RetryAfter(const std::string& key, Clock::time_point now) const;
  void RecordFailure(const std::string& key, Clock::time_point now);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point locked_until{};
  };
  static constexpr size_t kMaxEntries = 100'000;  // bounds memory under a spray of names

  LoginLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_LOGIN_LIMITER_H_
