// BackgroundRemover: unlinks big data files off the request path. Removing
// a 1 GiB file takes about a second on this machine's ext4 (mounted with
// `discard`), time that a Put replacing it need not wait for: the version is
// already gone from the metadata, so nothing can open the file any more.
// Small files are removed at once, which keeps the common case synchronous.
// The destructor finishes the queued removals; one the process did not get
// to (a crash) is an unreferenced file that DirBucket::OpenDir collects.
// Thread-safety: RemoveSoon may be called from any thread.
#ifndef INVTRACK_ADAPTERS_LOCAL_BACKGROUND_REMOVER_H_
#define INVTRACK_ADAPTERS_LOCAL_BACKGROUND_REMOVER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace invtrack::dir_bucket_internal {

class BackgroundRemover {
 public:
  static constexpr uint64_t kBackgroundFromBytes = uint64_t{64} << 20;

  BackgroundRemover() = default;
  BackgroundRemover(const BackgroundRemover&) = delete;
  BackgroundRemover& operator=(const BackgroundRemover&) = delete;
  ~BackgroundRemover();

  // Best effort, like DataFiles::RemoveQuietly.
  void RemoveSoon(const std::filesystem::path& path);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable queued_;
  std::deque<std::filesystem::path> queue_;
  bool stop_ = false;
  std::thread thread_;  // started on the first big file
};

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_BACKGROUND_REMOVER_H_
