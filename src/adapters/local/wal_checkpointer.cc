#include "adapters/local/wal_checkpointer.h"

namespace invtrack {

namespace {

// A checkpoint waits for a quiet moment, this long without commits, so that
// it does not compete for the disk with the work that follows a load...
constexpr int64_t kQuietMs = 300;
// ...but no longer than this, so the log cannot grow without bound.
constexpr int64_t kMaxDelayMs = 3000;

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::filesystem::path& path,
                                                                int64_t idle_ms) {
  Result<std::unique_ptr<SqliteDb>> db =
      SqliteDb::Open(path, SqliteOptions{.background_checkpoints = true});
  if (!db.ok()) return db.status();
  std::unique_ptr<WalCheckpointer> checkpointer(
      new WalCheckpointer(std::move(db).value(), idle_ms));
  checkpointer->loop_.Start([raw = checkpointer.get()] { raw->Run(); });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  // An interrupted checkpoint leaves a valid log; the next one resumes.
  sqlite3_interrupt(db_->raw());
  loop_.Stop();
}

Status WalCheckpointer::CheckpointNow() {
  int rc =
      sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::OK();
  return SqliteDb::StatusFromCode(rc, "checkpoint of " + db_->path().string(), db_->raw());
}

void WalCheckpointer::Run() {
  while (!loop_.stopping()) {
    loop_.SleepFor(idle_ms_);  // until a commit, or idle_ms_ anyway
    int64_t delayed = 0;
    while (!loop_.stopping() && delayed < kMaxDelayMs && loop_.SleepFor(kQuietMs)) {
      delayed += kQuietMs;
    }
    if (loop_.stopping()) break;
    // Busy or interrupted checkpoints simply try again later.
    (void)CheckpointNow();
  }
}

}  // namespace invtrack
