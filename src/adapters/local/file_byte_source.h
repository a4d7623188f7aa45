// FileByteSource: a ByteSource reading a local file front to back.
// Thread-safety: not thread-safe.
#ifndef INVTRACK_ADAPTERS_LOCAL_FILE_BYTE_SOURCE_H_
#define INVTRACK_ADAPTERS_LOCAL_FILE_BYTE_SOURCE_H_

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/byte_source.h"

namespace invtrack {

class FileByteSource final : public ByteSource {
 public:
  // NotFound / IOError naming the path when it cannot be opened.
  static Result<std::unique_ptr<FileByteSource>> Open(const std::filesystem::path& path);
  ~FileByteSource() override;

  Result<size_t> Read(char* buffer, size_t capacity) override;
  uint64_t size() const { return size_; }

 private:
  FileByteSource(int fd, uint64_t size, std::filesystem::path path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  std::filesystem::path path_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_FILE_BYTE_SOURCE_H_
