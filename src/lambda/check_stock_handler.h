// CheckStockHandler: the Lambda face of CheckStock, for a DynamoDB stream
// event source mapping with ReportBatchItemFailures. It parses the stream
// records (an unparsable batch is Runtime.InvalidEvent, which the mapping
// bisects and finally sends to the on-failure destination), checks them in
// order one at a time, and answers {"batchItemFailures":[...]} naming the
// first record whose alerts were not all published and every record after
// it, or that the deadline left unchecked: the stream retries from there.
// Thread-safety: one invocation at a time.
#ifndef INVTRACK_LAMBDA_CHECK_STOCK_HANDLER_H_
#define INVTRACK_LAMBDA_CHECK_STOCK_HANDLER_H_

#include <functional>

#include "functions/check_stock.h"
#include "lambda/lambda_handler.h"
#include "lambda/lambda_log.h"

namespace invtrack {

class CheckStockHandler final : public LambdaHandler {
 public:
  // The pointers must outlive the handler. `last_topic_error` tells why the
  // topic refused an alert (for the log line).
  CheckStockHandler(CheckStock* function, LambdaLog* log,
                    std::function<Status()> last_topic_error = {})
      : function_(function), log_(log), last_topic_error_(std::move(last_topic_error)) {}
  HandlerOutcome Handle(const InvocationContext& context) override;

 private:
  CheckStock* function_;
  LambdaLog* log_;
  std::function<Status()> last_topic_error_;
};

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_CHECK_STOCK_HANDLER_H_
