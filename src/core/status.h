// Status: the outcome of an operation that may fail, returned (never thrown)
// on every I/O path. Success carries no message and is cheap to copy.
// Thread-safety: a Status is a value; distinct objects may be used freely.
#ifndef INVTRACK_CORE_STATUS_H_
#define INVTRACK_CORE_STATUS_H_

#include <string>
#include <string_view>

namespace invtrack {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kCorruption,
    kIOError,
    kAlreadyExists,
    kPermissionDenied,
    kUnavailable,
    kAborted,
    kInternal,
  };

  Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kNotFound, msg, detail);
  }
  static Status InvalidArgument(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kInvalidArgument, msg, detail);
  }
  static Status Corruption(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kCorruption, msg, detail);
  }
  static Status IOError(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kIOError, msg, detail);
  }
  static Status AlreadyExists(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kAlreadyExists, msg, detail);
  }
  static Status PermissionDenied(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kPermissionDenied, msg, detail);
  }
  // A transient condition (busy, throttled, peer down): retrying may succeed.
  static Status Unavailable(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kUnavailable, msg, detail);
  }
  static Status Aborted(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kAborted, msg, detail);
  }
  static Status Internal(std::string_view msg, std::string_view detail = {}) {
    return Status(Code::kInternal, msg, detail);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // The message without the code name; empty for OK.
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  bool IsPermissionDenied() const { return code_ == Code::kPermissionDenied; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsAborted() const { return code_ == Code::kAborted; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  static std::string_view CodeName(Code code);

 private:
  Status(Code code, std::string_view msg, std::string_view detail);

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_STATUS_H_
