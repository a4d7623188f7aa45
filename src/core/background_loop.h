// BackgroundLoop: one worker thread that runs a body until stopped, and can
// sleep in a way that Notify() or Stop() cuts short. The async dispatcher,
// the stream poller and the WAL checkpointer all work this way: woken at
// once by work from this process, and by a timeout for anything else.
// Thread-safety: Start/Stop from the owner; Notify from any thread;
// SleepFor and stopping() from the worker.
#ifndef INVTRACK_CORE_BACKGROUND_LOOP_H_
#define INVTRACK_CORE_BACKGROUND_LOOP_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace invtrack {

class BackgroundLoop {
 public:
  BackgroundLoop() = default;
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;
  ~BackgroundLoop() { Stop(); }

  // Runs `body` on a new thread; `body` should return once stopping().
  void Start(std::function<void()> body) {
    stopping_ = false;
    thread_ = std::thread(std::move(body));
  }

  // Asks the body to finish and waits for it.
  void Stop() {
    stopping_ = true;
    Notify();
    if (thread_.joinable()) thread_.join();
  }

  void Notify() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      notified_ = true;
    }
    wake_.notify_all();
  }

  // Waits up to `ms`, or less if notified (also before the call) or
  // stopping. Returns whether a notification ended (or preceded) the wait.
  bool SleepFor(int64_t ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return notified_ || stopping_; });
    return std::exchange(notified_, false);
  }

  bool stopping() const { return stopping_; }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_BACKGROUND_LOOP_H_
