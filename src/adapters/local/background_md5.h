// BackgroundMd5: the MD5 of a stream of chunks, computed on a helper thread
// so that the caller reads and writes the next chunk meanwhile (MD5 alone
// is slower than the disk and the network on this kind of machine).
//
// The hasher owns at most `max_buffers` chunk buffers, which bounds memory:
// the caller takes a free one with Acquire() (blocking until the hasher has
// returned one), fills it, and hands it over with Submit(). The caller may
// still read a submitted buffer (e.g. write(2) it) until its next Acquire().
// Buffers are aligned to kBufferAlignment, so they may be written with
// O_DIRECT. The thread starts with the second chunk: a body that fits in one chunk
// is hashed inline and costs no thread.
// Thread-safety: one caller thread; the helper thread is internal.
#ifndef INVTRACK_ADAPTERS_LOCAL_BACKGROUND_MD5_H_
#define INVTRACK_ADAPTERS_LOCAL_BACKGROUND_MD5_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/local/dir_bucket_internal.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

class BackgroundMd5 {
 public:
  static constexpr size_t kBufferAlignment = 4096;

  BackgroundMd5(size_t chunk_size, size_t max_buffers);
  BackgroundMd5(const BackgroundMd5&) = delete;
  BackgroundMd5& operator=(const BackgroundMd5&) = delete;
  ~BackgroundMd5();  // abandons whatever is queued

  size_t chunk_size() const { return chunk_size_; }
  // A buffer of chunk_size() bytes that the caller may fill.
  char* Acquire();
  // Queues the first `size` bytes of an acquired buffer for hashing; a size
  // of 0 just gives the buffer back.
  void Submit(char* buffer, size_t size);
  // Waits for every submitted chunk and returns the lower-case hex digest.
  // Call once.
  Result<std::string> FinishHex();

 private:
  void Run();
  void HashQueued(std::unique_lock<std::mutex>& lock);

  const size_t chunk_size_;
  const size_t max_buffers_;
  Md5 md5_;  // touched by the helper thread only while it runs

  std::mutex mu_;
  std::condition_variable changed_;
  struct AlignedDelete {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t{kBufferAlignment}); }
  };
  std::vector<std::unique_ptr<char[], AlignedDelete>> buffers_;
  std::vector<char*> free_;
  std::deque<std::pair<char*, size_t>> queue_;
  bool hashing_ = false;  // the helper thread is hashing a chunk it popped
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_BACKGROUND_MD5_H_
