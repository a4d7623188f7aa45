// SocketStream: a connected TCP socket used with blocking semantics but
// bounded waits. The fd is non-blocking; every wait goes through poll(2)
// with a deadline, so a silent client can never hold a thread forever and
// no asio io_context is needed. Writes use MSG_NOSIGNAL: a client that went
// away yields EPIPE, never SIGPIPE (sendfile(2) has no such flag: the server
// blocks SIGPIPE in its threads).
// Thread-safety: one thread does the I/O; Shutdown() may come from another
// (the server's Stop), which wakes every pending wait.
#ifndef INVTRACK_HTTP_SOCKET_STREAM_H_
#define INVTRACK_HTTP_SOCKET_STREAM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include <sys/uio.h>

#include "core/status.h"

namespace invtrack {

// The outcome of one read or write: bytes moved, or an errno value
// (ETIMEDOUT when the wait ran out). A read of 0 bytes without an error
// means the peer closed its side.
struct IoResult {
  size_t bytes = 0;
  int error = 0;
};

class SocketStream {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes ownership of a connected socket and makes it non-blocking.
  SocketStream(int fd, std::chrono::milliseconds write_timeout);
  ~SocketStream();  // closes the socket
  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  int fd() const { return fd_; }

  // Reads end at an absolute deadline (the whole request header must arrive
  // by then).
  void SetReadDeadline(Clock::time_point deadline);
  // Each wait for data is bounded (a request body): inactivity, not total time.
  void SetReadIdleTimeout(std::chrono::milliseconds timeout);

  // Reads what is available, waiting for at least one byte.
  IoResult ReadSome(char* data, size_t size);
  // Waits until a read would not block (data or the peer's close); false
  // when `timeout` passed first.
  bool WaitReadable(std::chrono::milliseconds timeout);

  // One sendmsg(2) of up to `count` buffers, waiting up to the write
  // timeout for buffer space.
  IoResult WriteSome(const iovec* iov, size_t count, bool more = false);
  // Writes every piece; `more` tells the kernel that more data follows
  // soon (MSG_MORE), so a header and its sendfile body share packets.
  Status WriteAll(std::initializer_list<std::string_view> pieces, bool more = false);
  // Sends `length` bytes of `file_fd` from `offset` with sendfile(2).
  Status SendFile(int file_fd, uint64_t offset, uint64_t length);

  // Ends both directions; any thread may call it to wake the I/O thread.
  void Shutdown();
  // After a final response while the client may still be sending: stops
  // writing and discards what arrives until the client closes, at most
  // `max_bytes` or `max_wait`. Closing with unread bytes would send a TCP
  // reset, which can destroy the response before the client reads it.
  void FinishWithLinger(std::chrono::milliseconds max_wait, size_t max_bytes);
  // Ends writing (the client reads EOF after the response).
  void ShutdownWrite();

 private:
  Clock::time_point NextReadDeadline() const;
  Status WriteVector(iovec* iov, size_t count, bool more);

  int fd_;
  std::chrono::milliseconds write_timeout_;
  std::optional<Clock::time_point> read_deadline_;
  std::chrono::milliseconds read_idle_timeout_{30'000};
};

// A Status describing a failed read or write (`error` from an IoResult).
Status SocketError(std::string_view what, int error);

}  // namespace invtrack

#endif  // INVTRACK_HTTP_SOCKET_STREAM_H_
