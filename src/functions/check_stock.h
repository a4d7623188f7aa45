// CheckStock: the function the inventory table's change stream invokes. For
// each change record it asks the StockPolicy whether the item crossed a line
// (OUT, LOW, BACK_IN_STOCK) and publishes one alert per crossing to the
// topic. Alert ids derive from the record's event id, so a redelivered batch
// republishes the same ids, which the topic and receivers de-duplicate.
//
// Failures are reported per record (batchItemFailures): if publishing stops
// part-way, the records whose alerts were not accepted are returned, and the
// stream retries from the first of them.
// Thread-safety: Handle may be called concurrently if the Topic allows it.
#ifndef INVTRACK_FUNCTIONS_CHECK_STOCK_H_
#define INVTRACK_FUNCTIONS_CHECK_STOCK_H_

#include <span>
#include <string>
#include <utility>

#include "core/alert.h"
#include "core/batch_response.h"
#include "core/stock_policy.h"
#include "core/stream_record.h"
#include "functions/clock.h"
#include "functions/topic.h"

namespace invtrack {

struct CheckStockOptions {
  std::string subject{kDefaultAlertSubject};
};

class CheckStock {
 public:
  // The pointers must outlive this object.
  CheckStock(Topic* topic, const StockPolicy* policy, const Clock* clock,
             CheckStockOptions options = {})
      : topic_(topic), policy_(policy), clock_(clock), options_(std::move(options)) {}

  BatchResponse Handle(std::span<const StreamRecord> records);

 private:
  Topic* topic_;
  const StockPolicy* policy_;
  const Clock* clock_;
  CheckStockOptions options_;
};

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_CHECK_STOCK_H_
