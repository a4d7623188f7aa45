#include "lambda/lambda_function.h"

#include <charconv>

#include "adapters/aws/dynamo_inventory_table.h"
#include "adapters/aws/s3_object_reader.h"
#include "adapters/aws/sns_topic.h"
#include "lambda/check_stock_handler.h"
#include "lambda/load_inventory_handler.h"

namespace invtrack {

namespace {

Result<int64_t> IntegerSetting(const EnvironmentLookup& env, std::string_view name,
                               int64_t fallback, int64_t min) {
  std::optional<std::string> text = env(name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  auto parsed = std::from_chars(text->data(), text->data() + text->size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text->data() + text->size() || value < min) {
    return Status::InvalidArgument(std::string(name) + "='" + *text +
                                   "' is not an integer >= " + std::to_string(min));
  }
  return value;
}

std::string Setting(const EnvironmentLookup& env, std::string_view name, std::string fallback) {
  std::optional<std::string> value = env(name);
  return value && !value->empty() ? *value : fallback;
}

class LoadInventoryFunction final : public LambdaFunction {
 public:
  static Result<std::unique_ptr<LambdaFunction>> Make(const EnvironmentLookup& env,
                                                      const AwsClientOptions& base,
                                                      LambdaLog* log) {
    std::unique_ptr<LoadInventoryFunction> f(new LoadInventoryFunction());
    AwsClientOptions s3 = base;
    s3.scope.service = "s3";
    s3.endpoint = ResolveAwsEndpoint(env, "s3", base.scope.region);
    Result<std::unique_ptr<S3ObjectReader>> reader = S3ObjectReader::Create(s3);
    if (!reader.ok()) return reader.status();
    f->reader_ = std::move(reader).value();
    AwsClientOptions dynamo = base;
    dynamo.scope.service = "dynamodb";
    dynamo.endpoint = ResolveAwsEndpoint(env, "dynamodb", base.scope.region);
    DynamoTableNames names{Setting(env, "INVENTORY_TABLE", "Inventory"),
                           Setting(env, "UPLOADS_TABLE", "InventoryUploads")};
    Result<std::unique_ptr<DynamoInventoryTable>> table =
        DynamoInventoryTable::Create(dynamo, names, &f->clock_);
    if (!table.ok()) return table.status();
    f->table_ = std::move(table).value();
    f->function_ = std::make_unique<LoadInventory>(f->reader_.get(), f->table_.get());
    f->handler_ = std::make_unique<LoadInventoryHandler>(f->function_.get(), log);
    f->name_ = "load_inventory";
    return std::unique_ptr<LambdaFunction>(std::move(f));
  }

 private:
  SystemClock clock_;
  std::unique_ptr<S3ObjectReader> reader_;
  std::unique_ptr<DynamoInventoryTable> table_;
  std::unique_ptr<LoadInventory> function_;
};

class CheckStockFunction final : public LambdaFunction {
 public:
  static Result<std::unique_ptr<LambdaFunction>> Make(const EnvironmentLookup& env,
                                                      const AwsClientOptions& base,
                                                      LambdaLog* log) {
    std::unique_ptr<CheckStockFunction> f(new CheckStockFunction());
    std::string topic_arn = Setting(env, "ALERT_TOPIC_ARN", "");
    if (topic_arn.empty()) {
      return Status::InvalidArgument("ALERT_TOPIC_ARN is not set",
                                     "check_stock needs the SNS topic to publish alerts to");
    }
    Result<int64_t> threshold =
        IntegerSetting(env, "LOW_THRESHOLD", StockPolicy::kDefaultLowThreshold, 0);
    if (!threshold.ok()) return threshold.status();
    f->policy_.SetDefaultThreshold(*threshold);
    AwsClientOptions sns = base;
    sns.scope.service = "sns";
    sns.endpoint = ResolveAwsEndpoint(env, "sns", base.scope.region);
    Result<std::unique_ptr<SnsTopic>> topic = SnsTopic::Create(sns, topic_arn);
    if (!topic.ok()) return topic.status();
    f->topic_ = std::move(topic).value();
    CheckStockOptions options;
    options.subject = Setting(env, "ALERT_SUBJECT", std::string(kDefaultAlertSubject));
    f->function_ = std::make_unique<CheckStock>(f->topic_.get(), &f->policy_, &f->clock_, options);
    SnsTopic* raw_topic = f->topic_.get();
    f->handler_ = std::make_unique<CheckStockHandler>(
        f->function_.get(), log, [raw_topic] { return raw_topic->last_error(); });
    f->name_ = "check_stock";
    return std::unique_ptr<LambdaFunction>(std::move(f));
  }

 private:
  SystemClock clock_;
  StockPolicy policy_;
  std::unique_ptr<SnsTopic> topic_;
  std::unique_ptr<CheckStock> function_;
};

}  // namespace

Result<std::unique_ptr<LambdaFunction>> LambdaFunction::Create(const EnvironmentLookup& env,
                                                               LambdaLog* log) {
  std::string handler = Setting(env, "_HANDLER", "");
  if (handler != "load_inventory" && handler != "check_stock") {
    return Status::InvalidArgument("_HANDLER='" + handler + "' names no function",
                                   "use load_inventory or check_stock");
  }
  // A function uses its role's keys from the environment, never a profile.
  Result<AwsCredentials> credentials = ResolveAwsCredentials(env, {.use_profile_file = false});
  if (!credentials.ok()) return credentials.status();
  Result<int64_t> attempts = IntegerSetting(env, "AWS_MAX_ATTEMPTS", 4, 1);
  if (!attempts.ok()) return attempts.status();
  Result<int64_t> margin = IntegerSetting(env, "INVTRACK_DEADLINE_MARGIN_MS", 1000, 0);
  if (!margin.ok()) return margin.status();

  AwsClientOptions base;
  base.credentials = *credentials;
  base.scope.region = ResolveAwsRegion(env);
  base.retry.max_attempts = static_cast<int>(*attempts);
  base.user_agent = "invtrack-lambda/0.1";
  base.ca_bundle = Setting(env, "AWS_CA_BUNDLE", "");
  Result<std::unique_ptr<LambdaFunction>> function =
      handler == "load_inventory" ? LoadInventoryFunction::Make(env, base, log)
                                  : CheckStockFunction::Make(env, base, log);
  if (function.ok()) (*function)->margin_ms_ = *margin;
  return function;
}

}  // namespace invtrack
