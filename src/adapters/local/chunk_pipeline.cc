#include "adapters/local/chunk_pipeline.h"

#include <utility>

#include <errno.h>
#include <unistd.h>

namespace invtrack::dir_bucket_internal {

ChunkPipeline::ChunkPipeline(size_t chunk_size, size_t max_buffers, int write_fd, int writers,
                             std::filesystem::path path)
    : chunk_size_(chunk_size),
      max_buffers_(max_buffers < 2 ? 2 : max_buffers),
      write_fd_(write_fd),
      writer_count_(writers < 1 ? 1 : writers),
      path_(std::move(path)) {}

ChunkPipeline::~ChunkPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    to_hash_.clear();
    to_write_.clear();
  }
  changed_.notify_all();
  if (hasher_.joinable()) hasher_.join();
  for (std::thread& writer : writers_) writer.join();
}

Result<char*> ChunkPipeline::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_.empty() && buffers_.size() < max_buffers_ && error_.ok()) {
    buffers_.emplace_back(
        static_cast<char*>(::operator new[](chunk_size_, std::align_val_t{kBufferAlignment})));
    return buffers_.back().get();
  }
  changed_.wait(lock, [this] { return !free_.empty() || !error_.ok(); });
  if (!error_.ok()) return error_;
  char* buffer = free_.back();
  free_.pop_back();
  return buffer;
}

void ChunkPipeline::Submit(char* buffer, size_t size, std::optional<uint64_t> write_at) {
  std::lock_guard<std::mutex> lock(mu_);
  if (size == 0) {
    free_.push_back(buffer);
    return;
  }
  users_[buffer] = write_at ? 2 : 1;
  to_hash_.push_back(Job{buffer, size, 0});
  if (write_at) {
    to_write_.push_back(Job{buffer, size, *write_at});
    while (writers_.size() < static_cast<size_t>(writer_count_)) {
      writers_.emplace_back([this] { RunWriter(); });
    }
  }
  // From the second chunk on the body is big enough to be worth a thread.
  if (!hasher_.joinable() && to_hash_.size() >= 2) hasher_ = std::thread([this] { RunHasher(); });
  changed_.notify_all();
}

void ChunkPipeline::Release(char* buffer) {
  if (--users_[buffer] > 0) return;
  users_.erase(buffer);
  free_.push_back(buffer);
  changed_.notify_all();
}

bool ChunkPipeline::Idle() const { return to_hash_.empty() && to_write_.empty() && busy_ == 0; }

void ChunkPipeline::HashQueued(std::unique_lock<std::mutex>& lock) {
  while (!to_hash_.empty() && !stop_) {
    Job job = to_hash_.front();
    to_hash_.pop_front();
    ++busy_;
    lock.unlock();
    Status hashed = md5_.Update(job.buffer, job.size);
    lock.lock();
    --busy_;
    if (!hashed.ok() && error_.ok()) error_ = hashed;
    Release(job.buffer);
  }
}

void ChunkPipeline::RunHasher() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    HashQueued(lock);
    changed_.wait(lock, [this] { return stop_ || !to_hash_.empty(); });
  }
}

Status ChunkPipeline::WriteChunk(const Job& job) const {
  const char* data = job.buffer;
  size_t size = job.size;
  uint64_t offset = job.offset;
  while (size > 0) {
    ssize_t n = ::pwrite(write_fd_, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path_, errno);
    }
    if (n == 0) return ErrnoStatus("cannot write", path_, EIO);
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

void ChunkPipeline::RunWriter() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || !to_write_.empty(); });
    if (stop_) return;
    Job job = to_write_.front();
    to_write_.pop_front();
    ++busy_;
    bool failed_already = !error_.ok();  // then the file is doomed anyway
    lock.unlock();
    Status written = failed_already ? Status::OK() : WriteChunk(job);
    lock.lock();
    --busy_;
    if (!written.ok() && error_.ok()) error_ = written;
    Release(job.buffer);
  }
}

Result<std::string> ChunkPipeline::Finish() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!hasher_.joinable()) HashQueued(lock);  // one chunk at most: not worth a thread
    changed_.wait(lock, [this] { return Idle(); });
    stop_ = true;
  }
  changed_.notify_all();
  if (hasher_.joinable()) hasher_.join();
  for (std::thread& writer : writers_) writer.join();
  writers_.clear();
  if (!error_.ok()) return error_;
  return md5_.FinalHex();
}

}  // namespace invtrack::dir_bucket_internal
