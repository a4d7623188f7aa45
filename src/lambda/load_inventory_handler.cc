#include "lambda/load_inventory_handler.h"

#include <span>
#include <vector>

namespace invtrack {

HandlerOutcome LoadInventoryHandler::Handle(const InvocationContext& context) {
  Result<std::vector<S3EventRecord>> records = ParseS3Event(context.invocation->payload);
  if (!records.ok()) {
    log_->Error("load.invalid_event", {{"error", records.status().message()}});
    return {false, "", {"Runtime.InvalidEvent", records.status().ToString()}};
  }
  std::vector<FileResult> results;
  for (size_t i = 0; i < records->size(); ++i) {
    const S3EventRecord& record = (*records)[i];
    if (context.NearDeadline()) {
      std::string message = "stopped " + std::to_string(context.RemainingMillis()) +
                            " ms before the deadline with " + std::to_string(records->size() - i) +
                            " of " + std::to_string(records->size()) +
                            " records left; the retry resumes";
      log_->Error("load.deadline", {{"records_left", records->size() - i}});
      return {false, "", {"Function.DeadlineNear", message}};
    }
    Result<std::vector<FileResult>> handled =
        function_->Handle(std::span<const S3EventRecord>(&record, 1));
    if (!handled.ok()) {
      log_->Error(
          "load.failed",
          {{"bucket", record.bucket}, {"key", record.key}, {"error", handled.status().ToString()}});
      return {false, "", {ErrorTypeFor(handled.status()), handled.status().ToString()}};
    }
    for (FileResult& result : *handled) {
      nlohmann::json fields{{"bucket", result.version.bucket},
                            {"key", result.version.key},
                            {"etag", result.version.etag},
                            {"rows", result.stats.rows},
                            {"changes", result.stats.changes}};
      if (!result.problems.empty()) fields["problems"] = result.problems.size();
      if (!result.note.empty()) fields["note"] = result.note;
      log_->Write(result.outcome == FileOutcome::kRejected ? "warn" : "info",
                  "load." + std::string(FileOutcomeName(result.outcome)), fields);
      results.push_back(std::move(result));
    }
  }
  return {true, FileResultsToJson(results), {}};
}

}  // namespace invtrack
