#include "dashboard/user_store.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "dashboard/password_hasher.h"
#include "dashboard/secret_token.h"

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  stores TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT NOT NULL,
  must_change INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_tokens(
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions(
  digest TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

std::string StoresToJson(const std::vector<std::string>& stores) {
  return nlohmann::json(stores).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> StoresFromJson(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> stores;
  if (!parsed.is_array()) return stores;
  for (const auto& s : parsed) {
    if (s.is_string()) stores.push_back(s.get<std::string>());
  }
  return stores;
}

Status ValidateGrants(const std::vector<std::string>& stores) {
  for (const std::string& store : stores) INVTRACK_RETURN_IF_ERROR(ValidateStoreName(store));
  return Status::OK();
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status EnsureDashboardSchema(SqliteDb& db) { return db.Exec(kSchema); }

Result<std::unique_ptr<UserStore>> UserStore::Open(const std::filesystem::path& path) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  INVTRACK_RETURN_IF_ERROR(EnsureDashboardSchema(**db));
  std::unique_ptr<UserStore> store(new UserStore(std::move(db).value()));
  std::lock_guard lock(store->mutex_);
  INVTRACK_RETURN_IF_ERROR(store->ReloadLocked());
  return store;
}

Status UserStore::ReloadLocked() {
  Result<int64_t> version = db_->DataVersion();
  if (!version.ok()) return version.status();
  Result<SqliteStatement> select =
      db_->Prepare("SELECT name, role, stores, password_hash, must_change, created_ms FROM users");
  if (!select.ok()) return select.status();
  std::map<std::string, User> users;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    User user;
    user.name = select->ColumnString(0);
    user.role = ParseRole(select->ColumnText(1)).value_or(Role::kViewer);
    user.stores = StoresFromJson(select->ColumnText(2));
    user.password_hash = select->ColumnString(3);
    user.must_change_password = select->ColumnInt(4) != 0;
    user.created_ms = select->ColumnInt(5);
    users.emplace(user.name, std::move(user));
  }
  users_ = std::move(users);
  data_version_ = *version;
  return Status::OK();
}

void UserStore::RefreshLocked() {
  Result<int64_t> version = db_->DataVersion();
  // On a read error the cache stays as it was; the next call tries again.
  if (version.ok() && *version != data_version_) (void)ReloadLocked();
}

Status UserStore::Add(const std::string& name, Role role, const std::vector<std::string>& stores,
                      std::string_view password, bool must_change_password) {
  INVTRACK_RETURN_IF_ERROR(ValidateUserName(name));
  INVTRACK_RETURN_IF_ERROR(ValidateGrants(stores));
  Result<std::string> hash = PasswordHasher::Hash(password);
  if (!hash.ok()) return hash.status();
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> insert = db_->Prepare(
      "INSERT INTO users(name, role, stores, password_hash, must_change, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  std::string grants = StoresToJson(stores);
  insert->Bind(1, name)
      .Bind(2, RoleName(role))
      .Bind(3, grants)
      .Bind(4, *hash)
      .Bind(5, int64_t{must_change_password ? 1 : 0})
      .Bind(6, NowMs());
  Status inserted = insert->Run();
  if (inserted.IsAlreadyExists()) return Status::AlreadyExists("user '" + name + "' exists");
  INVTRACK_RETURN_IF_ERROR(inserted);
  return ReloadLocked();
}

Status UserStore::SetPassword(const std::string& name, std::string_view password) {
  Result<std::string> hash = PasswordHasher::Hash(password);
  if (!hash.ok()) return hash.status();
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> update =
      db_->Prepare("UPDATE users SET password_hash = ?2, must_change = 0 WHERE name = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, name).Bind(2, *hash);
  INVTRACK_RETURN_IF_ERROR(update->Run());
  if (db_->Changes() == 0) return Status::NotFound("no user '" + name + "'");
  return ReloadLocked();
}

Status UserStore::Update(const std::string& name, Role role,
                         const std::vector<std::string>& stores) {
  INVTRACK_RETURN_IF_ERROR(ValidateGrants(stores));
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> update =
      db_->Prepare("UPDATE users SET role = ?2, stores = ?3 WHERE name = ?1");
  if (!update.ok()) return update.status();
  std::string grants = StoresToJson(stores);
  update->Bind(1, name).Bind(2, RoleName(role)).Bind(3, grants);
  INVTRACK_RETURN_IF_ERROR(update->Run());
  if (db_->Changes() == 0) return Status::NotFound("no user '" + name + "'");
  return ReloadLocked();
}

Status UserStore::Remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> remove = db_->Prepare("DELETE FROM users WHERE name = ?1");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, name);
  INVTRACK_RETURN_IF_ERROR(remove->Run());
  if (db_->Changes() == 0) return Status::NotFound("no user '" + name + "'");
  return ReloadLocked();
}

std::optional<User> UserStore::Find(const std::string& name) {
  std::lock_guard lock(mutex_);
  RefreshLocked();
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::vector<User> UserStore::List() {
  std::lock_guard lock(mutex_);
  RefreshLocked();
  std::vector<User> users;
  for (const auto& [name, user] : users_) users.push_back(user);
  return users;
}

Result<bool> UserStore::Empty() {
  std::lock_guard lock(mutex_);
  INVTRACK_RETURN_IF_ERROR(ReloadLocked());
  return users_.empty();
}

int UserStore::CountAdminsOtherThan(const std::string& name) {
  std::lock_guard lock(mutex_);
  RefreshLocked();
  int admins = 0;
  for (const auto& [other, user] : users_) {
    if (other != name && user.role == Role::kAdmin) ++admins;
  }
  return admins;
}

Result<IssuedToken> UserStore::IssueToken(const std::string& user, const std::string& label) {
  if (label.size() > 200) return Status::InvalidArgument("token label: at most 200 bytes");
  IssuedToken issued;
  issued.secret = "itk_" + RandomHexToken(32);
  issued.token.user = user;
  issued.token.label = label;
  issued.token.created_ms = NowMs();
  std::string digest = TokenDigest(issued.secret);
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> insert = db_->Prepare(
      "INSERT INTO api_tokens(digest, user, label, created_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, digest).Bind(2, user).Bind(3, label).Bind(4, issued.token.created_ms);
  Status inserted = insert->Run();
  if (inserted.IsAlreadyExists()) return Status::NotFound("no user '" + user + "'");
  INVTRACK_RETURN_IF_ERROR(inserted);
  issued.token.id = db_->LastInsertRowId();
  return issued;
}

std::optional<User> UserStore::FindByToken(std::string_view secret) {
  std::string digest = TokenDigest(secret);
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare("SELECT user FROM api_tokens WHERE digest = ?1");
  if (!select.ok()) return std::nullopt;
  select->Bind(1, digest);
  Result<bool> row = select->Step();
  if (!row.ok() || !*row) return std::nullopt;
  std::string user = select->ColumnString(0);
  RefreshLocked();
  auto it = users_.find(user);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<ApiToken>> UserStore::ListTokens(const std::optional<std::string>& user) {
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      "SELECT id, user, label, created_ms FROM api_tokens WHERE ?1 IS NULL OR user = ?1 "
      "ORDER BY id");
  if (!select.ok()) return select.status();
  if (user) select->Bind(1, *user);
  std::vector<ApiToken> tokens;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    tokens.push_back(ApiToken{select->ColumnInt(0), select->ColumnString(1),
                              select->ColumnString(2), select->ColumnInt(3)});
  }
  return tokens;
}

Status UserStore::RevokeToken(int64_t id, const std::optional<std::string>& user) {
  std::lock_guard lock(mutex_);
  Result<SqliteStatement> remove =
      db_->Prepare("DELETE FROM api_tokens WHERE id = ?1 AND (?2 IS NULL OR user = ?2)");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, id);
  if (user) remove->Bind(2, *user);
  INVTRACK_RETURN_IF_ERROR(remove->Run());
  if (db_->Changes() == 0) return Status::NotFound("no token " + std::to_string(id));
  return Status::OK();
}

}  // namespace invtrack
