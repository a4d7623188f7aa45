#include "adapters/local/background_remover.h"

#include <utility>

#include <sys/stat.h>

#include "adapters/local/dir_bucket_internal.h"

namespace invtrack::dir_bucket_internal {

BackgroundRemover::~BackgroundRemover() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundRemover::RemoveSoon(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) < kBackgroundFromBytes) {
    (void)RemoveFile(path);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(path);
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  queued_.notify_all();
}

void BackgroundRemover::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    queued_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    std::filesystem::path path = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    (void)RemoveFile(path);
    lock.lock();
  }
}

}  // namespace invtrack::dir_bucket_internal
