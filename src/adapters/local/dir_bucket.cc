#include "adapters/local/dir_bucket.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <system_error>
#include <unordered_set>
#include <utility>

#include <errno.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "adapters/local/dir_bucket_internal.h"

namespace invtrack {

namespace fs = std::filesystem;
namespace io = dir_bucket_internal;

namespace {

constexpr size_t kChunkSize = 512 * 1024;
constexpr size_t kMaxKeyBytes = 1024;
constexpr int kOpenAttempts = 5;
constexpr size_t kMaxIdleConnections = 8;

// `key` compares with BINARY (memcmp) collation, so the primary key's order
// is byte order, which is what List promises. `meta` holds one row: the
// last sequencer handed out, bumped in every Put's transaction so that
// sequencers increase across connections and processes.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS objects (
  key TEXT NOT NULL COLLATE BINARY PRIMARY KEY,
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  sequencer TEXT NOT NULL,
  data_file TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_sequencer INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (id, last_sequencer) VALUES (1, 0);
)sql";

constexpr std::string_view kSelectObjects =
    "SELECT key, etag, size, last_modified_ms, content_type, user_metadata, sequencer, data_file"
    " FROM objects";

constexpr std::string_view kUpsertObject = R"sql(
INSERT INTO objects
  (key, etag, size, last_modified_ms, content_type, user_metadata, sequencer, data_file)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (key) DO UPDATE SET
  etag = excluded.etag, size = excluded.size, last_modified_ms = excluded.last_modified_ms,
  content_type = excluded.content_type, user_metadata = excluded.user_metadata,
  sequencer = excluded.sequencer, data_file = excluded.data_file
)sql";

struct Row {
  StoredObject object;
  std::string data_file;  // an io::IsHexId name under data/
};

Result<Row> ReadRow(const SqliteStatement& stmt) {
  Row row;
  row.object.key = stmt.ColumnString(0);
  row.object.info.etag = stmt.ColumnString(1);
  int64_t size = stmt.ColumnInt(2);
  row.object.info.last_modified_ms = stmt.ColumnInt(3);
  row.object.content_type = stmt.ColumnString(4);
  std::string_view metadata = stmt.ColumnText(5);
  row.object.info.sequencer = stmt.ColumnString(6);
  row.data_file = stmt.ColumnString(7);
  // A bad data_file would otherwise become a path outside data/.
  if (size < 0 || !io::IsHexId(row.data_file)) {
    return Status::Corruption("bad metadata row for key", row.object.key);
  }
  row.object.info.size = static_cast<uint64_t>(size);
  nlohmann::json json = nlohmann::json::parse(metadata.begin(), metadata.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Corruption("bad user metadata for key", row.object.key);
  }
  for (const auto& [name, value] : json.items()) {
    if (!value.is_string()) return Status::Corruption("bad user metadata for key", row.object.key);
    row.object.user_metadata[name] = value.get<std::string>();
  }
  return row;
}

Result<std::optional<Row>> LookUp(SqliteDb& db, std::string_view key) {
  Result<SqliteStatement> stmt = db.Prepare(std::string(kSelectObjects) + " WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key);
  Result<bool> found = stmt->Step();
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<Row>();
  Result<Row> row = ReadRow(*stmt);
  if (!row.ok()) return row.status();
  return std::optional<Row>(std::move(*row));
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

uint64_t NowNs() {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
  return ns > 0 ? static_cast<uint64_t>(ns) : 0;
}

// Lower-cases names (as HTTP headers arrive in any case) and checks that
// everything is UTF-8, which JSON requires. Returns the JSON text.
Result<std::string> EncodeMetadata(const std::map<std::string, std::string>& metadata,
                                   std::map<std::string, std::string>* normalized) {
  for (const auto& [name, value] : metadata) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (lower.empty()) return Status::InvalidArgument("user metadata name is empty");
    if (io::FindInvalidUtf8(lower) != std::string_view::npos ||
        io::FindInvalidUtf8(value) != std::string_view::npos) {
      return Status::InvalidArgument("user metadata is not valid UTF-8", lower);
    }
    (*normalized)[lower] = value;
  }
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, value] : *normalized) json[name] = value;
  return json.dump();
}

// Deletes a file when the scope ends, unless dismissed.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path path) : path_(std::move(path)) {}
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  ~RemoveOnExit() {
    if (armed_) (void)io::RemoveFile(path_);
  }
  void Dismiss() { armed_ = false; }

 private:
  fs::path path_;
  bool armed_ = true;
};

struct WrittenBody {
  std::string etag;
  uint64_t size = 0;
};

// Copies `body` into a new file at `path`, hashing it, and makes it durable.
// The caller removes the file on failure.
Result<WrittenBody> WriteBody(ByteSource* body, std::optional<uint64_t> max_size,
                              const fs::path& path) {
  Result<io::UniqueFd> fd = io::OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd.ok()) return fd.status();
  io::Md5 md5;
  auto buffer = std::make_unique_for_overwrite<char[]>(kChunkSize);
  WrittenBody written;
  for (bool at_end = false; !at_end;) {
    // Fill a whole chunk before writing: a source may yield a few bytes at a time.
    size_t filled = 0;
    while (filled < kChunkSize) {
      Result<size_t> n = body->Read(buffer.get() + filled, kChunkSize - filled);
      if (!n.ok()) return n.status();
      if (*n == 0) {
        at_end = true;
        break;
      }
      if (*n > kChunkSize - filled) {
        return Status::Internal("byte source returned more bytes than asked for");
      }
      filled += *n;
      written.size += *n;
      if (max_size && written.size > *max_size) {
        return Status::InvalidArgument("object larger than " + std::to_string(*max_size) +
                                       " bytes");
      }
    }
    if (filled == 0) break;
    INVTRACK_RETURN_IF_ERROR(md5.Update(buffer.get(), filled));
    INVTRACK_RETURN_IF_ERROR(io::WriteAll(fd->get(), buffer.get(), filled, path));
  }
  INVTRACK_RETURN_IF_ERROR(io::SyncFd(fd->get(), path));
  INVTRACK_RETURN_IF_ERROR(io::CloseFd(std::move(*fd), path));
  Result<std::string> etag = md5.FinalHex();
  if (!etag.ok()) return etag.status();
  written.etag = std::move(*etag);
  return written;
}

// Inside one transaction: finds the version being replaced, takes the next
// sequencer, writes `object`'s row and runs the hook. Returns the replaced
// version's data file, if any. `object` gets its sequencer.
Result<std::optional<std::string>> CommitRow(SqliteDb& db, std::string_view data_file,
                                             std::string_view metadata_json,
                                             const DirBucket::CommitHook& on_commit,
                                             StoredObject* object) {
  Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&db);
  if (!txn.ok()) return txn.status();
  Result<std::optional<Row>> previous = LookUp(db, object->key);
  if (!previous.ok()) return previous.status();

  Result<SqliteStatement> last = db.Prepare("SELECT last_sequencer FROM meta WHERE id = 1");
  if (!last.ok()) return last.status();
  Result<bool> has_last = last->Step();
  if (!has_last.ok()) return has_last.status();
  uint64_t next = NowNs();
  if (*has_last) next = std::max(next, static_cast<uint64_t>(last->ColumnInt(0)) + 1);
  if (*previous) {
    // Also beat the replaced row, should `meta` ever lag behind it.
    std::optional<uint64_t> before = io::ParseSequencer((*previous)->object.info.sequencer);
    if (before) next = std::max(next, *before + 1);
  }
  last->Reset();
  if (next > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::Internal("sequencer space exhausted");
  }
  Result<SqliteStatement> bump = db.Prepare(
      "INSERT INTO meta (id, last_sequencer) VALUES (1, ?1)"
      " ON CONFLICT (id) DO UPDATE SET last_sequencer = excluded.last_sequencer");
  if (!bump.ok()) return bump.status();
  INVTRACK_RETURN_IF_ERROR(bump->Bind(1, static_cast<int64_t>(next)).Run());
  object->info.sequencer = io::FormatSequencer(next);

  Result<SqliteStatement> upsert = db.Prepare(kUpsertObject);
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, object->key)
      .Bind(2, object->info.etag)
      .Bind(3, static_cast<int64_t>(object->info.size))
      .Bind(4, object->info.last_modified_ms)
      .Bind(5, object->content_type)
      .Bind(6, metadata_json)
      .Bind(7, object->info.sequencer)
      .Bind(8, data_file);
  INVTRACK_RETURN_IF_ERROR(upsert->Run());

  if (on_commit) INVTRACK_RETURN_IF_ERROR(on_commit(db, *object));
  INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  if (!*previous) return std::optional<std::string>();
  return std::optional<std::string>((*previous)->data_file);
}

// Reads one data file, opened before a newer Put could unlink it.
class FileObjectStream final : public ObjectStream {
 public:
  FileObjectStream(io::UniqueFd fd, fs::path path, ObjectInfo info)
      : fd_(std::move(fd)), path_(std::move(path)), info_(std::move(info)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<size_t> Read(char* buffer, size_t capacity) override {
    if (!error_.ok()) return error_;
    if (capacity == 0) return size_t{0};
    Result<size_t> n = io::ReadSome(fd_.get(), buffer, capacity, path_);
    if (!n.ok()) {
      error_ = n.status();
      return error_;
    }
    read_ += *n;
    // A short or long file means someone edited data/ behind our back.
    if (read_ > info_.size || (*n == 0 && read_ != info_.size)) {
      error_ = Status::Corruption("data file size differs from its metadata", path_.string());
      return error_;
    }
    return n;
  }

 private:
  io::UniqueFd fd_;
  fs::path path_;
  ObjectInfo info_;
  uint64_t read_ = 0;
  Status error_;
};

// Calls `fn` for each entry of `dir`, stopping at the first error.
template <typename Fn>
Status ForEachEntry(const fs::path& dir, Fn fn) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    INVTRACK_RETURN_IF_ERROR(fn(*it));
  }
  if (ec) return io::ErrnoStatus("cannot list", dir, ec.value());
  return Status::OK();
}

bool IsDirectory(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.symlink_status(ec).type() == fs::file_type::directory;
}

}  // namespace

// Idle connections, so a call does not pay for opening one. A connection is
// used by one thread at a time (SqliteDb's rule); with WAL, readers on their
// connections do not block the writer.
class DirBucket::ConnectionPool {
 public:
  explicit ConnectionPool(fs::path path) : path_(std::move(path)) {}

  // A connection borrowed for one call and given back when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqliteDb> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_) pool_->Return(std::move(db_));
    }
    SqliteDb& operator*() const { return *db_; }
    SqliteDb* operator->() const { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqliteDb> db_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<SqliteDb> db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path_);
    if (!db.ok()) return db.status();
    // NORMAL may lose the last commits on power loss, after Put has already
    // unlinked the replaced data file: the surviving row would point at
    // nothing. FULL makes a commit durable before that unlink.
    INVTRACK_RETURN_IF_ERROR((*db)->Exec("PRAGMA synchronous=FULL"));
    return Lease(this, std::move(*db));
  }

 private:
  void Return(std::unique_ptr<SqliteDb> db) {
    // A connection left inside a transaction would poison the next caller.
    if (sqlite3_get_autocommit(db->raw()) == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(db));
  }

  fs::path path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_;
};

DirBucket::DirBucket(fs::path root, std::string name)
    : root_(std::move(root)), name_(std::move(name)) {}

DirBucket::~DirBucket() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // also releases the flock
}

fs::path DirBucket::DataPath(std::string_view id) const {
  return root_ / "data" / std::string(id.substr(0, 2)) / std::string(id);
}

Result<std::unique_ptr<DirBucket>> DirBucket::OpenDir(const fs::path& root, std::string name) {
  for (const fs::path& dir : {root, root / "data", root / "tmp"}) {
    INVTRACK_RETURN_IF_ERROR(io::MakeDir(dir));
  }
  INVTRACK_RETURN_IF_ERROR(io::SyncDir(root));

  std::unique_ptr<DirBucket> bucket(new DirBucket(root, std::move(name)));
  bucket->pool_ = std::make_unique<ConnectionPool>(root / "bucket.db");
  {
    Result<ConnectionPool::Lease> db = bucket->pool_->Acquire();
    if (!db.ok()) return db.status();
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    INVTRACK_RETURN_IF_ERROR((*db)->Exec(kSchema));
    INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  }

  fs::path lock_path = root / "bucket.lock";
  Result<io::UniqueFd> lock = io::OpenFile(lock_path, O_RDWR | O_CREAT, 0644);
  if (!lock.ok()) return lock.status();
  bucket->lock_fd_ = lock->Release();
  if (::flock(bucket->lock_fd_, LOCK_EX | LOCK_NB) == 0) {
    INVTRACK_RETURN_IF_ERROR(bucket->CollectGarbage());
  } else if (errno != EWOULDBLOCK) {
    return io::ErrnoStatus("cannot lock", lock_path, errno);
  }
  // Not an atomic downgrade, which is harmless: this instance has not begun
  // a Put, and whoever slips in between merely collects garbage first.
  while (::flock(bucket->lock_fd_, LOCK_SH) != 0) {
    if (errno != EINTR) return io::ErrnoStatus("cannot lock", lock_path, errno);
  }
  return bucket;
}

Status DirBucket::CollectGarbage() {
  // Whatever is in tmp/ is an upload that never finished.
  INVTRACK_RETURN_IF_ERROR(ForEachEntry(root_ / "tmp", [](const fs::directory_entry& entry) {
    return IsDirectory(entry) ? Status::OK() : io::RemoveFile(entry.path());
  }));

  // Data files no row names: renamed into data/ just before a crash.
  std::unordered_set<std::string> unreferenced;
  INVTRACK_RETURN_IF_ERROR(ForEachEntry(root_ / "data", [&](const fs::directory_entry& sub) {
    if (!IsDirectory(sub)) return Status::OK();
    std::string fan = sub.path().filename().string();
    return ForEachEntry(sub.path(), [&](const fs::directory_entry& file) {
      std::string id = file.path().filename().string();
      if (io::IsHexId(id) && id.compare(0, 2, fan) == 0) unreferenced.insert(std::move(id));
      return Status::OK();
    });
  }));
  if (unreferenced.empty()) return Status::OK();

  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> stmt = (*db)->Prepare("SELECT data_file FROM objects");
  if (!stmt.ok()) return stmt.status();
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    unreferenced.erase(std::string(stmt->ColumnText(0)));
  }
  for (const std::string& id : unreferenced) INVTRACK_RETURN_IF_ERROR(io::RemoveFile(DataPath(id)));
  return Status::OK();
}

Result<StoredObject> DirBucket::Put(std::string_view key, ByteSource* body,
                                    const PutOptions& options, const CommitHook& on_commit) {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  if (body == nullptr) return Status::InvalidArgument("Put needs a body");
  StoredObject object;
  object.key = std::string(key);
  object.content_type = options.content_type;
  Result<std::string> metadata_json = EncodeMetadata(options.user_metadata, &object.user_metadata);
  if (!metadata_json.ok()) return metadata_json.status();

  // The temporary and the data file share a fresh random name.
  Result<std::string> id = io::RandomHexId();
  if (!id.ok()) return id.status();
  fs::path tmp_path = root_ / "tmp" / (*id + ".tmp");
  fs::path data_path = DataPath(*id);
  RemoveOnExit tmp_guard(tmp_path);
  Result<WrittenBody> written = WriteBody(body, options.max_size, tmp_path);
  if (!written.ok()) return written.status();
  Status renamed = io::RenameFile(tmp_path, data_path);
  if (renamed.IsNotFound()) {
    // The fan-out directories are made on first use: an empty bucket stays small.
    INVTRACK_RETURN_IF_ERROR(io::MakeDir(data_path.parent_path()));
    INVTRACK_RETURN_IF_ERROR(io::SyncDir(data_path.parent_path().parent_path()));
    renamed = io::RenameFile(tmp_path, data_path);
  }
  INVTRACK_RETURN_IF_ERROR(renamed);
  tmp_guard.Dismiss();
  RemoveOnExit data_guard(data_path);
  INVTRACK_RETURN_IF_ERROR(io::SyncDir(data_path.parent_path()));
  object.info.etag = std::move(written->etag);
  object.info.size = written->size;
  object.info.last_modified_ms = NowMs();

  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::optional<std::string>> replaced =
      CommitRow(**db, *id, *metadata_json, on_commit, &object);
  if (!replaced.ok()) {
    // COMMIT itself failing leaves the outcome in doubt: keep the data file
    // unless the row is known not to point at it (OpenDir's GC has the rest).
    Result<std::optional<Row>> now = LookUp(**db, key);
    if (!now.ok() || (*now && (*now)->data_file == *id)) data_guard.Dismiss();
    return replaced.status();
  }
  data_guard.Dismiss();
  // Readers that opened the old file keep it alive until they close it.
  if (*replaced && **replaced != *id) (void)io::RemoveFile(DataPath(**replaced));
  return object;
}

Result<StoredObject> DirBucket::Head(std::string_view key) const {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::optional<Row>> row = LookUp(**db, key);
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such key in bucket " + name_, key);
  return std::move((*row)->object);
}

Status DirBucket::Delete(std::string_view key) {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  std::string data_file;
  {
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    Result<std::optional<Row>> row = LookUp(**db, key);
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    data_file = (*row)->data_file;
    Result<SqliteStatement> stmt = (*db)->Prepare("DELETE FROM objects WHERE key = ?1");
    if (!stmt.ok()) return stmt.status();
    INVTRACK_RETURN_IF_ERROR(stmt->Bind(1, key).Run());
    INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  }
  // The object is gone either way; a file left behind is collected by OpenDir.
  (void)io::RemoveFile(DataPath(data_file));
  return Status::OK();
}

Result<std::vector<StoredObject>> DirBucket::List(std::string_view prefix,
                                                  std::string_view start_after,
                                                  size_t limit) const {
  std::vector<StoredObject> objects;
  if (limit == 0) return objects;
  // One range scan of the primary key: [prefix, upper) and (start_after, ...).
  // Whichever lower bound is larger implies the other.
  bool exclusive = start_after >= prefix;
  std::string_view lower = exclusive ? start_after : prefix;
  std::optional<std::string> upper = io::PrefixUpperBound(prefix);
  std::string sql(kSelectObjects);
  sql += exclusive ? " WHERE key > ?1" : " WHERE key >= ?1";
  if (upper) sql += " AND key < ?2";
  sql += " ORDER BY key LIMIT ?3";

  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> stmt = (*db)->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, lower);
  if (upper) stmt->Bind(2, *upper);
  stmt->Bind(3,
             static_cast<int64_t>(std::min<uint64_t>(limit, std::numeric_limits<int64_t>::max())));
  for (;;) {
    Result<bool> has_row = stmt->Step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) break;
    Result<Row> row = ReadRow(*stmt);
    if (!row.ok()) return row.status();
    objects.push_back(std::move(row->object));
  }
  return objects;
}

Result<std::unique_ptr<ObjectStream>> DirBucket::Open(std::string_view bucket,
                                                      std::string_view key) {
  if (bucket != name_) return Status::NotFound("no such bucket", bucket);
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  // A Put may replace the version and unlink its file between our query and
  // open(2); the query then names the newer file.
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    Result<std::optional<Row>> row = LookUp(**db, key);
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such key in bucket " + name_, key);
    fs::path path = DataPath((*row)->data_file);
    Result<io::UniqueFd> fd = io::OpenFile(path, O_RDONLY);
    if (fd.ok()) {
      return std::unique_ptr<ObjectStream>(
          new FileObjectStream(std::move(*fd), std::move(path), std::move((*row)->object.info)));
    }
    if (!fd.status().IsNotFound()) return fd.status();
  }
  return Status::Unavailable("object keeps changing while being opened", key);
}

Status DirBucket::ValidateKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("object key is empty");
  if (key.size() > kMaxKeyBytes) {
    return Status::InvalidArgument("object key is " + std::to_string(key.size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxKeyBytes));
  }
  if (size_t nul = key.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument("object key contains a NUL byte at offset " +
                                   std::to_string(nul));
  }
  if (size_t bad = io::FindInvalidUtf8(key); bad != std::string_view::npos) {
    return Status::InvalidArgument("object key is not valid UTF-8 (at byte offset " +
                                   std::to_string(bad) + ")");
  }
  return Status::OK();
}

}  // namespace invtrack
