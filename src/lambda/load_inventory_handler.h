// LoadInventoryHandler: the Lambda face of LoadInventory. It parses the S3
// event (an unparsable event is Runtime.InvalidEvent), applies its records
// one at a time while the deadline allows, logs one line per file, and
// answers with FileResultsToJson. A failing record fails the invocation
// (Lambda retries async invocations twice); records already applied are then
// skipped by the table's exactly-once check on the retry.
// Thread-safety: one invocation at a time.
#ifndef INVTRACK_LAMBDA_LOAD_INVENTORY_HANDLER_H_
#define INVTRACK_LAMBDA_LOAD_INVENTORY_HANDLER_H_

#include "functions/load_inventory.h"
#include "lambda/lambda_handler.h"
#include "lambda/lambda_log.h"

namespace invtrack {

class LoadInventoryHandler final : public LambdaHandler {
 public:
  // The pointers must outlive the handler.
  LoadInventoryHandler(LoadInventory* function, LambdaLog* log) : function_(function), log_(log) {}
  HandlerOutcome Handle(const InvocationContext& context) override;

 private:
  LoadInventory* function_;
  LambdaLog* log_;
};

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_LOAD_INVENTORY_HANDLER_H_
