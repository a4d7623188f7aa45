#include "adapters/aws/outgoing_body.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sigv4/signer.h"

namespace invtrack {

Result<size_t> StringOutgoingBody::Read(char* buffer, size_t capacity) {
  size_t n = std::min(capacity, bytes_.size() - offset_);
  bytes_.copy(buffer, n, offset_);
  offset_ += n;
  return n;
}

std::optional<std::string> StringOutgoingBody::PayloadSha256() const { return Sha256Hex(bytes_); }

Result<std::unique_ptr<FileOutgoingBody>> FileOutgoingBody::Open(
    const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    std::string message = "cannot open " + path.string() + ": " + std::strerror(error);
    if (error == ENOENT) return Status::NotFound(message);
    return Status::IOError(message);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return Status::IOError("cannot stat " + path.string() + ": " + std::strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path.string() + " is not a regular file");
  }
  // Sequential reads: let the kernel read ahead generously.
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileOutgoingBody>(
      new FileOutgoingBody(fd, static_cast<uint64_t>(info.st_size), path));
}

FileOutgoingBody::~FileOutgoingBody() { ::close(fd_); }

Result<size_t> FileOutgoingBody::Read(char* buffer, size_t capacity) {
  size_t wanted = static_cast<size_t>(std::min<uint64_t>(capacity, size_ - offset_));
  if (wanted == 0) return size_t{0};
  while (true) {
    ssize_t n = ::pread(fd_, buffer, wanted, static_cast<off_t>(offset_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return Status::IOError("cannot read " + path_.string() + ": " + std::strerror(errno));
    if (n == 0) {
      return Status::IOError(path_.string() + " shrank while it was being uploaded");
    }
    offset_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
}

Result<size_t> SourceOutgoingBody::Read(char* buffer, size_t capacity) {
  size_t wanted = static_cast<size_t>(std::min<uint64_t>(capacity, size_ - offset_));
  if (wanted == 0) return size_t{0};
  Result<size_t> n = source_->Read(buffer, wanted);
  if (!n.ok()) return n.status();
  if (*n == 0) {
    return Status::IOError("the body ended after " + std::to_string(offset_) + " of " +
                           std::to_string(size_) + " bytes");
  }
  offset_ += *n;
  return *n;
}

}  // namespace invtrack
