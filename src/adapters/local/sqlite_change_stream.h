// SqliteChangeStream: reads the inventory table's change stream (the
// segments SqliteInventoryTable writes) in sequence order, as DynamoDB
// Streams' GetRecords would. It keeps the last decoded segment, so reading
// a segment in small batches decodes it once.
// Thread-safety: not thread-safe; give each reader thread its own instance.
#ifndef INVTRACK_ADAPTERS_LOCAL_SQLITE_CHANGE_STREAM_H_
#define INVTRACK_ADAPTERS_LOCAL_SQLITE_CHANGE_STREAM_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "core/stream_record.h"

namespace invtrack {

class SqliteChangeStream {
 public:
  // `path` is the inventory database; it must already exist.
  static Result<std::unique_ptr<SqliteChangeStream>> Open(const std::filesystem::path& path);

  // Appends to *out up to `max` records whose sequence is greater than
  // `after` (0 = from the beginning), in order. Returns how many were added.
  Result<size_t> ReadAfter(uint64_t after, size_t max, std::vector<StreamRecord>* out);

  // The sequence number of the newest committed record (0 when none).
  Result<uint64_t> LatestSequence();

 private:
  SqliteChangeStream() = default;
  Status LoadSegmentContaining(uint64_t sequence, bool* found);

  std::unique_ptr<SqliteDb> db_;
  SqliteStatement find_segment_;
  SqliteStatement latest_;
  std::string event_id_prefix_;
  // The cached segment: records for [cached_first_, cached_first_ + size).
  uint64_t cached_first_ = 0;
  std::vector<StreamRecord> cached_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_SQLITE_CHANGE_STREAM_H_
