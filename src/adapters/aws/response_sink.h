// ResponseSink: where AwsHttpClient streams the body of a successful (2xx)
// response, so a 1 GiB GetObject never sits in memory. Error bodies are
// kept in the response instead, to be parsed.
// Thread-safety: not thread-safe; one request at a time.
#ifndef INVTRACK_ADAPTERS_AWS_RESPONSE_SINK_H_
#define INVTRACK_ADAPTERS_AWS_RESPONSE_SINK_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

class ResponseSink {
 public:
  ResponseSink() = default;
  ResponseSink(const ResponseSink&) = delete;
  ResponseSink& operator=(const ResponseSink&) = delete;
  virtual ~ResponseSink() = default;

  // An error aborts the transfer; the request fails with it.
  virtual Status Write(std::string_view bytes) = 0;
  // Forgets everything written so far, so that an attempt that broke off
  // mid-body can be retried. False when that is not possible.
  virtual bool Restart() = 0;
};

// Appends to a string owned by the caller.
class StringResponseSink final : public ResponseSink {
 public:
  explicit StringResponseSink(std::string* out) : out_(out) {}
  Status Write(std::string_view bytes) override {
    out_->append(bytes);
    return Status::OK();
  }
  bool Restart() override {
    out_->clear();
    return true;
  }

 private:
  std::string* out_;
};

// Hands every piece to a callback (e.g. to hash or count it). Not
// restartable: the callback has already seen the bytes.
class CallbackResponseSink final : public ResponseSink {
 public:
  explicit CallbackResponseSink(std::function<Status(std::string_view)> callback)
      : callback_(std::move(callback)) {}
  Status Write(std::string_view bytes) override { return callback_(bytes); }
  bool Restart() override { return false; }

 private:
  std::function<Status(std::string_view)> callback_;
};

// Writes a local file (created or truncated). Finish() must be called after
// the transfer to learn about late write errors; a retry truncates it.
class FileResponseSink final : public ResponseSink {
 public:
  static Result<std::unique_ptr<FileResponseSink>> Create(const std::filesystem::path& path);
  ~FileResponseSink() override;

  Status Write(std::string_view bytes) override;
  bool Restart() override;
  // Closes the file, reporting any error of the last writes.
  Status Finish();
  uint64_t bytes_written() const { return written_; }

 private:
  FileResponseSink(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
  uint64_t written_ = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_RESPONSE_SINK_H_
