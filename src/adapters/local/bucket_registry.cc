#include "adapters/local/bucket_registry.h"

#include <system_error>
#include <utility>

#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/object_rows.h"

namespace invtrack {

namespace fs = std::filesystem;
namespace io = dir_bucket_internal;

namespace {

constexpr char kBucketsDir[] = "buckets";
constexpr char kRegistryDb[] = ".buckets.db";
constexpr std::string_view kTrashPrefix = ".trash-";

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT NOT NULL PRIMARY KEY,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// "192.168.5.4": four dot-separated groups of 1-3 digits.
bool LooksLikeIpv4(std::string_view name) {
  int groups = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view group = name.substr(start, end - start);
    if (group.empty() || group.size() > 3) return false;
    for (char c : group) {
      if (c < '0' || c > '9') return false;
    }
    ++groups;
    start = end + 1;
  }
  return groups == 4;
}

Status BadName(std::string_view name, std::string_view why) {
  return Status::InvalidArgument("invalid bucket name \"" + std::string(name) + "\"", why);
}

}  // namespace

BucketRegistry::BucketRegistry(fs::path dir, DirBucket* main, std::unique_ptr<SqliteDb> db)
    : dir_(std::move(dir)), main_(main), db_(std::move(db)) {}

BucketRegistry::~BucketRegistry() = default;

Result<std::unique_ptr<BucketRegistry>> BucketRegistry::Open(const fs::path& data_dir,
                                                             DirBucket* main) {
  fs::path dir = data_dir / kBucketsDir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io::ErrnoStatus("cannot create directory", dir, ec.value());
  // Directories of deleted buckets whose removal a crash interrupted.
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(kTrashPrefix)) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
  if (ec) return io::ErrnoStatus("cannot list", dir, ec.value());

  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(dir / kRegistryDb);
  if (!db.ok()) return db.status();
  // A lost registration would orphan a bucket that has objects.
  INVTRACK_RETURN_IF_ERROR((*db)->Exec("PRAGMA synchronous=FULL"));
  INVTRACK_RETURN_IF_ERROR((*db)->Exec(kSchema));
  std::unique_ptr<BucketRegistry> registry(new BucketRegistry(dir, main, std::move(*db)));
  if (main != nullptr) INVTRACK_RETURN_IF_ERROR(registry->RegisterMain());
  return registry;
}

Status BucketRegistry::RegisterMain() {
  Result<SqliteStatement> insert =
      db_->Prepare("INSERT OR IGNORE INTO buckets (name, created_ms) VALUES (?1, ?2)");
  if (!insert.ok()) return insert.status();
  INVTRACK_RETURN_IF_ERROR(insert->Bind(1, main_->name()).Bind(2, io::NowMs()).Run());
  Entry entry;
  entry.bucket = main_;
  entry.multipart = std::make_unique<MultipartStore>(main_);
  open_.emplace(main_->name(), std::move(entry));
  return Status::OK();
}

Result<std::vector<BucketInfo>> BucketRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  Result<SqliteStatement> stmt = db_->Prepare("SELECT name, created_ms FROM buckets ORDER BY name");
  if (!stmt.ok()) return stmt.status();
  std::vector<BucketInfo> buckets;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    buckets.push_back(BucketInfo{stmt->ColumnString(0), stmt->ColumnInt(1)});
  }
  return buckets;
}

Result<bool> BucketRegistry::IsRegistered(std::string_view name) {
  Result<SqliteStatement> stmt = db_->Prepare("SELECT 1 FROM buckets WHERE name = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, name);
  return stmt->Step();
}

Status BucketRegistry::Unregister(std::string_view name) {
  Result<SqliteStatement> stmt = db_->Prepare("DELETE FROM buckets WHERE name = ?1");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, name).Run();
}

void BucketRegistry::RemoveDirectory(std::string_view name) {
  fs::path path = dir_ / std::string(name);
  std::error_code ec;
  Result<std::string> id = io::RandomHexId();
  if (id.ok()) {
    // Renamed first so that a half-removed directory never looks like a bucket.
    fs::path trash = dir_ / (std::string(kTrashPrefix) + *id);
    fs::rename(path, trash, ec);
    if (!ec) path = std::move(trash);
  }
  fs::remove_all(path, ec);  // best effort: Open() clears leftover trash
}

Result<BucketRegistry::Entry*> BucketRegistry::FindLocked(std::string_view name) {
  if (auto it = open_.find(name); it != open_.end()) return &it->second;
  // The name becomes a directory name: only valid names get that far.
  if (!ValidateName(name).ok()) return Status::NotFound("no such bucket", name);
  Result<bool> registered = IsRegistered(name);
  if (!registered.ok()) return registered.status();
  if (!*registered) return Status::NotFound("no such bucket", name);

  Result<std::unique_ptr<DirBucket>> opened =
      DirBucket::OpenDir(dir_ / std::string(name), std::string(name));
  if (!opened.ok()) return opened.status();
  Result<bool> deleted = (*opened)->IsMarkedDeleted();
  if (!deleted.ok()) return deleted.status();
  if (*deleted) {
    // A crash interrupted Delete after the point of no return: finish it.
    opened->reset();
    INVTRACK_RETURN_IF_ERROR(Unregister(name));
    RemoveDirectory(name);
    return Status::NotFound("no such bucket", name);
  }
  Entry entry;
  entry.owned = std::move(*opened);
  entry.bucket = entry.owned.get();
  entry.multipart = std::make_unique<MultipartStore>(entry.bucket);
  return &open_.emplace(std::string(name), std::move(entry)).first->second;
}

Result<DirBucket*> BucketRegistry::Find(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Entry*> entry = FindLocked(name);
  if (!entry.ok()) return entry.status();
  return (*entry)->bucket;
}

Result<MultipartStore*> BucketRegistry::Multipart(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Entry*> entry = FindLocked(name);
  if (!entry.ok()) return entry.status();
  return (*entry)->multipart.get();
}

Status BucketRegistry::Create(std::string_view name) {
  INVTRACK_RETURN_IF_ERROR(ValidateName(name));
  std::lock_guard<std::mutex> lock(mu_);
  Result<bool> registered = IsRegistered(name);
  if (!registered.ok()) return registered.status();
  if (*registered || open_.contains(name)) {
    return Status::AlreadyExists("bucket already exists", name);
  }
  // An unregistered directory is what an interrupted Delete left behind.
  std::error_code ec;
  if (fs::exists(dir_ / std::string(name), ec)) RemoveDirectory(name);

  Result<SqliteStatement> insert =
      db_->Prepare("INSERT INTO buckets (name, created_ms) VALUES (?1, ?2)");
  if (!insert.ok()) return insert.status();
  INVTRACK_RETURN_IF_ERROR(insert->Bind(1, name).Bind(2, io::NowMs()).Run());
  Result<std::unique_ptr<DirBucket>> opened =
      DirBucket::OpenDir(dir_ / std::string(name), std::string(name));
  if (!opened.ok()) {
    (void)Unregister(name);
    RemoveDirectory(name);
    return opened.status();
  }
  Entry entry;
  entry.owned = std::move(*opened);
  entry.bucket = entry.owned.get();
  entry.multipart = std::make_unique<MultipartStore>(entry.bucket);
  open_.emplace(std::string(name), std::move(entry));
  return Status::OK();
}

Status BucketRegistry::Delete(std::string_view name) {
  if (main_ != nullptr && name == main_->name()) {
    return Status::PermissionDenied("the pipeline's bucket cannot be deleted", name);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Result<Entry*> entry = FindLocked(name);
  if (!entry.ok()) return entry.status();
  // The point of no return: from here on every commit to it fails.
  INVTRACK_RETURN_IF_ERROR((*entry)->bucket->MarkDeletedIfEmpty());
  INVTRACK_RETURN_IF_ERROR(Unregister(name));
  auto it = open_.find(name);
  retired_.push_back(std::move(it->second));
  open_.erase(it);
  RemoveDirectory(name);
  return Status::OK();
}

Status BucketRegistry::ValidateName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) {
    return BadName(name, "bucket names are 3 to 63 characters long");
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return BadName(name, "only lower-case letters, digits, '.' and '-' are allowed");
    }
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return BadName(name, "a bucket name starts and ends with a letter or digit");
  }
  for (std::string_view bad : {"..", ".-", "-."}) {
    if (name.find(bad) != std::string_view::npos) {
      return BadName(name, "'.' must not be next to another '.' or a '-'");
    }
  }
  if (LooksLikeIpv4(name)) return BadName(name, "a bucket name must not look like an IP address");
  for (std::string_view prefix : {"xn--", "sthree-"}) {
    if (name.starts_with(prefix)) return BadName(name, "this prefix is reserved");
  }
  for (std::string_view suffix : {"-s3alias", "--ol-s3"}) {
    if (name.ends_with(suffix)) return BadName(name, "this suffix is reserved");
  }
  return Status::OK();
}

}  // namespace invtrack
