#include "http/socket_stream.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/result.h"

namespace invtrack {
namespace {

using Clock = SocketStream::Clock;

int MillisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

// Waits until `events` are signalled on `fd`. Returns 0 when ready (errors
// and hang-ups count as ready: the next syscall reports them), ETIMEDOUT, or
// the errno of poll.
int WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    int wait_ms = MillisecondsUntil(deadline);
    if (wait_ms == 0) return ETIMEDOUT;
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, wait_ms);
    if (ready > 0) return 0;
    if (ready < 0 && errno != EINTR) return errno;
  }
}

}  // namespace

Status SocketError(std::string_view what, int error) {
  std::string message(what);
  if (error == ETIMEDOUT) return Status::IOError(message + ": timed out");
  if (error == 0) return Status::IOError(message + ": connection closed by the client");
  return Status::IOError(message, std::strerror(error));
}

SocketStream::SocketStream(int fd, std::chrono::milliseconds write_timeout)
    : fd_(fd), write_timeout_(write_timeout) {
  int flags = ::fcntl(fd_, F_GETFL, 0);
  if (flags >= 0 && (flags & O_NONBLOCK) == 0) ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

SocketStream::~SocketStream() { ::close(fd_); }

void SocketStream::SetReadDeadline(Clock::time_point deadline) { read_deadline_ = deadline; }

void SocketStream::SetReadIdleTimeout(std::chrono::milliseconds timeout) {
  read_deadline_.reset();
  read_idle_timeout_ = timeout;
}

Clock::time_point SocketStream::NextReadDeadline() const {
  return read_deadline_ ? *read_deadline_ : Clock::now() + read_idle_timeout_;
}

IoResult SocketStream::ReadSome(char* data, size_t size) {
  if (size == 0) return {};
  Clock::time_point deadline = NextReadDeadline();
  for (;;) {
    // Try first: under load data is usually there, and this saves a poll.
    ssize_t n = ::recv(fd_, data, size, 0);
    if (n >= 0) return {static_cast<size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return {0, errno};
    if (int error = WaitFor(fd_, POLLIN, deadline); error != 0) return {0, error};
  }
}

bool SocketStream::WaitReadable(std::chrono::milliseconds timeout) {
  return WaitFor(fd_, POLLIN, Clock::now() + timeout) == 0;
}

IoResult SocketStream::WriteSome(const iovec* iov, size_t count, bool more) {
  int flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0);
  for (;;) {
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(iov);
    message.msg_iovlen = count;
    ssize_t n = ::sendmsg(fd_, &message, flags);
    if (n >= 0) return {static_cast<size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return {0, errno};
    if (int error = WaitFor(fd_, POLLOUT, Clock::now() + write_timeout_); error != 0) {
      return {0, error};
    }
  }
}

Status SocketStream::WriteVector(iovec* iov, size_t count, bool more) {
  size_t first = 0;
  while (first < count) {
    IoResult written = WriteSome(iov + first, count - first, more);
    if (written.error != 0) return SocketError("writing the response", written.error);
    size_t left = written.bytes;
    while (first < count && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < count) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return Status::OK();
}

Status SocketStream::WriteAll(std::initializer_list<std::string_view> pieces, bool more) {
  constexpr size_t kMaxPieces = 8;
  iovec iov[kMaxPieces];
  size_t count = 0;
  for (std::string_view piece : pieces) {
    if (piece.empty()) continue;
    if (count == kMaxPieces) {
      INVTRACK_RETURN_IF_ERROR(WriteVector(iov, count, true));
      count = 0;
    }
    iov[count++] = {const_cast<char*>(piece.data()), piece.size()};
  }
  return WriteVector(iov, count, more);
}

Status SocketStream::SendFile(int file_fd, uint64_t offset, uint64_t length) {
  // Linux moves at most 0x7ffff000 bytes per call.
  constexpr uint64_t kMaxPerCall = 0x7ffff000;
  off_t position = static_cast<off_t>(offset);
  uint64_t left = length;
  while (left > 0) {
    ssize_t n = ::sendfile(fd_, file_fd, &position, std::min(left, kMaxPerCall));
    if (n > 0) {
      left -= static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0) return Status::IOError("sending a file: the file is shorter than the range");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return SocketError("sending a file", errno);
    if (int error = WaitFor(fd_, POLLOUT, Clock::now() + write_timeout_); error != 0) {
      return SocketError("sending a file", error);
    }
  }
  return Status::OK();
}

void SocketStream::Shutdown() { ::shutdown(fd_, SHUT_RDWR); }

void SocketStream::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void SocketStream::FinishWithLinger(std::chrono::milliseconds max_wait, size_t max_bytes) {
  ShutdownWrite();
  Clock::time_point deadline = Clock::now() + max_wait;
  char sink[16 * 1024];
  size_t discarded = 0;
  while (discarded < max_bytes) {
    ssize_t n = ::recv(fd_, sink, sizeof(sink), 0);
    if (n == 0) return;  // the client closed: a quiet close follows
    if (n > 0) {
      discarded += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return;
    if (WaitFor(fd_, POLLIN, deadline) != 0) return;
  }
}

}  // namespace invtrack
