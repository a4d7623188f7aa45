// InventoryTable: the port through which Load-Inventory writes a file's rows
// (SQLite locally, DynamoDB on AWS). It owns the two promises users rely on:
//   - all-or-nothing: rows written through an InventoryLoad become visible,
//     with their change records, only at Commit; dropping the load undoes
//     everything;
//   - exactly-once per object version: BeginLoad refuses a version that was
//     already applied, and one older (by S3 sequencer) than the newest
//     version of the same key seen so far.
// Thread-safety: implementations must allow concurrent BeginLoad calls (they
// may serialise them); one InventoryLoad is used by one thread.
#ifndef INVTRACK_FUNCTIONS_INVENTORY_TABLE_H_
#define INVTRACK_FUNCTIONS_INVENTORY_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/stock_row.h"

namespace invtrack {

// One version of an uploaded object, as named by its S3 event.
struct FileVersion {
  std::string bucket;
  std::string key;
  std::string etag;
  std::string sequencer;
  uint64_t size = 0;
  std::string uploader;  // principal that uploaded it
};

struct PutOutcome {
  // The same item was already written by this file with another count.
  bool conflict = false;
  int64_t earlier_count = 0;
};

struct LoadStats {
  uint64_t rows = 0;     // rows written
  uint64_t changes = 0;  // change records produced (rows whose data changed)
};

// A file being applied. Destroying it without Commit abandons every Put.
class InventoryLoad {
 public:
  InventoryLoad() = default;
  InventoryLoad(const InventoryLoad&) = delete;
  InventoryLoad& operator=(const InventoryLoad&) = delete;
  virtual ~InventoryLoad() = default;

  // Writes one row (insert or replace of Store+Item). A row equal to the
  // stored one produces no change record.
  virtual Result<PutOutcome> Put(const StockRow& row) = 0;

  // Makes every Put visible, with its change records, atomically.
  virtual Result<LoadStats> Commit() = 0;
};

enum class VersionCheck {
  kNew,             // go ahead: BeginLoad returned a load
  kAlreadyApplied,  // this exact version was applied before
  kSuperseded,      // a newer version of the key was already seen
};

struct LoadStart {
  VersionCheck check = VersionCheck::kNew;
  std::unique_ptr<InventoryLoad> load;  // set only for kNew
};

class InventoryTable {
 public:
  InventoryTable() = default;
  InventoryTable(const InventoryTable&) = delete;
  InventoryTable& operator=(const InventoryTable&) = delete;
  virtual ~InventoryTable() = default;

  virtual Result<LoadStart> BeginLoad(const FileVersion& version) = 0;

  // Records that `version` was rejected, with its problems, so that the CLI
  // and dashboard can show why; it also counts as "seen" for ordering.
  virtual Status RecordRejection(const FileVersion& version,
                                 const std::vector<std::string>& problems) = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_INVENTORY_TABLE_H_
