// SessionStore: server-side sign-in sessions in dashboard.db. The browser
// holds only a random token (in an HttpOnly cookie); the database holds its
// SHA-256, the user and the session's CSRF token. Sessions are cached in
// memory for the per-request lookup and reloaded when another process
// changed the table (data_version), e.g. `invtrack users passwd`, which
// ends the user's sessions. A session ends on sign-out, after `idle`
// without a request, or `lifetime` after sign-in.
// Thread-safety: all methods may be called from any thread.
#ifndef INVTRACK_DASHBOARD_SESSION_STORE_H_
#define INVTRACK_DASHBOARD_SESSION_STORE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/local/sqlite_db.h"
#include "core/result.h"

namespace invtrack {

struct Session {
  std::string user;
  std::string csrf_token;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
};

// What sign-in hands the browser: the cookie value and the CSRF token.
struct NewSession {
  std::string token;
  Session session;
};

struct SessionLimits {
  std::chrono::milliseconds idle{std::chrono::hours(12)};
  std::chrono::milliseconds lifetime{std::chrono::hours(24 * 7)};
};

class SessionStore {
 public:
  static Result<std::unique_ptr<SessionStore>> Open(const std::filesystem::path& path,
                                                    SessionLimits limits = {});

  Result<NewSession> Create(const std::string& user);
  // The live session of `token` (and marks it used), or nullopt.
  std::optional<Session> Find(std::string_view token);
  // Ends one session; ending an unknown one is not an error.
  Status End(std::string_view token);
  // Ends every session of `user` (password changed, user removed).
  Status EndAllOf(const std::string& user);

 private:
  SessionStore(std::unique_ptr<SqliteDb> db, SessionLimits limits)
      : db_(std::move(db)), limits_(limits) {}
  Status ReloadLocked();
  void RefreshLocked();
  Status DeleteLocked(const std::string& digest);

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  SessionLimits limits_;
  int64_t data_version_ = -1;
  std::map<std::string, Session> sessions_;  // by token digest
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_SESSION_STORE_H_
