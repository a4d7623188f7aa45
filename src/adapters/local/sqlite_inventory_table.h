// SqliteInventoryTable: the inventory table and its change stream in one
// SQLite database (inventory.db, WAL). It implements the InventoryTable port
// for Load-Inventory and offers the read queries the CLI and dashboard need.
//
// Schema (see Schema() in the .cc): `inventory` (Store, Item -> Count,
// LowThreshold, upload id; WITHOUT ROWID, keyed like the DynamoDB table),
// `uploads` (every applied or rejected file version with its report),
// `object_versions` (newest version seen per key, for ordering), and
// `stream_segments` (the change stream, see change_segment.h).
//
// Change records are captured with SQLite's pre-update hook, which sees the
// old and new row of every write for free, and are appended to the segment
// inside the load's own transaction: a crash can neither lose nor invent a
// change.
// Thread-safety: all methods may be called from several threads; loads are
// serialised (SQLite has one writer), reads run concurrently with a load.
#ifndef INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_H_
#define INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "adapters/local/wal_checkpointer.h"
#include "functions/clock.h"
#include "functions/inventory_table.h"

namespace invtrack {

// One item as stored, with where its current count came from.
struct InventoryItem {
  std::string store;
  std::string item;
  int64_t count = 0;
  std::optional<int64_t> low_threshold;
  int64_t updated_ms = 0;
  std::string source_key;
  std::string source_etag;
};

struct UploadRecord {
  int64_t id = 0;
  FileVersion version;
  std::string status;  // "applied" or "rejected"
  uint64_t rows = 0;
  uint64_t changes = 0;
  std::vector<std::string> problems;
  int64_t time_ms = 0;
  // Its change records are the sequences [first_change_seq, + changes);
  // 0 when it made none (or was applied before this was recorded).
  uint64_t first_change_seq = 0;
};

struct TableSummary {
  int64_t stores = 0;
  int64_t items = 0;
  int64_t uploads_applied = 0;
  int64_t uploads_rejected = 0;
  uint64_t latest_sequence = 0;  // newest change record (0 when none)
};

struct ItemQuery {
  std::optional<std::string> store;  // all stores when unset
};

class SqliteInventoryTable final : public InventoryTable {
 public:
  static Result<std::unique_ptr<SqliteInventoryTable>> Open(const std::filesystem::path& path,
                                                            const Clock* clock);
  ~SqliteInventoryTable() override;

  // InventoryTable.
  Result<LoadStart> BeginLoad(const FileVersion& version) override;
  Status RecordRejection(const FileVersion& version,
                         const std::vector<std::string>& problems) override;

  // Calls `visit` for each item in (store, item) byte order; stops early when
  // it returns false.
  Status ScanItems(const ItemQuery& query,
                   const std::function<bool(const InventoryItem&)>& visit) const;

  // Uploads newest first.
  Result<std::vector<UploadRecord>> ListUploads(size_t limit) const;
  // The most recent upload record of bucket/key with this etag, if any.
  Result<std::optional<UploadRecord>> FindUpload(const FileVersion& version) const;

  // The applied upload whose load produced change record `sequence`, if any.
  Result<std::optional<UploadRecord>> FindUploadOfChange(uint64_t sequence) const;

  Result<TableSummary> Summary() const;

  // The stream's label, part of every event id ("<label>-<sequence>").
  const std::string& stream_label() const { return stream_label_; }
  const std::filesystem::path& path() const { return path_; }

  // How many change records one segment holds at most.
  static constexpr uint32_t kSegmentRecords = 4096;

 private:
  class Load;
  struct Capture;

  SqliteInventoryTable(std::filesystem::path path, const Clock* clock);
  Status Init();
  Result<std::unique_ptr<SqliteDb>> OpenReader() const;
  Status RecordVersionSeen(const FileVersion& version);

  std::filesystem::path path_;
  const Clock* clock_;
  std::string stream_label_;

  std::mutex write_mutex_;  // held by the one active Load, and by RecordRejection
  std::unique_ptr<SqliteDb> write_db_;
  std::unique_ptr<Capture> capture_;  // state the pre-update hook writes into
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_H_
