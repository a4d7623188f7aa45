// GroupCommit: lets many threads commit small transactions to one SQLite
// database at the cost of one. Callers queue their work; one of them (the
// leader) runs every queued piece inside a single transaction, each in its
// own savepoint, and commits once. With 16 concurrent uploads that is one
// WAL fsync instead of sixteen, and no caller sleeps in SQLite's busy
// handler waiting for another connection's write lock.
// Thread-safety: Run may be called from any number of threads.
#ifndef INVTRACK_ADAPTERS_LOCAL_GROUP_COMMIT_H_
#define INVTRACK_ADAPTERS_LOCAL_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "adapters/local/sqlite_db.h"
#include "core/status.h"

namespace invtrack {

class GroupCommit {
 public:
  using Work = std::function<Status(SqliteDb& db)>;

  // `db` is the connection every batch runs on; owned.
  explicit GroupCommit(std::unique_ptr<SqliteDb> db, size_t max_batch = 256)
      : db_(std::move(db)), max_batch_(max_batch) {}

  // Runs `work` inside a transaction shared with concurrent callers and
  // returns once that transaction has committed (or failed). A failing
  // `work` rolls back only its own changes and gets its own Status back;
  // if the COMMIT itself fails, every caller of the batch gets that error.
  Status Run(const Work& work);

  // Batches committed so far (for tests and metrics).
  size_t batches() const;

 private:
  struct Pending {
    const Work* work;
    Status result;
    bool done = false;
  };

  // Runs `batch` in one transaction; fills each entry's result.
  void CommitBatch(std::deque<Pending*>& batch);

  std::unique_ptr<SqliteDb> db_;
  const size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  size_t batches_ = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_GROUP_COMMIT_H_
