#include "adapters/local/bucket_connection_pool.h"

#include <utility>

namespace invtrack::dir_bucket_internal {
namespace {

constexpr size_t kMaxIdleConnections = 8;

}  // namespace

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
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
  // NORMAL may lose the last commits on power loss, after a Put has already
  // unlinked the replaced data file: the surviving row would point at
  // nothing. FULL makes a commit durable before that unlink.
  INVTRACK_RETURN_IF_ERROR((*db)->Exec("PRAGMA synchronous=FULL"));
  return Lease(this, std::move(*db));
}

void ConnectionPool::Return(std::unique_ptr<SqliteDb> db) {
  // A connection left inside a transaction would poison the next caller.
  if (sqlite3_get_autocommit(db->raw()) == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(db));
}

}  // namespace invtrack::dir_bucket_internal
