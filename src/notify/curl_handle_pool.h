// CurlHandlePool: idle libcurl easy handles kept between requests, so that
// concurrent senders reuse their kept-alive connections (and TLS sessions)
// instead of opening one per delivery. A lease takes a handle (or makes a
// new one) and gives it back, reset but still connected, when it ends.
// Thread-safety: Acquire and the leases' destructors may run concurrently;
// one lease is used by one thread.
#ifndef INVTRACK_NOTIFY_CURL_HANDLE_POOL_H_
#define INVTRACK_NOTIFY_CURL_HANDLE_POOL_H_

#include <cstddef>
#include <mutex>
#include <vector>

#include <curl/curl.h>

namespace invtrack {

class CurlHandlePool {
 public:
  class Lease {
   public:
    Lease(CurlHandlePool* pool, CURL* handle) : pool_(pool), handle_(handle) {}
    ~Lease() {
      if (handle_ != nullptr) pool_->Release(handle_);
    }
    Lease(Lease&& other) noexcept : pool_(other.pool_), handle_(other.handle_) {
      other.handle_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    CURL* get() const { return handle_; }  // nullptr: out of memory

   private:
    CurlHandlePool* pool_;
    CURL* handle_;
  };

  // Keeps at most `max_idle` handles (and their connections) when idle.
  explicit CurlHandlePool(size_t max_idle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  Lease Acquire();

 private:
  void Release(CURL* handle);

  const size_t max_idle_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;  // guarded by mutex_
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_CURL_HANDLE_POOL_H_
