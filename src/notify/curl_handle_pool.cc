#include "notify/curl_handle_pool.h"

namespace invtrack {

namespace {

// curl_global_init is not thread-safe; do it once before the first handle.
void InitCurlOnce() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK; }();
  (void)initialized;
}

}  // namespace

CurlHandlePool::CurlHandlePool(size_t max_idle) : max_idle_(max_idle) { InitCurlOnce(); }

CurlHandlePool::~CurlHandlePool() {
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
}

CurlHandlePool::Lease CurlHandlePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      CURL* handle = idle_.back();
      idle_.pop_back();
      return Lease(this, handle);
    }
  }
  return Lease(this, curl_easy_init());
}

void CurlHandlePool::Release(CURL* handle) {
  // Reset drops the options (so no request's headers or body pointers
  // linger) but keeps the live connection for the next request.
  curl_easy_reset(handle);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

}  // namespace invtrack
