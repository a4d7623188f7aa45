// LambdaFunction: one of invtrack's two functions assembled for Lambda from
// the environment the function runs in, with its AWS adapters:
//   _HANDLER          "load_inventory" or "check_stock" (the template's Handler)
//   INVENTORY_TABLE   DynamoDB table of items (default "Inventory")
//   UPLOADS_TABLE     DynamoDB table of object versions (default "InventoryUploads")
//   ALERT_TOPIC_ARN   SNS topic (check_stock; required)
//   LOW_THRESHOLD     default low-stock threshold (default 5)
//   ALERT_SUBJECT     alert subject (default "Inventory Alert!")
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION
//                     the function role's keys, set by Lambda
//   AWS_ENDPOINT_URL[_S3|_DYNAMODB|_SNS]  other endpoints (moto in tests)
//   AWS_MAX_ATTEMPTS  attempts per AWS call, including the first (default 4)
//   AWS_CA_BUNDLE     trusted CAs for https (the package's wrapper sets it)
//   INVTRACK_DEADLINE_MARGIN_MS  stop this long before the deadline (default 1000)
// Create fails with a message fit for an init error (unknown handler,
// missing topic, no credentials).
// Thread-safety: one invocation at a time.
#ifndef INVTRACK_LAMBDA_LAMBDA_FUNCTION_H_
#define INVTRACK_LAMBDA_LAMBDA_FUNCTION_H_

#include <memory>
#include <string>

#include "adapters/aws/aws_credentials.h"
#include "lambda/lambda_handler.h"
#include "lambda/lambda_log.h"

namespace invtrack {

class LambdaFunction {
 public:
  static Result<std::unique_ptr<LambdaFunction>> Create(const EnvironmentLookup& env,
                                                        LambdaLog* log);
  virtual ~LambdaFunction() = default;

  LambdaHandler& handler() { return *handler_; }
  const std::string& name() const { return name_; }
  int64_t deadline_margin_ms() const { return margin_ms_; }

 protected:
  LambdaFunction() = default;
  std::string name_;
  int64_t margin_ms_ = 1000;
  std::unique_ptr<LambdaHandler> handler_;
};

}  // namespace invtrack

#endif  // INVTRACK_LAMBDA_LAMBDA_FUNCTION_H_
