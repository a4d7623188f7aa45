// OutgoingBody: the bytes of a request sent by AwsHttpClient, of a size known
// up front (S3 wants a Content-Length). A body that can start over lets a
// failed attempt be retried; a body small enough to hash before sending is
// signed with its real SHA-256, others travel as UNSIGNED-PAYLOAD.
// Thread-safety: not thread-safe; one request at a time.
#ifndef INVTRACK_ADAPTERS_AWS_OUTGOING_BODY_H_
#define INVTRACK_ADAPTERS_AWS_OUTGOING_BODY_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack {

class OutgoingBody {
 public:
  OutgoingBody() = default;
  OutgoingBody(const OutgoingBody&) = delete;
  OutgoingBody& operator=(const OutgoingBody&) = delete;
  virtual ~OutgoingBody() = default;

  virtual uint64_t size() const = 0;
  // Copies up to `capacity` bytes; 0 only at the end. An error aborts the
  // request (and, like a body that ends early, is never retried).
  virtual Result<size_t> Read(char* buffer, size_t capacity) = 0;
  // Goes back to the first byte for another attempt. False when the body
  // cannot be replayed.
  virtual bool Rewind() = 0;
  // Hex SHA-256 of the whole body when it is at hand (in-memory bodies);
  // nullopt means the body is streamed and signed as UNSIGNED-PAYLOAD.
  virtual std::optional<std::string> PayloadSha256() const { return std::nullopt; }
};

// Bytes in memory, owned by the caller; they must outlive the request.
class StringOutgoingBody final : public OutgoingBody {
 public:
  explicit StringOutgoingBody(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<size_t> Read(char* buffer, size_t capacity) override;
  bool Rewind() override {
    offset_ = 0;
    return true;
  }
  std::optional<std::string> PayloadSha256() const override;

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
};

// A local file, read with pread so a retry starts over cheaply. The size is
// taken when the file is opened; a file that shrinks meanwhile fails the
// request rather than sending a short body.
class FileOutgoingBody final : public OutgoingBody {
 public:
  // NotFound / IOError naming the path; InvalidArgument for a directory.
  static Result<std::unique_ptr<FileOutgoingBody>> Open(const std::filesystem::path& path);
  ~FileOutgoingBody() override;

  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* buffer, size_t capacity) override;
  bool Rewind() override {
    offset_ = 0;
    return true;
  }

 private:
  FileOutgoingBody(int fd, uint64_t size, std::filesystem::path path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  uint64_t offset_ = 0;
  std::filesystem::path path_;
};

// A forward-only ByteSource of a declared size, owned by the caller. It can
// be "rewound" only while nothing has been read from it yet (e.g. the
// connection was refused before the upload began).
class SourceOutgoingBody final : public OutgoingBody {
 public:
  SourceOutgoingBody(ByteSource* source, uint64_t size) : source_(source), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* buffer, size_t capacity) override;
  bool Rewind() override { return offset_ == 0; }

 private:
  ByteSource* source_;
  uint64_t size_;
  uint64_t offset_ = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_OUTGOING_BODY_H_
