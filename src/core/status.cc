#include "core/status.h"

namespace invtrack {

Status::Status(Code code, std::string_view msg, std::string_view detail) : code_(code) {
  message_.assign(msg);
  if (!detail.empty()) {
    message_.append(": ");
    message_.append(detail);
  }
}

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "Not found";
    case Code::kInvalidArgument:
      return "Invalid argument";
    case Code::kCorruption:
      return "Corruption";
    case Code::kIOError:
      return "IO error";
    case Code::kAlreadyExists:
      return "Already exists";
    case Code::kPermissionDenied:
      return "Permission denied";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kAborted:
      return "Aborted";
    case Code::kInternal:
      return "Internal error";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out.append(": ");
  out.append(message_);
  return out;
}

}  // namespace invtrack
