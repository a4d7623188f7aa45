// WalCheckpointer: copies a WAL-mode database's log back into the database
// file on a background thread, instead of inside the COMMIT that crosses
// SQLite's auto-checkpoint threshold. A large load then commits as soon as
// its pages are in the log, and the copy (and its fsync) overlaps with what
// comes next (checking the change stream) on the other core.
//
// Connections to such a database are opened with `background_checkpoints`
// (SqliteOptions): no auto-checkpoint in the writer, no checkpoint on close.
// Checkpoints are PASSIVE: they never block readers or writers.
// Thread-safety: Notify from any thread.
#ifndef INVTRACK_ADAPTERS_LOCAL_WAL_CHECKPOINTER_H_
#define INVTRACK_ADAPTERS_LOCAL_WAL_CHECKPOINTER_H_

#include <filesystem>
#include <memory>

#include "adapters/local/sqlite_db.h"
#include "core/background_loop.h"

namespace invtrack {

class WalCheckpointer {
 public:
  // Starts checkpointing `path`: once commits pause after a Notify(), and
  // every `idle_ms` anyway.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::filesystem::path& path,
                                                        int64_t idle_ms = 2000);
  // Interrupts a checkpoint in progress (the log stays valid) and stops.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // A transaction committed: checkpoint soon.
  void Notify() { loop_.Notify(); }

  // Runs one PASSIVE checkpoint now, on the caller's thread (for tests).
  Status CheckpointNow();

 private:
  WalCheckpointer(std::unique_ptr<SqliteDb> db, int64_t idle_ms)
      : db_(std::move(db)), idle_ms_(idle_ms) {}
  void Run();

  std::unique_ptr<SqliteDb> db_;  // used by the loop's thread only
  int64_t idle_ms_;
  BackgroundLoop loop_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_WAL_CHECKPOINTER_H_
