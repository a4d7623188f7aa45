// User: a dashboard account. Admins see every store and manage users and
// tokens; a viewer sees only the stores granted to them.
// Thread-safety: plain values and pure functions.
#ifndef INVTRACK_DASHBOARD_USER_H_
#define INVTRACK_DASHBOARD_USER_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace invtrack {

enum class Role { kAdmin, kViewer };

std::string_view RoleName(Role role);  // "admin", "viewer"
std::optional<Role> ParseRole(std::string_view name);

struct User {
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> stores;  // granted stores (viewers); unused for admins
  std::string password_hash;        // argon2id string
  bool must_change_password = false;
  int64_t created_ms = 0;

  bool MaySee(std::string_view store) const {
    return role == Role::kAdmin || std::find(stores.begin(), stores.end(), store) != stores.end();
  }
};

// 1-64 characters of A-Z a-z 0-9 . _ @ -, not starting with '.' or '-'.
Status ValidateUserName(std::string_view name);
// A store grant: 1-256 bytes, no control characters.
Status ValidateStoreName(std::string_view store);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_USER_H_
