#include "dashboard/session_store.h"

#include "dashboard/secret_token.h"
#include "dashboard/user_store.h"

namespace invtrack {

Result<std::unique_ptr<SessionStore>> SessionStore::Open(const std::filesystem::path& path,
                                                         SessionLimits limits) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  INVTRACK_RETURN_IF_ERROR(EnsureDashboardSchema(**db));
  std::unique_ptr<SessionStore> store(new SessionStore(std::move(db).value(), limits));
  std::lock_guard lock(store->mutex_);
  // Sessions past their lifetime are gone for good.
  Result<SqliteStatement> expire =
      store->db_->Prepare("DELETE FROM sessions WHERE created_ms < ?1");
  if (!expire.ok()) return expire.status();
  expire->Bind(1, NowMs() - limits.lifetime.count());
  INVTRACK_RETURN_IF_ERROR(expire->Run());
  INVTRACK_RETURN_IF_ERROR(store->ReloadLocked());
  return store;
}

Status SessionStore::ReloadLocked() {
  Result<int64_t> version = db_->DataVersion();
  if (!version.ok()) return version.status();
  Result<SqliteStatement> select =
      db_->Prepare("SELECT digest, user, csrf, created_ms FROM sessions");
  if (!select.ok()) return select.status();
  std::map<std::string, Session> sessions;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string digest = select->ColumnString(0);
    Session session{select->ColumnString(1), select->ColumnString(2), select->ColumnInt(3),
                    select->ColumnInt(3)};
    // Keep how recently a cached session was used (not stored: a write per
    // request would cost more than the idle limit is worth).
    if (auto it = sessions_.find(digest); it != sessions_.end()) {
      session.last_seen_ms = it->second.last_seen_ms;
    }
    sessions.emplace(std::move(digest), std::move(session));
  }
  sessions_ = std::move(sessions);
  data_version_ = *version;
  return Status::OK();
}

void SessionStore::RefreshLocked() {
  Result<int64_t> version = db_->DataVersion();
  if (version.ok() && *version != data_version_) (void)ReloadLocked();
}

Result<NewSession> SessionStore::Create(const std::string& user) {
  NewSession created;
  created.token = RandomHexToken(32);
  created.session.user = user;
  created.session.csrf_token = RandomHexToken(32);
  created.session.created_ms = created.session.last_seen_ms = NowMs();
  std::string digest = TokenDigest(created.token);
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> insert =
      db_->Prepare("INSERT INTO sessions(digest, user, csrf, created_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, digest)
      .Bind(2, user)
      .Bind(3, created.session.csrf_token)
      .Bind(4, created.session.created_ms);
  Status inserted = insert->Run();
  if (inserted.IsAlreadyExists()) return Status::NotFound("no user '" + user + "'");
  INVTRACK_RETURN_IF_ERROR(inserted);
  sessions_[digest] = created.session;
  return created;
}

std::optional<Session> SessionStore::Find(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  std::string digest = TokenDigest(token);
  int64_t now = NowMs();
  std::lock_guard lock(mutex_);
  RefreshLocked();
  auto it = sessions_.find(digest);
  if (it == sessions_.end()) return std::nullopt;
  Session& session = it->second;
  if (now - session.last_seen_ms > limits_.idle.count() ||
      now - session.created_ms > limits_.lifetime.count()) {
    (void)DeleteLocked(digest);
    return std::nullopt;
  }
  session.last_seen_ms = now;
  return session;
}

Status SessionStore::DeleteLocked(const std::string& digest) {
  sessions_.erase(digest);
  Result<SqliteStatement> remove = db_->Prepare("DELETE FROM sessions WHERE digest = ?1");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, digest);
  return remove->Run();
}

Status SessionStore::End(std::string_view token) {
  std::string digest = TokenDigest(token);
  std::lock_guard lock(mutex_);
  return DeleteLocked(digest);
}

Status SessionStore::EndAllOf(const std::string& user) {
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> remove = db_->Prepare("DELETE FROM sessions WHERE user = ?1");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, user);
  INVTRACK_RETURN_IF_ERROR(remove->Run());
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user == user; });
  return Status::OK();
}

}  // namespace invtrack
