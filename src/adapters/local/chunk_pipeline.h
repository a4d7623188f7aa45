// ChunkPipeline: hands the chunks of a body from the thread that reads it
// to helper threads, so reading, hashing and writing overlap: one thread
// computes the MD5 (in order; MD5 alone is slower than the disk and the
// network on this kind of machine) and, optionally, writer threads store
// chunks with positional writes (several in flight, as the disk is faster
// at a queue depth above one).
//
// The pipeline owns at most `max_buffers` chunk buffers, which bounds
// memory: the reader takes a free one with Acquire() (blocking until one is
// free), fills it and hands it over with Submit(); a buffer is reused once
// it is hashed and, if it was queued for writing, written. A reader that
// writes a chunk itself may use the buffer until its next Acquire().
// Buffers are aligned to kBufferAlignment, so they may be written with
// O_DIRECT. The hashing thread starts with the second chunk: a body of one
// chunk is hashed inline and costs no thread.
// Thread-safety: one reader thread; the helper threads are internal.
#ifndef INVTRACK_ADAPTERS_LOCAL_CHUNK_PIPELINE_H_
#define INVTRACK_ADAPTERS_LOCAL_CHUNK_PIPELINE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/local/dir_bucket_internal.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

class ChunkPipeline {
 public:
  static constexpr size_t kBufferAlignment = 4096;

  // `write_fd` (not owned; -1 if the reader writes itself) is where
  // `writers` threads store the chunks submitted with an offset.
  ChunkPipeline(size_t chunk_size, size_t max_buffers, int write_fd, int writers,
                std::filesystem::path path);
  ChunkPipeline(const ChunkPipeline&) = delete;
  ChunkPipeline& operator=(const ChunkPipeline&) = delete;
  ~ChunkPipeline();  // abandons whatever is queued

  size_t chunk_size() const { return chunk_size_; }
  // A buffer of chunk_size() bytes to fill, or the error a helper hit.
  Result<char*> Acquire();
  // Queues the first `size` bytes of an acquired buffer for hashing and, if
  // `write_at` is set, for writing at that file offset. A size of 0 just
  // gives the buffer back.
  void Submit(char* buffer, size_t size, std::optional<uint64_t> write_at);
  // Waits until every submitted chunk is hashed and written; returns the
  // lower-case hex MD5 or the first error. Call once.
  Result<std::string> Finish();

 private:
  struct Job {
    char* buffer;
    size_t size;
    uint64_t offset;
  };
  struct AlignedDelete {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t{kBufferAlignment}); }
  };

  void RunHasher();
  void RunWriter();
  void HashQueued(std::unique_lock<std::mutex>& lock);
  void Release(char* buffer);  // REQUIRES: mu_ held
  bool Idle() const;           // REQUIRES: mu_ held
  Status WriteChunk(const Job& job) const;

  const size_t chunk_size_;
  const size_t max_buffers_;
  const int write_fd_;
  const int writer_count_;
  const std::filesystem::path path_;
  Md5 md5_;  // used by one thread at a time: the hasher, or Finish inline

  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<char[], AlignedDelete>> buffers_;
  std::vector<char*> free_;
  std::unordered_map<char*, int> users_;  // consumers still holding a buffer
  std::deque<Job> to_hash_;
  std::deque<Job> to_write_;
  int busy_ = 0;  // jobs popped and being worked on
  bool stop_ = false;
  Status error_;
  std::thread hasher_;
  std::vector<std::thread> writers_;
};

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_CHUNK_PIPELINE_H_
