#include "dashboard/login_limiter.h"

#include <algorithm>

namespace invtrack {

std::chrono::milliseconds LoginLimiter::RetryAfter(const std::string& key,
                                                   Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(it->second.locked_until - now);
}

void LoginLimiter::RecordFailure(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries && !entries_.contains(key)) {
    // Drop keys that are no longer locked; they only remember a count.
    std::erase_if(entries_, [now](const auto& e) { return e.second.locked_until <= now; });
  }
  Entry& entry = entries_[key];
  ++entry.failures;
  int over = entry.failures - limits_.free_failures;
  if (over <= 0) return;
  auto delay = limits_.base_delay;
  for (int i = 1; i < over && delay < limits_.max_delay; ++i) delay *= 2;
  delay = std::min(delay, limits_.max_delay);
  entry.locked_until = now + delay;
}

void LoginLimiter::RecordSuccess(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

}  // namespace invtrack
