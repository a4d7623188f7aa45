// DirBucket: an S3-like bucket kept in a directory of the local file system.
// Bodies up to kInlineBodyLimit bytes are kept in the object's metadata row
// (one group commit stores them: no file to create, fsync and rename);
// larger bodies are data files under <root>/data/; their metadata (ETag =
// hex MD5 of the body, size, last-modified, content-type, user metadata,
// sequencer, data file name) is a row in <root>/bucket.db (SQLite, WAL), so
// listing is an indexed query. A Put streams the body into a temporary file
// (hashing as it goes), fsyncs it, renames it to a fresh, never-reused data
// file name, fsyncs the directory and only then commits the metadata row;
// a crash therefore leaves the old or the new version, never a torn one, and
// at worst an orphan data file that OpenDir() removes. Multipart uploads in
// progress (MultipartStore) live in the same database and directory.
//
// Object keys are never used as paths: a data file is named after a random
// id, so "..", absolute paths, NUL bytes and case- or unicode-variant keys
// are just distinct keys. Keys must be 1..1024 bytes of valid UTF-8 without
// NUL (S3's limits).
// Thread-safety: safe for concurrent use by several threads and processes;
// the last commit wins, as on S3.
#ifndef INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_H_
#define INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/byte_source.h"
#include "core/result.h"
#include "functions/object_reader.h"

namespace invtrack {

class GroupCommit;

namespace dir_bucket_internal {
class BackgroundRemover;
class ConnectionPool;
class DataFiles;
}  // namespace dir_bucket_internal

struct StoredObject {
  std::string key;
  ObjectInfo info;  // etag, size, last_modified_ms, sequencer
  std::string content_type;
  std::map<std::string, std::string> user_metadata;  // x-amz-meta-*, names lower-cased
};

struct PutOptions {
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> user_metadata;
  std::optional<uint64_t> max_size;  // reject bodies larger than this
  // Content-MD5 (as lower- or upper-case hex): a body with another MD5 is
  // rejected with Corruption("Content-MD5 does not match the body").
  std::optional<std::string> expected_md5_hex;
  // Stored as the ETag instead of the body's hex MD5 (e.g. a multipart
  // "<hex>-N" ETag).
  std::optional<std::string> etag_override;
};

struct DirBucketOptions {
  // Bodies of at most this many bytes are kept in their metadata row; 0
  // stores every body as a data file (as data dirs made before inline
  // bodies do).
  size_t inline_body_limit = 64 * 1024;
};

// The current version of an object, opened for reading (e.g. to sendfile
// ranges of it). It stays readable even if a newer Put replaces it.
struct OpenedObject {
  StoredObject object;
  int fd = -1;  // O_RDONLY|O_CLOEXEC; owned by the caller: close it
  // Set instead of `fd` for a small object stored inline.
  std::optional<std::string> inline_body;
};

class DirBucket final : public ObjectReader {
 public:
  // The default inline limit.
  static constexpr size_t kInlineBodyLimit = DirBucketOptions{}.inline_body_limit;

  // Opens (creating if needed) the bucket stored in `root`, and removes data
  // files no metadata row refers to (left by a crash mid-Put) unless another
  // DirBucket has the same root open. Not named Open: beside the
  // ObjectReader method, Open(std::string, std::string) would silently pick
  // this factory (std::string converts to both path and string_view).
  static Result<std::unique_ptr<DirBucket>> OpenDir(const std::filesystem::path& root,
                                                    std::string name,
                                                    const DirBucketOptions& options);
  static Result<std::unique_ptr<DirBucket>> OpenDir(const std::filesystem::path& root,
                                                    std::string name);
  ~DirBucket() override;

  const std::string& name() const { return name_; }

  // Called inside the metadata transaction of a Put, with the bucket's
  // connection: whatever it writes commits or rolls back with the object.
  // This is how an ObjectCreated notification is made atomic with the write.
  using CommitHook = std::function<Status(SqliteDb& db, const StoredObject& object)>;

  // Streams `body` into a new version of `key`. On any failure (including
  // the body's own read error, exceeding max_size (InvalidArgument "object
  // larger than ..."), a Content-MD5 mismatch (Corruption), or the hook
  // failing) no trace is left and the previous version stays. A bucket
  // deleted through BucketRegistry fails with NotFound. Returns the stored
  // object's description with a fresh sequencer, greater than any earlier
  // one in this bucket (fixed-width hex, so string order is numeric order).
  Result<StoredObject> Put(std::string_view key, ByteSource* body, const PutOptions& options,
                           const CommitHook& on_commit = {});

  Result<StoredObject> Head(std::string_view key) const;
  Status Delete(std::string_view key);  // OK when absent, as S3 does

  // Keys in lexicographic byte order, starting after `start_after`, at most
  // `limit`, restricted to `prefix`.
  Result<std::vector<StoredObject>> List(std::string_view prefix, std::string_view start_after,
                                         size_t limit) const;

  // ObjectReader: the current version's body. A reader that opened a
  // version keeps reading it even if a newer Put replaces it meanwhile.
  Result<std::unique_ptr<ObjectStream>> Open(std::string_view bucket,
                                             std::string_view key) override;

  // The current version with its data file open; NotFound when absent.
  Result<OpenedObject> OpenForRead(std::string_view key) const;

  // True when the bucket holds no objects and no multipart uploads.
  Result<bool> IsEmpty() const;

  // InvalidArgument unless `key` is an acceptable object key. Put, Head,
  // Delete and Open check it first and return that error.
  static Status ValidateKey(std::string_view key);

 private:
  friend class MultipartStore;  // commits versions through CommitNewVersion
  friend class BucketRegistry;  // marks a bucket deleted

  DirBucket(std::filesystem::path root, std::string name, const DirBucketOptions& options);

  Status CollectGarbage();

  // Commits `body` as the new version `object` inside its row.
  Result<StoredObject> CommitInline(std::string_view body, StoredObject object,
                                    std::string_view metadata_json, const CommitHook& on_commit);

  // Publishes the finished, fsynced temporary file `id` (see DataFiles) as
  // the new version `object` (key, etag, size, content type and metadata
  // set; `metadata_json` from EncodeMetadata) and commits its row with the
  // hook. On failure nothing is left unless the commit's outcome is unknown.
  // Removes the replaced version's data file after the commit.
  Result<StoredObject> CommitNewVersion(std::string_view id, StoredObject object,
                                        std::string_view metadata_json,
                                        const CommitHook& on_commit);
  // In one transaction: Aborted("BucketNotEmpty") unless IsEmpty(), else
  // marks the bucket deleted so that every later commit fails.
  Status MarkDeletedIfEmpty();
  // Removes the data file `id` once no row names it (big ones in the background).
  void Discard(std::string_view id);
  Result<bool> IsMarkedDeleted() const;

  std::filesystem::path root_;
  std::string name_;
  std::unique_ptr<dir_bucket_internal::ConnectionPool> pool_;
  // Object rows of concurrent Puts commit together (one fsync per batch).
  std::unique_ptr<GroupCommit> commits_;
  std::unique_ptr<const dir_bucket_internal::DataFiles> files_;
  std::unique_ptr<dir_bucket_internal::BackgroundRemover> remover_;
  // Shared flock(2) on <root>/bucket.lock for as long as this object lives:
  // OpenDir() collects garbage only when it can lock exclusively, i.e. when no
  // other instance (in any process) may be half-way through a Put.
  int lock_fd_ = -1;
  const size_t inline_body_limit_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_H_
