#include "adapters/aws/response_sink.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace invtrack {

Result<std::unique_ptr<FileResponseSink>> FileResponseSink::Create(
    const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  return std::unique_ptr<FileResponseSink>(new FileResponseSink(fd, path));
}

FileResponseSink::~FileResponseSink() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileResponseSink::Write(std::string_view bytes) {
  if (fd_ < 0) return Status::Internal("write to a finished file sink");
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return Status::IOError("cannot write " + path_.string() + ": " + std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

bool FileResponseSink::Restart() {
  if (fd_ < 0 || ::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) return false;
  written_ = 0;
  return true;
}

Status FileResponseSink::Finish() {
  if (fd_ < 0) return Status::OK();
  int result = ::close(fd_);
  fd_ = -1;
  if (result != 0) {
    return Status::IOError("cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace invtrack
