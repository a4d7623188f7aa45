#include "s3/access_key_store.h"

#include <chrono>
#include <map>
#include <mutex>

#include <openssl/rand.h>
#include <sys/stat.h>

#include "adapters/local/sqlite_db.h"

namespace invtrack {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  store TEXT,  -- NULL: admin key
  description TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
)sql";

constexpr char kLocalCliDescription[] = "local-cli";

// `length` characters drawn uniformly from `alphabet` (rejection sampling,
// so no character is more likely than another).
Result<std::string> RandomString(std::string_view alphabet, size_t length) {
  std::string out;
  const unsigned limit = 256 - 256 % alphabet.size();
  while (out.size() < length) {
    unsigned char bytes[64];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
      return Status::Internal("RAND_bytes failed: the OpenSSL random generator is unavailable");
    }
    for (unsigned char b : bytes) {
      if (b < limit && out.size() < length) out.push_back(alphabet[b % alphabet.size()]);
    }
  }
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// One connection behind a mutex, with every key cached in memory: a lookup
// per request costs a map find plus `PRAGMA data_version`, which changes
// only when another connection (another `invtrack keys` process) commits.
class AccessKeyStore::Impl {
 public:
  explicit Impl(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Result<AccessKey> Find(std::string_view id) {
    std::lock_guard lock(mutex_);
    INVTRACK_RETURN_IF_ERROR(RefreshLocked());
    auto it = keys_.find(std::string(id));
    if (it == keys_.end()) return Status::NotFound("no such access key", id);
    return it->second;
  }

  Result<std::vector<AccessKey>> List() {
    std::lock_guard lock(mutex_);
    INVTRACK_RETURN_IF_ERROR(RefreshLocked());
    std::vector<AccessKey> keys;
    for (const auto& [id, key] : keys_) keys.push_back(key);
    return keys;
  }

  Result<AccessKey> Create(std::optional<std::string> store, std::string description) {
    AccessKey key;
    Result<std::string> id = RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 18);
    if (!id.ok()) return id.status();
    Result<std::string> secret =
        RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
    if (!secret.ok()) return secret.status();
    key.access_key_id = "IT" + *id;
    key.secret_access_key = std::move(*secret);
    key.store = std::move(store);
    key.description = std::move(description);
    key.created_ms = NowMs();
    std::lock_guard lock(mutex_);
    Result<SqliteStatement> insert = db_->Prepare(
        "INSERT INTO access_keys (access_key_id, secret_access_key, store, description, "
        "created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, key.access_key_id).Bind(2, key.secret_access_key);
    if (key.store) {
      insert->Bind(3, *key.store);
    } else {
      insert->BindNull(3);
    }
    insert->Bind(4, key.description).Bind(5, key.created_ms);
    INVTRACK_RETURN_IF_ERROR(insert->Run());
    loaded_ = false;
    return key;
  }

  Status Revoke(std::string_view id) {
    std::lock_guard lock(mutex_);
    Result<SqliteStatement> remove =
        db_->Prepare("DELETE FROM access_keys WHERE access_key_id = ?1");
    if (!remove.ok()) return remove.status();
    remove->Bind(1, id);
    INVTRACK_RETURN_IF_ERROR(remove->Run());
    loaded_ = false;
    if (db_->Changes() == 0) return Status::NotFound("no such access key", id);
    return Status::OK();
  }

  Result<std::optional<AccessKey>> FindLocalCliKey() {
    std::lock_guard lock(mutex_);
    INVTRACK_RETURN_IF_ERROR(RefreshLocked());
    for (const auto& [id, key] : keys_) {
      if (key.admin() && key.description == kLocalCliDescription) return {key};
    }
    return {std::nullopt};
  }

 private:
  Status RefreshLocked() {
    Result<int64_t> version = db_->DataVersion();
    if (!version.ok()) return version.status();
    int64_t now = *version;
    // data_version does not change for this connection's own commits, so
    // Create and Revoke clear loaded_ themselves.
    if (loaded_ && now == data_version_) {
      return Status::OK();
    }
    Result<SqliteStatement> select = db_->Prepare(
        "SELECT access_key_id, secret_access_key, store, description, created_ms "
        "FROM access_keys");
    if (!select.ok()) return select.status();
    std::map<std::string, AccessKey> keys;
    for (;;) {
      Result<bool> next = select->Step();
      if (!next.ok()) return next.status();
      if (!*next) break;
      AccessKey key;
      key.access_key_id = select->ColumnString(0);
      key.secret_access_key = select->ColumnString(1);
      if (!select->ColumnIsNull(2)) key.store = select->ColumnString(2);
      key.description = select->ColumnString(3);
      key.created_ms = select->ColumnInt(4);
      keys.emplace(key.access_key_id, std::move(key));
    }
    keys_ = std::move(keys);
    data_version_ = now;
    loaded_ = true;
    return Status::OK();
  }

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  std::map<std::string, AccessKey> keys_;
  bool loaded_ = false;
  int64_t data_version_ = -1;
};

Result<std::unique_ptr<AccessKeyStore>> AccessKeyStore::Open(const std::filesystem::path& db_path) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(db_path);
  if (!db.ok()) return db.status();
  // The secrets are stored in the clear (SigV4 verification needs them):
  // only the owner may read the file.
  if (::chmod(db_path.c_str(), 0600) != 0) {
    return Status::IOError("cannot restrict the permissions of " + db_path.string());
  }
  INVTRACK_RETURN_IF_ERROR((*db)->Exec(kSchema));
  return std::unique_ptr<AccessKeyStore>(
      new AccessKeyStore(std::make_unique<Impl>(std::move(db).value())));
}

AccessKeyStore::AccessKeyStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccessKeyStore::~AccessKeyStore() = default;

Result<AccessKey> AccessKeyStore::Create(std::optional<std::string> store,
                                         std::string description) {
  if (store && (store->empty() || store->find('/') != std::string::npos)) {
    return Status::InvalidArgument("a store name must be non-empty and contain no '/'", *store);
  }
  return impl_->Create(std::move(store), std::move(description));
}

Result<AccessKey> AccessKeyStore::Find(std::string_view access_key_id) const {
  return impl_->Find(access_key_id);
}

Result<std::vector<AccessKey>> AccessKeyStore::List() const { return impl_->List(); }

Status AccessKeyStore::Revoke(std::string_view access_key_id) {
  return impl_->Revoke(access_key_id);
}

Result<AccessKey> AccessKeyStore::LocalCliKey() {
  Result<std::optional<AccessKey>> existing = impl_->FindLocalCliKey();
  if (!existing.ok()) return existing.status();
  if (*existing) return **existing;
  return impl_->Create(std::nullopt, kLocalCliDescription);
}

}  // namespace invtrack
