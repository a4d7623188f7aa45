#include "adapters/aws/dynamo_inventory_table.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace invtrack {

namespace {

using nlohmann::json;

constexpr size_t kBatchWriteItems = 25;
constexpr int kUnprocessedAttempts = 8;
constexpr size_t kMaxStoredProblems = 100;

constexpr char kLoading[] = "loading";
constexpr char kApplied[] = "applied";
constexpr char kRejected[] = "rejected";

// A claim may be taken when the key is new, the stored version is older, or
// it is this very sequencer not yet applied (a retry after a crash) or with
// another ETag (uploads without sequencers, e.g. hand-made events).
constexpr char kClaimCondition[] =
    "attribute_not_exists(ObjectKey) OR Sequencer < :seq OR "
    "(Sequencer = :seq AND (#state <> :applied OR ETag <> :etag))";

std::string ObjectKeyOf(const FileVersion& version) { return version.bucket + "/" + version.key; }

json S(std::string_view value) { return json{{"S", std::string(value)}}; }
json N(int64_t value) { return json{{"N", std::to_string(value)}}; }

std::string StringAttribute(const json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end() || !it->is_object() || !it->contains("S") || !(*it)["S"].is_string()) {
    return "";
  }
  return (*it)["S"].get<std::string>();
}

std::optional<int64_t> NumberAttribute(const json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end() || !it->is_object() || !it->contains("N") || !(*it)["N"].is_string()) {
    return std::nullopt;
  }
  try {
    return std::stoll((*it)["N"].get<std::string>());
  } catch (...) {
    return std::nullopt;
  }
}

json ClaimValues(const FileVersion& version) {
  return json{{":seq", S(NormaliseSequencer(version.sequencer))},
              {":etag", S(version.etag)},
              {":applied", S(kApplied)}};
}

struct StoredRow {
  int64_t count = 0;
  std::optional<int64_t> low_threshold;
};

class DynamoInventoryLoad final : public InventoryLoad {
 public:
  DynamoInventoryLoad(DynamoInventoryTable* table, FileVersion version)
      : table_(table), version_(std::move(version)) {}

  Result<PutOutcome> Put(const StockRow& row) override {
    auto [it, inserted] = rows_.try_emplace({row.store, row.item}, row);
    if (!inserted && it->second.count != row.count) return PutOutcome{true, it->second.count};
    if (!inserted) it->second = row;
    ++put_count_;
    return PutOutcome{};
  }

  Result<LoadStats> Commit() override {
    return table_->WithClient([&](AwsJsonClient& client) -> Result<LoadStats> {
      Result<std::vector<const StockRow*>> changed = ChangedRows(client);
      if (!changed.ok()) return changed.status();
      LoadStats stats{put_count_, changed->size()};
      if (changed->size() <= kMaxTransactionalRows) {
        INVTRACK_RETURN_IF_ERROR(WriteInOneTransaction(client, *changed, stats));
      } else {
        INVTRACK_RETURN_IF_ERROR(WriteInBatches(client, *changed));
        INVTRACK_RETURN_IF_ERROR(MarkApplied(client, stats));
      }
      return stats;
    });
  }

 private:
  using Key = std::pair<std::string, std::string>;

  json ItemOf(const StockRow& row, int64_t now) const {
    json item{{"Store", S(row.store)},
              {"Item", S(row.item)},
              {"Count", N(row.count)},
              {"UpdatedAt", N(now)},
              {"SourceKey", S(version_.key)},
              {"SourceETag", S(version_.etag)},
              {"SourceBucket", S(version_.bucket)}};
    if (row.low_threshold) item["LowThreshold"] = N(*row.low_threshold);
    return item;
  }

  // The rows whose Count or LowThreshold differ from what is stored (one
  // consistent Query per store the file touches).
  Result<std::vector<const StockRow*>> ChangedRows(AwsJsonClient& client) {
    std::set<std::string> stores;
    for (const auto& [key, row] : rows_) stores.insert(key.first);
    std::map<Key, StoredRow> stored;
    for (const std::string& store : stores) {
      json request{{"TableName", table_->names().inventory},
                   {"ConsistentRead", true},
                   {"KeyConditionExpression", "#store = :store"},
                   {"ProjectionExpression", "#item, #count, LowThreshold"},
                   {"ExpressionAttributeNames",
                    {{"#store", "Store"}, {"#item", "Item"}, {"#count", "Count"}}},
                   {"ExpressionAttributeValues", {{":store", S(store)}}}};
      for (int page = 0;; ++page) {
        Result<json> answer = client.Call("Query", request);
        if (!answer.ok()) return answer.status();
        for (const json& item : answer->value("Items", json::array())) {
          StoredRow row;
          row.count = NumberAttribute(item, "Count").value_or(-1);
          row.low_threshold = NumberAttribute(item, "LowThreshold");
          stored[{store, StringAttribute(item, "Item")}] = row;
        }
        if (!answer->contains("LastEvaluatedKey")) break;
        request["ExclusiveStartKey"] = (*answer)["LastEvaluatedKey"];
      }
    }
    std::vector<const StockRow*> changed;
    for (const auto& [key, row] : rows_) {
      auto it = stored.find(key);
      if (it == stored.end() || it->second.count != row.count ||
          it->second.low_threshold != row.low_threshold) {
        changed.push_back(&row);
      }
    }
    return changed;
  }

  json AppliedUpdate(const LoadStats& stats, int64_t now) const {
    json values = ClaimValues(version_);
    values[":loading"] = S(kLoading);
    values[":rows"] = N(static_cast<int64_t>(stats.rows));
    values[":changes"] = N(static_cast<int64_t>(stats.changes));
    values[":now"] = N(now);
    return json{{"TableName", table_->names().uploads},
                {"Key", {{"ObjectKey", S(ObjectKeyOf(version_))}}},
                {"UpdateExpression",
                 "SET #state = :applied, #rows = :rows, Changes = :changes, UpdatedAt = :now "
                 "REMOVE Problems"},
                // Still our claim: a newer version did not take the key meanwhile.
                {"ConditionExpression", "Sequencer = :seq AND ETag = :etag AND #state = :loading"},
                {"ExpressionAttributeNames", {{"#state", "State"}, {"#rows", "Rows"}}},
                {"ExpressionAttributeValues", values}};
  }

  Status WriteInOneTransaction(AwsJsonClient& client, const std::vector<const StockRow*>& changed,
                               const LoadStats& stats) {
    int64_t now = table_->clock()->NowMillis();
    json items = json::array();
    for (const StockRow* row : changed) {
      items.push_back(
          {{"Put", {{"TableName", table_->names().inventory}, {"Item", ItemOf(*row, now)}}}});
    }
    items.push_back({{"Update", AppliedUpdate(stats, now)}});
    Result<json> answer = client.Call("TransactWriteItems", json{{"TransactItems", items}});
    if (!answer.ok() && answer.status().IsAborted()) {
      return Status::Aborted("s3://" + ObjectKeyOf(version_) +
                                 ": a newer version claimed the key while this one was loading",
                             answer.status().message());
    }
    return answer.status();
  }

  Status WriteInBatches(AwsJsonClient& client, const std::vector<const StockRow*>& changed) {
    int64_t now = table_->clock()->NowMillis();
    for (size_t start = 0; start < changed.size(); start += kBatchWriteItems) {
      json requests = json::array();
      for (size_t i = start; i < std::min(changed.size(), start + kBatchWriteItems); ++i) {
        requests.push_back({{"PutRequest", {{"Item", ItemOf(*changed[i], now)}}}});
      }
      json pending{{table_->names().inventory, requests}};
      for (int attempt = 1;; ++attempt) {
        Result<json> answer = client.Call("BatchWriteItem", json{{"RequestItems", pending}});
        if (!answer.ok()) return answer.status();
        auto unprocessed = answer->find("UnprocessedItems");
        if (unprocessed == answer->end() || !unprocessed->is_object() || unprocessed->empty()) {
          break;
        }
        if (attempt >= kUnprocessedAttempts) {
          return Status::Unavailable("BatchWriteItem: items still unprocessed after " +
                                     std::to_string(attempt) + " attempts (throttled)");
        }
        pending = *unprocessed;
        // Unprocessed items mean throttling: back off before trying them again.
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 << attempt, 2000)));
      }
    }
    return Status::OK();
  }

  Status MarkApplied(AwsJsonClient& client, const LoadStats& stats) {
    Result<json> answer =
        client.Call("UpdateItem", AppliedUpdate(stats, table_->clock()->NowMillis()));
    if (!answer.ok() && answer.status().IsAborted()) {
      return Status::Aborted("s3://" + ObjectKeyOf(version_) +
                                 ": a newer version claimed the key while this one was loading",
                             answer.status().message());
    }
    return answer.status();
  }

  DynamoInventoryTable* table_;
  FileVersion version_;
  std::map<Key, StockRow> rows_;
  uint64_t put_count_ = 0;
};

Result<json> ReadClaim(AwsJsonClient& client, const DynamoTableNames& names,
                       const FileVersion& version) {
  Result<json> answer =
      client.Call("GetItem", json{{"TableName", names.uploads},
                                  {"Key", {{"ObjectKey", S(ObjectKeyOf(version))}}},
                                  {"ConsistentRead", true}});
  if (!answer.ok()) return answer.status();
  auto item = answer->find("Item");
  return item == answer->end() ? json(nullptr) : *item;
}

}  // namespace

std::string NormaliseSequencer(std::string_view sequencer) {
  std::string out;
  for (char c : sequencer) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (out.size() < 64) out.append(64 - out.size(), '0');
  return out;
}

VersionCheck ClassifyAgainstClaim(const FileVersion& version, const json& claim) {
  if (!claim.is_object()) return VersionCheck::kNew;
  std::string stored = StringAttribute(claim, "Sequencer");
  std::string ours = NormaliseSequencer(version.sequencer);
  if (stored > ours) return VersionCheck::kSuperseded;
  if (stored < ours) return VersionCheck::kNew;
  bool applied = StringAttribute(claim, "State") == kApplied;
  bool same_etag = StringAttribute(claim, "ETag") == version.etag;
  return applied && same_etag ? VersionCheck::kAlreadyApplied : VersionCheck::kNew;
}

Result<std::unique_ptr<DynamoInventoryTable>> DynamoInventoryTable::Create(AwsClientOptions options,
                                                                           DynamoTableNames names,
                                                                           const Clock* clock) {
  Result<std::unique_ptr<AwsJsonClient>> client =
      AwsJsonClient::Create(std::move(options), AwsJsonProtocol{"DynamoDB_20120810"});
  if (!client.ok()) return client.status();
  return std::unique_ptr<DynamoInventoryTable>(
      new DynamoInventoryTable(std::move(client).value(), std::move(names), clock));
}

Result<LoadStart> DynamoInventoryTable::BeginLoad(const FileVersion& version) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<json> claim = ReadClaim(*client_, names_, version);
  if (!claim.ok()) return claim.status();
  VersionCheck check = ClassifyAgainstClaim(version, *claim);
  if (check != VersionCheck::kNew) return LoadStart{check, nullptr};

  json values = ClaimValues(version);
  json item{{"ObjectKey", S(ObjectKeyOf(version))},
            {"Sequencer", values[":seq"]},
            {"ETag", S(version.etag)},
            {"State", S(kLoading)},
            {"Size", N(static_cast<int64_t>(version.size))},
            {"UpdatedAt", N(clock_->NowMillis())}};
  if (!version.uploader.empty()) item["Uploader"] = S(version.uploader);
  Result<json> put =
      client_->Call("PutItem", json{{"TableName", names_.uploads},
                                    {"Item", item},
                                    {"ConditionExpression", kClaimCondition},
                                    {"ExpressionAttributeNames", {{"#state", "State"}}},
                                    {"ExpressionAttributeValues", values}});
  if (!put.ok()) {
    if (!put.status().IsAborted()) return put.status();
    // Another invocation claimed the key between our read and write.
    Result<json> again = ReadClaim(*client_, names_, version);
    if (!again.ok()) return again.status();
    check = ClassifyAgainstClaim(version, *again);
    if (check != VersionCheck::kNew) return LoadStart{check, nullptr};
    return Status::Unavailable("s3://" + ObjectKeyOf(version) + " is being loaded concurrently");
  }
  return LoadStart{VersionCheck::kNew, std::make_unique<DynamoInventoryLoad>(this, version)};
}

Status DynamoInventoryTable::RecordRejection(const FileVersion& version,
                                             const std::vector<std::string>& problems) {
  std::lock_guard<std::mutex> lock(mutex_);
  json listed = json::array();
  for (size_t i = 0; i < problems.size() && i < kMaxStoredProblems; ++i) {
    listed.push_back(S(problems[i]));
  }
  json values = ClaimValues(version);
  json item{{"ObjectKey", S(ObjectKeyOf(version))},
            {"Sequencer", values[":seq"]},
            {"ETag", S(version.etag)},
            {"State", S(kRejected)},
            {"Problems", {{"L", listed}}},
            {"Size", N(static_cast<int64_t>(version.size))},
            {"UpdatedAt", N(clock_->NowMillis())}};
  if (!version.uploader.empty()) item["Uploader"] = S(version.uploader);
  Result<json> put =
      client_->Call("PutItem", json{{"TableName", names_.uploads},
                                    {"Item", item},
                                    {"ConditionExpression", kClaimCondition},
                                    {"ExpressionAttributeNames", {{"#state", "State"}}},
                                    {"ExpressionAttributeValues", values}});
  // A newer version already holds the key: this report is stale, keep theirs.
  if (!put.ok() && put.status().IsAborted()) return Status::OK();
  return put.status();
}

}  // namespace invtrack
