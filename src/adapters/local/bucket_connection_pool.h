// ConnectionPool: idle SQLite connections to one bucket.db, reused across
// calls so that a Put or a Head does not pay for opening one. Shared by
// DirBucket and MultipartStore.
// Thread-safety: Acquire() may be called from any thread; a Lease (and the
// connection it lends) is used by one thread at a time, as SqliteDb requires.
#ifndef INVTRACK_ADAPTERS_LOCAL_BUCKET_CONNECTION_POOL_H_
#define INVTRACK_ADAPTERS_LOCAL_BUCKET_CONNECTION_POOL_H_

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::filesystem::path path) : path_(std::move(path)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

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

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<SqliteDb> db);

  std::filesystem::path path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_;
};

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_BUCKET_CONNECTION_POOL_H_
