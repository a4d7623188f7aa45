// DataFiles: where one bucket keeps bodies (objects and multipart parts).
// A body is written to tmp/<id>.tmp and, once complete and fsynced, renamed
// to data/<first two hex digits of id>/<id>. Ids are RandomHexId()s, never
// reused, so a file name never depends on an object key.
// Thread-safety: immutable after construction; RemoveOnExit is used by one
// thread.
#ifndef INVTRACK_ADAPTERS_LOCAL_DATA_FILES_H_
#define INVTRACK_ADAPTERS_LOCAL_DATA_FILES_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/result.h"
#include "core/status.h"

namespace invtrack::dir_bucket_internal {

class DataFiles {
 public:
  explicit DataFiles(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path TmpPath(std::string_view id) const;
  std::filesystem::path DataPath(std::string_view id) const;

  // Renames the finished temporary of `id` to its data path (making the
  // fan-out directory on first use) and fsyncs the directory, so the file is
  // durable under its final name before any row may point at it.
  Status Publish(std::string_view id) const;
  // Best effort: a file left behind is garbage that OpenDir collects.
  void RemoveQuietly(std::string_view id) const;

  // For garbage collection, which must only run while no writer is active.
  Status RemoveAllTemporaries() const;
  Result<std::unordered_set<std::string>> ListDataIds() const;

 private:
  std::filesystem::path root_;
};

// Deletes a file when the scope ends, unless dismissed.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::filesystem::path path) : path_(std::move(path)) {}
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  ~RemoveOnExit();
  void Dismiss() { armed_ = false; }

 private:
  std::filesystem::path path_;
  bool armed_ = true;
};

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_DATA_FILES_H_
