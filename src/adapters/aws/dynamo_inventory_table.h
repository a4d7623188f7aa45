// DynamoInventoryTable: the InventoryTable port over DynamoDB, for
// Load-Inventory running as a Lambda function. Items live in the `Inventory`
// table (Store S hash, Item S range; Count N, LowThreshold N, UpdatedAt N
// (ms), SourceKey S, SourceETag S), whose NEW_AND_OLD_IMAGES stream feeds
// Check-Stock. A second table, `InventoryUploads` (ObjectKey S hash,
// "bucket/key"), holds the newest version seen per object key and its
// outcome, which is what makes loads exactly-once per object version:
//   - BeginLoad claims the key with a conditional PutItem that succeeds only
//     if no newer sequencer (and not this same version, applied) is there;
//     sequencers are stored normalised (upper case, right-padded with zeros
//     to 64) so DynamoDB's string order is S3's sequencer order;
//   - Commit writes only the rows whose Count or LowThreshold differ from
//     the stored item (a Query per store first), so an identical re-upload
//     makes no writes and no stream records, as SQLite does locally;
//   - a file with at most 99 changed rows is written with ONE
//     TransactWriteItems that also flips the claim to "applied" under the
//     claim's condition: all-or-nothing, exactly as locally. Larger files
//     go in BatchWriteItem batches of 25 (UnprocessedItems retried) and the
//     claim is flipped last: a crash part-way leaves some rows written and
//     the claim "loading"; the retried invocation re-claims the same version
//     and writes the remaining rows. See docs/aws.md.
// Thread-safety: all methods may be called from several threads; calls to
// DynamoDB are serialised on one client (a Lambda instance runs one
// invocation at a time anyway).
#ifndef INVTRACK_ADAPTERS_AWS_DYNAMO_INVENTORY_TABLE_H_
#define INVTRACK_ADAPTERS_AWS_DYNAMO_INVENTORY_TABLE_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/aws/aws_json_client.h"
#include "functions/clock.h"
#include "functions/inventory_table.h"

namespace invtrack {

struct DynamoTableNames {
  std::string inventory = "Inventory";
  std::string uploads = "InventoryUploads";
};

// Files with at most this many changed rows are applied in one transaction
// (TransactWriteItems allows 100 actions; one is the upload claim).
inline constexpr size_t kMaxTransactionalRows = 99;

class DynamoInventoryTable final : public InventoryTable {
 public:
  // `options.scope.service` should be "dynamodb". `clock` must outlive this.
  static Result<std::unique_ptr<DynamoInventoryTable>> Create(AwsClientOptions options,
                                                              DynamoTableNames names,
                                                              const Clock* clock);

  Result<LoadStart> BeginLoad(const FileVersion& version) override;
  Status RecordRejection(const FileVersion& version,
                         const std::vector<std::string>& problems) override;

  // Serialised access to the client, for the load being committed.
  template <typename F>
  auto WithClient(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    return f(*client_);
  }
  const DynamoTableNames& names() const { return names_; }
  const Clock* clock() const { return clock_; }

 private:
  DynamoInventoryTable(std::unique_ptr<AwsJsonClient> client, DynamoTableNames names,
                       const Clock* clock)
      : client_(std::move(client)), names_(std::move(names)), clock_(clock) {}

  std::mutex mutex_;
  std::unique_ptr<AwsJsonClient> client_;  // guarded by mutex_
  DynamoTableNames names_;
  const Clock* clock_;
};

// S3 sequencer -> the form stored in InventoryUploads, whose byte order is
// CompareSequencers' order: upper case, right-padded with '0' to 64.
std::string NormaliseSequencer(std::string_view sequencer);

// How a version compares with the stored claim of its key (JSON item of
// InventoryUploads, or null when there is none).
VersionCheck ClassifyAgainstClaim(const FileVersion& version, const nlohmann::json& claim);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_DYNAMO_INVENTORY_TABLE_H_
