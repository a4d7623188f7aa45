// UserStore: dashboard accounts and API (bearer) tokens in dashboard.db.
// Users are cached in memory for the per-request lookups; the cache is
// reloaded when another process (e.g. `invtrack users remove` while serve
// runs) committed a change, detected with SQLite's data_version, so a
// removed user loses access at their next request. Tokens are stored as
// SHA-256 digests only.
// Thread-safety: all methods may be called from any thread.
#ifndef INVTRACK_DASHBOARD_USER_STORE_H_
#define INVTRACK_DASHBOARD_USER_STORE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/result.h"
#include "dashboard/user.h"

namespace invtrack {

struct ApiToken {
  int64_t id = 0;
  std::string user;
  std::string label;
  int64_t created_ms = 0;
};

// A new token: the secret is shown once and never stored.
struct IssuedToken {
  ApiToken token;
  std::string secret;
};

class UserStore {
 public:
  static Result<std::unique_ptr<UserStore>> Open(const std::filesystem::path& path);

  // AlreadyExists when the name is taken; InvalidArgument for a bad name,
  // store or password.
  Status Add(const std::string& name, Role role, const std::vector<std::string>& stores,
             std::string_view password, bool must_change_password = false);
  // NotFound for an unknown user. Signing in elsewhere is not affected;
  // the caller ends sessions where needed.
  Status SetPassword(const std::string& name, std::string_view password);
  Status Update(const std::string& name, Role role, const std::vector<std::string>& stores);
  // Also deletes the user's tokens and sessions.
  Status Remove(const std::string& name);

  std::optional<User> Find(const std::string& name);
  std::vector<User> List();
  Result<bool> Empty();
  // Admins left after removing or demoting `name`.
  int CountAdminsOtherThan(const std::string& name);

  Result<IssuedToken> IssueToken(const std::string& user, const std::string& label);
  // The user a bearer token belongs to.
  std::optional<User> FindByToken(std::string_view secret);
  Result<std::vector<ApiToken>> ListTokens(const std::optional<std::string>& user);
  // NotFound when no such token (of `user`, if given).
  Status RevokeToken(int64_t id, const std::optional<std::string>& user);

 private:
  explicit UserStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status ReloadLocked();
  void RefreshLocked();

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  int64_t data_version_ = -1;
  std::map<std::string, User> users_;  // the cache
};

// The schema of dashboard.db shared by UserStore and SessionStore.
Status EnsureDashboardSchema(SqliteDb& db);

int64_t NowMs();

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_USER_STORE_H_
