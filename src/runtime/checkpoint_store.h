// CheckpointStore: the local runtime's own durable state (runtime.db): how
// far each stream consumer has got, and the stream batches it gave up on
// (the on-failure destination).
// Thread-safety: safe for concurrent use (mutex-guarded connection).
#ifndef INVTRACK_RUNTIME_CHECKPOINT_STORE_H_
#define INVTRACK_RUNTIME_CHECKPOINT_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/sqlite_db.h"

namespace invtrack {

struct StreamFailure {
  int64_t id = 0;
  std::string consumer;
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  std::string records_json;  // the records, as the handler received them
  std::string error;
  int64_t time_ms = 0;
};

class CheckpointStore {
 public:
  static Result<std::unique_ptr<CheckpointStore>> Open(const std::filesystem::path& path);

  // The last sequence `consumer` has finished with (0 before the first).
  Result<uint64_t> Get(std::string_view consumer);
  Status Set(std::string_view consumer, uint64_t sequence);

  // Records a failed batch and moves the checkpoint past it, atomically.
  Status RecordFailure(const StreamFailure& failure);
  Result<std::vector<StreamFailure>> ListFailures();

 private:
  CheckpointStore() = default;
  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mutex_
  SqliteStatement set_;           // kept prepared: Set runs once per batch
};

}  // namespace invtrack

#endif  // INVTRACK_RUNTIME_CHECKPOINT_STORE_H_
