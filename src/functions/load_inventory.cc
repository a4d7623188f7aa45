#include "functions/load_inventory.h"

#include <memory>
#include <optional>
#include <utility>

#include "core/csv_reader.h"
#include "core/inventory_csv.h"

namespace invtrack {

std::string_view FileOutcomeName(FileOutcome outcome) {
  switch (outcome) {
    case FileOutcome::kApplied:
      return "applied";
    case FileOutcome::kRejected:
      return "rejected";
    case FileOutcome::kAlreadyApplied:
      return "already-applied";
    case FileOutcome::kSuperseded:
      return "superseded";
    case FileOutcome::kSkipped:
      return "skipped";
  }
  return "unknown";
}

namespace {

FileVersion VersionOf(const S3EventRecord& record) {
  return FileVersion{record.bucket,    record.key,  record.etag,
                     record.sequencer, record.size, record.principal_id};
}

// Collects a file's problems up to a limit; past it the load stops reading.
class ProblemList {
 public:
  explicit ProblemList(size_t limit) : limit_(limit) {}
  void Add(std::string problem) {
    if (!full()) problems_.push_back(std::move(problem));
  }
  bool empty() const { return problems_.empty(); }
  bool full() const { return problems_.size() >= limit_; }
  // The list, closed with a note when checking stopped at the limit.
  std::vector<std::string> Take(bool stopped_early) {
    if (stopped_early) {
      problems_.push_back("... stopped after " + std::to_string(limit_) +
                          " problems; the rest of the file was not checked");
    }
    return std::move(problems_);
  }

 private:
  size_t limit_;
  std::vector<std::string> problems_;
};

std::string LinePrefix(uint64_t line) { return "line " + std::to_string(line) + ": "; }

}  // namespace

Result<std::vector<FileResult>> LoadInventory::Handle(std::span<const S3EventRecord> records) {
  std::vector<FileResult> results;
  results.reserve(records.size());
  for (const S3EventRecord& record : records) {
    Result<FileResult> result = LoadOne(record);
    if (!result.ok()) return result.status();
    results.push_back(std::move(result).value());
  }
  return results;
}

Result<FileResult> LoadInventory::LoadOne(const S3EventRecord& record) {
  FileResult result;
  result.version = VersionOf(record);
  if (!record.IsObjectCreated()) {
    result.outcome = FileOutcome::kSkipped;
    result.note = "event " + record.event_name + " is not an upload";
    return result;
  }

  Result<std::unique_ptr<ObjectStream>> opened = objects_->Open(record.bucket, record.key);
  if (!opened.ok()) {
    if (!opened.status().IsNotFound()) return opened.status();
    // Deleted after the upload: there is nothing left to load, and retrying
    // cannot bring it back.
    result.outcome = FileOutcome::kSkipped;
    result.note = "object no longer exists";
    return result;
  }
  ObjectStream& body = **opened;
  if (!record.etag.empty() && body.info().etag != record.etag) {
    // The key was overwritten since this event; the newer upload has its own
    // event and is the one that counts.
    result.outcome = FileOutcome::kSuperseded;
    result.note = "object was replaced by a newer upload";
    return result;
  }

  Result<LoadStart> start = table_->BeginLoad(result.version);
  if (!start.ok()) return start.status();
  if (start->check != VersionCheck::kNew) {
    result.outcome = start->check == VersionCheck::kAlreadyApplied ? FileOutcome::kAlreadyApplied
                                                                   : FileOutcome::kSuperseded;
    result.note = start->check == VersionCheck::kAlreadyApplied
                      ? "this version was already applied"
                      : "a newer version of this key was already loaded";
    return result;
  }
  std::unique_ptr<InventoryLoad> load = std::move(start->load);

  ProblemList problems(options_.max_problems);
  CsvReader reader(&body);
  CsvRecord csv;
  Result<bool> more = reader.Next(&csv);
  std::optional<InventoryCsvSchema> schema;
  if (more.ok() && !*more) {
    problems.Add("the file is empty: expected a header line such as 'store,item,count'");
  } else if (more.ok()) {
    Result<InventoryCsvSchema> parsed =
        InventoryCsvSchema::FromHeader(csv, StoreFromKey(record.key));
    if (parsed.ok()) {
      schema = std::move(parsed).value();
    } else {
      problems.Add(parsed.status().message());
    }
  }

  uint64_t data_rows = 0;
  bool stopped_early = false;
  StockRow row;
  std::string problem;
  while (schema && more.ok()) {
    more = reader.Next(&csv);
    if (!more.ok() || !*more) break;
    if (problems.full()) {
      // Enough to act on; reading a huge bad file to the end helps no one.
      stopped_early = true;
      break;
    }
    ++data_rows;
    if (!schema->ParseRow(csv, &row, &problem)) {
      problems.Add(std::move(problem));
      continue;
    }
    if (!problems.empty()) continue;  // already rejected: just look for more problems
    Result<PutOutcome> put = load->Put(row);
    if (!put.ok()) return put.status();
    if (put->conflict) {
      problems.Add(LinePrefix(csv.line) + "item '" + row.item + "' of store '" + row.store +
                   "' appears again with count " + std::to_string(row.count) +
                   " (an earlier line has " + std::to_string(put->earlier_count) + ")");
    }
  }
  if (!more.ok()) {
    // The reader's errors on bad bytes (binary, non-UTF-8, broken quoting)
    // are the file's fault; a failing source is not.
    if (!more.status().IsInvalidArgument()) return more.status();
    problems.Add(more.status().message());
  } else if (schema && data_rows == 0 && problems.empty()) {
    problems.Add("the file has a header but no rows");
  }

  if (!problems.empty()) {
    load.reset();  // abandon every row written so far
    result.outcome = FileOutcome::kRejected;
    result.problems = problems.Take(stopped_early);
    INVTRACK_RETURN_IF_ERROR(table_->RecordRejection(result.version, result.problems));
    return result;
  }
  Result<LoadStats> stats = load->Commit();
  if (!stats.ok()) return stats.status();
  result.outcome = FileOutcome::kApplied;
  result.stats = *stats;
  return result;
}

}  // namespace invtrack
