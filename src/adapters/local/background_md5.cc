#include "adapters/local/background_md5.h"

namespace invtrack::dir_bucket_internal {

BackgroundMd5::BackgroundMd5(size_t chunk_size, size_t max_buffers)
    : chunk_size_(chunk_size), max_buffers_(max_buffers < 2 ? 2 : max_buffers) {}

BackgroundMd5::~BackgroundMd5() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

char* BackgroundMd5::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_.empty() && buffers_.size() < max_buffers_) {
    buffers_.emplace_back(
        static_cast<char*>(::operator new[](chunk_size_, std::align_val_t{kBufferAlignment})));
    return buffers_.back().get();
  }
  changed_.wait(lock, [this] { return !free_.empty(); });
  char* buffer = free_.back();
  free_.pop_back();
  return buffer;
}

void BackgroundMd5::Submit(char* buffer, size_t size) {
  bool start = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (size == 0) {
      free_.push_back(buffer);
      return;
    }
    queue_.emplace_back(buffer, size);
    if (!thread_.joinable() && queue_.size() >= 2) start = true;
  }
  if (!start) {
    changed_.notify_all();  // the helper thread, if running, waits for work
    return;
  }
  // A second chunk: the body is big enough to be worth a thread.
  thread_ = std::thread([this] { Run(); });
}

void BackgroundMd5::HashQueued(std::unique_lock<std::mutex>& lock) {
  while (!queue_.empty() && !stop_) {
    auto [buffer, size] = queue_.front();
    queue_.pop_front();
    hashing_ = true;
    lock.unlock();
    Status hashed = error_.ok() ? md5_.Update(buffer, size) : Status::OK();
    lock.lock();
    hashing_ = false;
    if (!hashed.ok() && error_.ok()) error_ = hashed;
    free_.push_back(buffer);
    changed_.notify_all();
  }
}

void BackgroundMd5::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    HashQueued(lock);
    changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
  }
}

Result<std::string> BackgroundMd5::FinishHex() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (thread_.joinable()) {
      changed_.wait(lock, [this] { return queue_.empty() && !hashing_; });
      stop_ = true;
    } else {
      HashQueued(lock);  // one chunk at most: not worth a thread
    }
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!error_.ok()) return error_;
  return md5_.FinalHex();
}

}  // namespace invtrack::dir_bucket_internal
