#include "lambda/check_stock_handler.h"

#include <span>
#include <vector>

namespace invtrack {

HandlerOutcome CheckStockHandler::Handle(const InvocationContext& context) {
  Result<std::vector<StreamRecord>> records = ParseStreamEvent(context.invocation->payload);
  if (!records.ok()) {
    log_->Error("check.invalid_event", {{"error", records.status().message()}});
    return {false, "", {"Runtime.InvalidEvent", records.status().ToString()}};
  }
  BatchResponse response;
  size_t checked = 0;
  for (const StreamRecord& record : *records) {
    if (context.NearDeadline()) {
      log_->Error("check.deadline", {{"records_left", records->size() - checked}});
      break;
    }
    BatchResponse one = function_->Handle(std::span<const StreamRecord>(&record, 1));
    if (!one.ok()) {
      nlohmann::json fields{{"sequence_number", record.sequence_number}};
      if (last_topic_error_) fields["error"] = last_topic_error_().ToString();
      log_->Error("check.publish_failed", fields);
      break;
    }
    ++checked;
  }
  // Everything from the first unfinished record on is retried by the stream.
  for (size_t i = checked; i < records->size(); ++i) {
    response.failed_item_identifiers.push_back((*records)[i].sequence_number);
  }
  log_->Info("check.done", {{"records", records->size()},
                            {"checked", checked},
                            {"failures", response.failed_item_identifiers.size()}});
  return {true, BatchResponseToJson(response), {}};
}

}  // namespace invtrack
