// BucketRegistry: the buckets of one data directory, each a DirBucket in
// <data>/buckets/<name>/, with their creation times in
// <data>/buckets/.buckets.db (a name that no bucket can have, as bucket
// names cannot start with a dot).
//
// Deleting a bucket first marks its bucket.db deleted in the same
// transaction that checks it is empty, so a Put racing the delete fails
// (NotFound) instead of landing in a bucket about to vanish; then the
// registry forgets it and removes its directory (moved aside to
// .trash-<id> first, which Open() clears should a crash interrupt that).
// Thread-safety: all methods may be called from any thread. Pointers
// returned by Find and Multipart stay valid for the registry's lifetime,
// even after the bucket is deleted (operations on it then fail).
#ifndef INVTRACK_ADAPTERS_LOCAL_BUCKET_REGISTRY_H_
#define INVTRACK_ADAPTERS_LOCAL_BUCKET_REGISTRY_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/multipart_store.h"
#include "adapters/local/sqlite_db.h"
#include "core/result.h"

namespace invtrack {

struct BucketInfo {
  std::string name;
  int64_t created_ms = 0;
};

class BucketRegistry {
 public:
  // `data_dir/buckets/` holds the buckets; `main` (may be null) is an
  // already-open DirBucket (the pipeline's) returned for its own name
  // instead of opening a second instance; it counts as created when first
  // seen here. It must outlive the registry.
  static Result<std::unique_ptr<BucketRegistry>> Open(const std::filesystem::path& data_dir,
                                                      DirBucket* main);
  ~BucketRegistry();
  BucketRegistry(const BucketRegistry&) = delete;
  BucketRegistry& operator=(const BucketRegistry&) = delete;

  Result<std::vector<BucketInfo>> List() const;  // ordered by name
  // NotFound if there is no such bucket. Opened on first use and cached.
  Result<DirBucket*> Find(std::string_view name);
  Result<MultipartStore*> Multipart(std::string_view name);  // one per bucket
  // AlreadyExists if present; InvalidArgument if ValidateName rejects it.
  Status Create(std::string_view name);
  // NotFound; Aborted("BucketNotEmpty") if it holds objects or multipart
  // uploads; PermissionDenied for the main bucket.
  Status Delete(std::string_view name);

  // S3's bucket naming rules: 3-63 characters of lower-case letters,
  // digits, '.' and '-', starting and ending with a letter or digit, no
  // ".." (nor ".-" / "-."), and not shaped like an IPv4 address.
  static Status ValidateName(std::string_view name);

 private:
  struct Entry {
    std::unique_ptr<DirBucket> owned;  // null for the main bucket
    DirBucket* bucket = nullptr;
    std::unique_ptr<MultipartStore> multipart;
  };

  BucketRegistry(std::filesystem::path dir, DirBucket* main, std::unique_ptr<SqliteDb> db);

  // REQUIRES: mu_ held.
  Result<Entry*> FindLocked(std::string_view name);
  Result<bool> IsRegistered(std::string_view name);
  Status Unregister(std::string_view name);
  Status RegisterMain();
  // Moves a bucket directory aside and removes it.
  void RemoveDirectory(std::string_view name);

  const std::filesystem::path dir_;
  DirBucket* const main_;
  mutable std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mu_
  std::map<std::string, Entry, std::less<>> open_;
  // Deleted buckets' instances: callers may still hold pointers to them.
  std::vector<Entry> retired_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_BUCKET_REGISTRY_H_
