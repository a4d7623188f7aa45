// The first start of `invtrack serve`: with no dashboard user yet, it
// creates the user "admin" with a random one-time password, written to
// <data>/dashboard-admin-password (mode 0600) rather than printed, so it does
// not end up in logs. That user must choose a new password before the API
// answers anything else; `invtrack users passwd admin` also resets it.
// Thread-safety: call once at startup.
#ifndef INVTRACK_DASHBOARD_FIRST_ADMIN_H_
#define INVTRACK_DASHBOARD_FIRST_ADMIN_H_

#include <filesystem>
#include <optional>

#include "core/result.h"
#include "dashboard/user_store.h"

namespace invtrack {

inline constexpr char kFirstAdminName[] = "admin";

// The password file's path when an admin was created now; nullopt when
// users existed already.
Result<std::optional<std::filesystem::path>> CreateFirstAdminIfNone(
    UserStore& users, const std::filesystem::path& data_dir);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_FIRST_ADMIN_H_
