#include "adapters/local/dir_bucket.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/local/background_remover.h"
#include "adapters/local/body_writer.h"
#include "adapters/local/bucket_connection_pool.h"
#include "adapters/local/data_files.h"
#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/group_commit.h"
#include "adapters/local/object_rows.h"

namespace invtrack {

namespace fs = std::filesystem;
namespace io = dir_bucket_internal;

namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr int kOpenAttempts = 5;

bool SameHex(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
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

// Reads a small object's body, a copy taken at open time.
class InlineObjectStream final : public ObjectStream {
 public:
  InlineObjectStream(std::string body, ObjectInfo info)
      : body_(std::move(body)), info_(std::move(info)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n = std::min(capacity, body_.size() - offset_);
    body_.copy(buffer, n, offset_);
    offset_ += n;
    return n;
  }

 private:
  std::string body_;
  ObjectInfo info_;
  size_t offset_ = 0;
};

// The bytes already read from a body (to tell whether it is small), then
// the rest of it.
class PrefixedByteSource final : public ByteSource {
 public:
  PrefixedByteSource(std::string_view prefix, ByteSource* rest) : prefix_(prefix), rest_(rest) {}

  Result<size_t> Read(char* buffer, size_t capacity) override {
    if (prefix_.empty()) return rest_->Read(buffer, capacity);
    size_t n = std::min(capacity, prefix_.size());
    prefix_.copy(buffer, n);
    prefix_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view prefix_;
  ByteSource* rest_;
};

// Reads until `buffer` holds `limit` bytes or the body ends; *at_end tells which.
Status ReadUpTo(ByteSource* body, size_t limit, std::string* buffer, bool* at_end) {
  buffer->resize(limit);
  size_t filled = 0;
  *at_end = false;
  while (filled < limit) {
    Result<size_t> n = body->Read(buffer->data() + filled, limit - filled);
    if (!n.ok()) return n.status();
    if (*n > limit - filled) {
      return Status::Internal("byte source returned more bytes than asked for");
    }
    if (*n == 0) {
      *at_end = true;
      break;
    }
    filled += *n;
  }
  buffer->resize(filled);
  return Status::OK();
}

Result<std::string> Md5Hex(std::string_view bytes) {
  io::Md5 md5;
  INVTRACK_RETURN_IF_ERROR(md5.Update(bytes.data(), bytes.size()));
  return md5.FinalHex();
}

Result<bool> QueryBool(SqliteDb& db, std::string_view sql) {
  Result<SqliteStatement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row && stmt->ColumnInt(0) != 0;
}

constexpr std::string_view kHasContent =
    "SELECT EXISTS (SELECT 1 FROM objects) OR EXISTS (SELECT 1 FROM multipart_uploads)";

}  // namespace

DirBucket::DirBucket(fs::path root, std::string name, const DirBucketOptions& options)
    : root_(std::move(root)),
      name_(std::move(name)),
      inline_body_limit_(options.inline_body_limit) {}

DirBucket::~DirBucket() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // also releases the flock
}

Result<std::unique_ptr<DirBucket>> DirBucket::OpenDir(const fs::path& root, std::string name) {
  return OpenDir(root, std::move(name), DirBucketOptions{});
}

Result<std::unique_ptr<DirBucket>> DirBucket::OpenDir(const fs::path& root, std::string name,
                                                      const DirBucketOptions& options) {
  if (!fs::exists(root.parent_path()) && !root.parent_path().empty()) {
    std::error_code ec;
    fs::create_directories(root.parent_path(), ec);
    if (ec) return io::ErrnoStatus("cannot create directory", root.parent_path(), ec.value());
  }
  for (const fs::path& dir : {root, root / "data", root / "tmp"}) {
    INVTRACK_RETURN_IF_ERROR(io::MakeDir(dir));
  }
  INVTRACK_RETURN_IF_ERROR(io::SyncDir(root));

  std::unique_ptr<DirBucket> bucket(new DirBucket(root, std::move(name), options));
  bucket->pool_ = std::make_unique<io::ConnectionPool>(root / "bucket.db");
  {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root / "bucket.db");
    if (!db.ok()) return db.status();
    // As the pool's connections: a commit is durable before a Put unlinks
    // the version it replaced.
    INVTRACK_RETURN_IF_ERROR((*db)->Exec("PRAGMA synchronous=FULL"));
    bucket->commits_ = std::make_unique<GroupCommit>(std::move(db).value());
  }
  bucket->files_ = std::make_unique<const io::DataFiles>(root);
  bucket->remover_ = std::make_unique<io::BackgroundRemover>();
  {
    Result<io::ConnectionPool::Lease> db = bucket->pool_->Acquire();
    if (!db.ok()) return db.status();
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    INVTRACK_RETURN_IF_ERROR((*db)->Exec(io::kBucketSchema));
    INVTRACK_RETURN_IF_ERROR(io::MigrateObjectsTable(**db));
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
  INVTRACK_RETURN_IF_ERROR(files_->RemoveAllTemporaries());

  // Data files no row names: renamed into data/ just before a crash, or the
  // parts of an upload whose removal was interrupted.
  Result<std::unordered_set<std::string>> unreferenced = files_->ListDataIds();
  if (!unreferenced.ok()) return unreferenced.status();
  if (unreferenced->empty()) return Status::OK();

  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> stmt = (*db)->Prepare(
      "SELECT data_file FROM objects UNION ALL SELECT data_file FROM multipart_parts");
  if (!stmt.ok()) return stmt.status();
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    unreferenced->erase(std::string(stmt->ColumnText(0)));
  }
  for (const std::string& id : *unreferenced) {
    INVTRACK_RETURN_IF_ERROR(io::RemoveFile(files_->DataPath(id)));
  }
  return Status::OK();
}

Result<StoredObject> DirBucket::Put(std::string_view key, ByteSource* body,
                                    const PutOptions& options, const CommitHook& on_commit) {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  if (body == nullptr) return Status::InvalidArgument("Put needs a body");
  StoredObject object;
  object.key = std::string(key);
  object.content_type = options.content_type;
  Result<std::string> metadata_json =
      io::EncodeMetadata(options.user_metadata, &object.user_metadata);
  if (!metadata_json.ok()) return metadata_json.status();

  // One byte past the limit tells a small body from a large one.
  std::string head;
  bool at_end = false;
  if (inline_body_limit_ > 0) {
    INVTRACK_RETURN_IF_ERROR(ReadUpTo(body, inline_body_limit_ + 1, &head, &at_end));
  }
  if (options.max_size && head.size() > *options.max_size) {
    return Status::InvalidArgument("object larger than " + std::to_string(*options.max_size) +
                                   " bytes");
  }
  if (at_end) {
    Result<std::string> md5_hex = Md5Hex(head);
    if (!md5_hex.ok()) return md5_hex.status();
    if (options.expected_md5_hex && !SameHex(*options.expected_md5_hex, *md5_hex)) {
      return Status::Corruption("Content-MD5 does not match the body");
    }
    object.info.etag = options.etag_override ? *options.etag_override : std::move(*md5_hex);
    object.info.size = head.size();
    return CommitInline(head, std::move(object), *metadata_json, on_commit);
  }
  PrefixedByteSource whole_body(head, body);

  // The temporary and the data file share a fresh random name.
  Result<std::string> id = io::RandomHexId();
  if (!id.ok()) return id.status();
  io::RemoveOnExit tmp_guard(files_->TmpPath(*id));
  Result<io::WrittenBody> written =
      io::WriteBody(&whole_body, options.max_size, files_->TmpPath(*id));
  if (!written.ok()) return written.status();
  if (options.expected_md5_hex && !SameHex(*options.expected_md5_hex, written->md5_hex)) {
    return Status::Corruption("Content-MD5 does not match the body");
  }
  tmp_guard.Dismiss();
  object.info.etag = options.etag_override ? *options.etag_override : std::move(written->md5_hex);
  object.info.size = written->size;
  return CommitNewVersion(*id, std::move(object), *metadata_json, on_commit);
}

Result<StoredObject> DirBucket::CommitInline(std::string_view body, StoredObject object,
                                             std::string_view metadata_json,
                                             const CommitHook& on_commit) {
  object.info.last_modified_ms = io::NowMs();
  Result<std::optional<std::string>> replaced = Status::Internal("not committed");
  // Durable when Run returns: the batch's COMMIT fsyncs the WAL
  // (synchronous=FULL) before any caller is answered.
  Status committed = commits_->Run([&](SqliteDb& db) {
    replaced = io::WriteObjectRow(db, "", body, metadata_json, on_commit, &object);
    return replaced.status();
  });
  if (replaced.ok() && !committed.ok()) replaced = committed;
  if (!replaced.ok()) return replaced.status();
  if (*replaced) Discard(**replaced);
  return object;
}

Result<StoredObject> DirBucket::CommitNewVersion(std::string_view id, StoredObject object,
                                                 std::string_view metadata_json,
                                                 const CommitHook& on_commit) {
  io::RemoveOnExit tmp_guard(files_->TmpPath(id));
  INVTRACK_RETURN_IF_ERROR(files_->Publish(id));
  tmp_guard.Dismiss();
  io::RemoveOnExit data_guard(files_->DataPath(id));
  object.info.last_modified_ms = io::NowMs();

  Result<std::optional<std::string>> replaced = Status::Internal("not committed");
  Status committed = commits_->Run([&](SqliteDb& db) {
    replaced = io::WriteObjectRow(db, id, std::nullopt, metadata_json, on_commit, &object);
    return replaced.status();
  });
  if (replaced.ok() && !committed.ok()) replaced = committed;
  if (!replaced.ok()) {
    Result<io::ConnectionPool::Lease> db = pool_->Acquire();
    if (!db.ok()) return replaced.status();
    // COMMIT itself failing leaves the outcome in doubt: keep the data file
    // unless the row is known not to point at it (OpenDir's GC has the rest).
    Result<std::optional<io::ObjectRow>> now = io::LookUpObject(**db, object.key);
    if (!now.ok() || (*now && (*now)->data_file == id)) data_guard.Dismiss();
    return replaced.status();
  }
  data_guard.Dismiss();
  // Readers that opened the old file keep it alive until they close it.
  if (*replaced && **replaced != id) Discard(**replaced);
  return object;
}

void DirBucket::Discard(std::string_view id) {
  if (id.empty()) return;  // an inline body went with its row
  remover_->RemoveSoon(files_->DataPath(id));
}

Result<StoredObject> DirBucket::Head(std::string_view key) const {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::optional<io::ObjectRow>> row = io::LookUpObject(**db, key);
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such key in bucket " + name_, key);
  return std::move((*row)->object);
}

Status DirBucket::Delete(std::string_view key) {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  std::string data_file;
  {
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    Result<std::optional<io::ObjectRow>> row = io::LookUpObject(**db, key);
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    data_file = (*row)->data_file;
    Result<SqliteStatement> stmt = (*db)->Prepare("DELETE FROM objects WHERE key = ?1");
    if (!stmt.ok()) return stmt.status();
    INVTRACK_RETURN_IF_ERROR(stmt->Bind(1, key).Run());
    INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  }
  // The object is gone either way; a file left behind is collected by OpenDir.
  Discard(data_file);
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
  std::string sql(io::kSelectObjects);
  sql += exclusive ? " WHERE key > ?1" : " WHERE key >= ?1";
  if (upper) sql += " AND key < ?2";
  sql += " ORDER BY key LIMIT ?3";

  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
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
    Result<io::ObjectRow> row = io::ReadObjectRow(*stmt);
    if (!row.ok()) return row.status();
    objects.push_back(std::move(row->object));
  }
  return objects;
}

Result<OpenedObject> DirBucket::OpenForRead(std::string_view key) const {
  INVTRACK_RETURN_IF_ERROR(ValidateKey(key));
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  // A Put may replace the version and unlink its file between our query and
  // open(2); the query then names the newer file.
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    Result<std::optional<io::ObjectRow>> row = io::LookUpObject(**db, key, true);
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such key in bucket " + name_, key);
    if ((*row)->inline_body) {
      return OpenedObject{std::move((*row)->object), -1, std::move((*row)->inline_body)};
    }
    fs::path path = files_->DataPath((*row)->data_file);
    Result<io::UniqueFd> fd = io::OpenFile(path, O_RDONLY);
    if (!fd.ok()) {
      if (!fd.status().IsNotFound()) return fd.status();
      continue;
    }
    struct stat st;
    if (::fstat(fd->get(), &st) != 0) return io::ErrnoStatus("cannot stat", path, errno);
    if (static_cast<uint64_t>(st.st_size) != (*row)->object.info.size) {
      return Status::Corruption("data file size differs from its metadata", path.string());
    }
    return OpenedObject{std::move((*row)->object), fd->Release(), std::nullopt};
  }
  return Status::Unavailable("object keeps changing while being opened", key);
}

Result<std::unique_ptr<ObjectStream>> DirBucket::Open(std::string_view bucket,
                                                      std::string_view key) {
  if (bucket != name_) return Status::NotFound("no such bucket", bucket);
  Result<OpenedObject> opened = OpenForRead(key);
  if (!opened.ok()) return opened.status();
  if (opened->inline_body) {
    return std::unique_ptr<ObjectStream>(
        new InlineObjectStream(std::move(*opened->inline_body), std::move(opened->object.info)));
  }
  // Errors name the object: its data file's name means nothing to a reader.
  return std::unique_ptr<ObjectStream>(new FileObjectStream(io::UniqueFd(opened->fd),
                                                            fs::path(name_) / opened->object.key,
                                                            std::move(opened->object.info)));
}

Result<bool> DirBucket::IsEmpty() const {
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<bool> has_content = QueryBool(**db, kHasContent);
  if (!has_content.ok()) return has_content.status();
  return !*has_content;
}

Status DirBucket::MarkDeletedIfEmpty() {
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
  if (!txn.ok()) return txn.status();
  Result<bool> has_content = QueryBool(**db, kHasContent);
  if (!has_content.ok()) return has_content.status();
  if (*has_content) return Status::Aborted("BucketNotEmpty", name_);
  Result<SqliteStatement> mark =
      (*db)->Prepare("INSERT OR IGNORE INTO bucket_deleted (id, deleted_ms) VALUES (1, ?1)");
  if (!mark.ok()) return mark.status();
  INVTRACK_RETURN_IF_ERROR(mark->Bind(1, io::NowMs()).Run());
  return (*txn)->Commit();
}

Result<bool> DirBucket::IsMarkedDeleted() const {
  Result<io::ConnectionPool::Lease> db = pool_->Acquire();
  if (!db.ok()) return db.status();
  return QueryBool(**db, "SELECT EXISTS (SELECT 1 FROM bucket_deleted)");
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
