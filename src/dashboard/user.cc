#include "dashboard/user.h"

namespace invtrack {

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "viewer"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

Status ValidateUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("user name must be 1-64 characters");
  }
  if (name.front() == '.' || name.front() == '-') {
    return Status::InvalidArgument("user name must not start with '.' or '-'");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("user name may only hold letters, digits and . _ @ -");
    }
  }
  return Status::OK();
}

Status ValidateStoreName(std::string_view store) {
  if (store.empty() || store.size() > 256) {
    return Status::InvalidArgument("store name must be 1-256 bytes");
  }
  for (unsigned char c : store) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("store name must not hold control characters");
    }
  }
  return Status::OK();
}

}  // namespace invtrack
