// HttpResponse: what a handler answers. The body is a string, a range of an
// open file (sent with sendfile(2), so a 1 GiB GET is not copied through
// user space), or a stream written by a callback (server-sent events).
// Thread-safety: a value type (the file descriptor is owned).
#ifndef INVTRACK_HTTP_HTTP_RESPONSE_H_
#define INVTRACK_HTTP_HTTP_RESPONSE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace invtrack {

// An open file descriptor, closed when the last owner is gone.
class FileHandle {
 public:
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle();
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Lets a streaming response write pieces as they become available; each
// Write is sent as one HTTP chunk. Write fails once the client is gone.
class ResponseStreamWriter {
 public:
  virtual ~ResponseStreamWriter() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

struct HttpResponse {
  int status = 200;
  // Content-Length, Date, Server and Connection are added by the server.
  std::vector<std::pair<std::string, std::string>> headers;

  std::string body;
  struct FileRange {
    std::shared_ptr<FileHandle> file;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  std::optional<FileRange> file;  // sent instead of `body` when set

  // Sent with chunked transfer coding instead of `body` when set; returns
  // when the stream is over (or the writer failed).
  std::function<void(ResponseStreamWriter&)> stream;

  // For HEAD: the Content-Length to announce although no body is sent.
  std::optional<uint64_t> head_content_length;

  bool close_connection = false;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_HTTP_RESPONSE_H_
