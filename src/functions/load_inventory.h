// LoadInventory: the function S3 invokes when an inventory file is uploaded.
// For every ObjectCreated record of the event it reads the object as CSV and
// applies it to the inventory table all-or-nothing: any bad row rejects the
// whole file with a report of up to `max_problems` "line N: ..." entries, and
// the table stays as it was. A version already applied, or older than one
// already seen, is skipped, so redelivered and late events are harmless.
//
// An infrastructure failure (object unreadable, table unavailable) fails the
// invocation so that the caller retries it; a bad file does not, because
// retrying cannot fix it.
// Thread-safety: Handle may run concurrently if the ports allow it.
#ifndef INVTRACK_FUNCTIONS_LOAD_INVENTORY_H_
#define INVTRACK_FUNCTIONS_LOAD_INVENTORY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/s3_event.h"
#include "functions/inventory_table.h"
#include "functions/object_reader.h"

namespace invtrack {

enum class FileOutcome {
  kApplied,
  kRejected,
  kAlreadyApplied,
  kSuperseded,
  kSkipped,  // not an ObjectCreated event, or the object is gone
};

std::string_view FileOutcomeName(FileOutcome outcome);  // "applied", "rejected", ...

struct FileResult {
  FileVersion version;
  FileOutcome outcome = FileOutcome::kApplied;
  LoadStats stats;
  std::vector<std::string> problems;  // for kRejected: "line N: ..."
  std::string note;                   // why it was skipped or superseded
};

struct LoadInventoryOptions {
  size_t max_problems = 100;
};

class LoadInventory {
 public:
  LoadInventory(ObjectReader* objects, InventoryTable* table, LoadInventoryOptions options = {})
      : objects_(objects), table_(table), options_(options) {}

  // One result per record, in order; an error Status when the invocation
  // must be retried.
  Result<std::vector<FileResult>> Handle(std::span<const S3EventRecord> records);

 private:
  Result<FileResult> LoadOne(const S3EventRecord& record);

  ObjectReader* objects_;
  InventoryTable* table_;
  LoadInventoryOptions options_;
};

// The handler's JSON response: {"files":[{"bucket","key","etag","sequencer",
// "outcome","rows","changes","problems":[...],"note"}]}.
std::string FileResultsToJson(std::span<const FileResult> results);
Result<std::vector<FileResult>> ParseFileResults(std::string_view json);

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_LOAD_INVENTORY_H_
