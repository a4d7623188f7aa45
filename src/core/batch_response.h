// The partial-batch response a stream handler returns to Lambda when
// ReportBatchItemFailures is on: {"batchItemFailures":[{"itemIdentifier":
// "<SequenceNumber>"}]}. An empty list means the whole batch succeeded.
#ifndef INVTRACK_CORE_BATCH_RESPONSE_H_
#define INVTRACK_CORE_BATCH_RESPONSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace invtrack {

struct BatchResponse {
  std::vector<std::string> failed_item_identifiers;  // sequence numbers

  bool ok() const { return failed_item_identifiers.empty(); }
  bool operator==(const BatchResponse&) const = default;
};

std::string BatchResponseToJson(const BatchResponse& response);

// Accepts the shape above; `null`, `{}` and an empty or null list mean
// success, as Lambda treats them. Anything else malformed is an
// InvalidArgument, including a missing, null or empty itemIdentifier (which
// Lambda treats as a failure of the whole batch). Never throws.
Result<BatchResponse> ParseBatchResponse(std::string_view json);

}  // namespace invtrack

#endif  // INVTRACK_CORE_BATCH_RESPONSE_H_
