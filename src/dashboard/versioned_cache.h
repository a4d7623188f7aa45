// VersionedCache: one value (e.g. a rendered JSON body) kept until the
// version it was built for is superseded; concurrent readers of the same
// version share one copy and the build runs at most once per version.
// Thread-safety: Get may be called from any thread.
#ifndef INVTRACK_DASHBOARD_VERSIONED_CACHE_H_
#define INVTRACK_DASHBOARD_VERSIONED_CACHE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace invtrack {

class VersionedCache {
 public:
  std::shared_ptr<const std::string> Get(uint64_t version,
                                         const std::function<std::string()>& build) {
    std::lock_guard lock(mutex_);
    if (!value_ || version_ != version) {
      value_ = std::make_shared<const std::string>(build());
      version_ = version;
    }
    return value_;
  }

 private:
  std::mutex mutex_;
  uint64_t version_ = 0;
  std::shared_ptr<const std::string> value_;
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_VERSIONED_CACHE_H_
