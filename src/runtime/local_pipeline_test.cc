#include "runtime/local_pipeline.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr char kBerlin[] =
    "store,item,count\r\n"
    "Berlin,Echo Dot,28\r\n"
    "Berlin,Echo (2nd Gen),17\r\n"
    "Berlin,Echo Show,33\r\n"
    "Berlin,Echo Plus,0\r\n"
    "Berlin,Echo Look,4\r\n"
    "Berlin,Amazon Tap,11\r\n";

class LocalPipelineTest : public ::testing::Test {
 protected:
  PipelineOptions Options() const {
    PipelineOptions options;
    options.data_dir = dir_.path() / "data";
    options.async.delays_ms = {10};
    options.async.poll_interval_ms = 20;
    options.stream.retry_delay_ms = 0;
    options.stream.poll_interval_ms = 20;
    return options;
  }

  std::unique_ptr<LocalPipeline> Open() {
    Result<std::unique_ptr<LocalPipeline>> pipeline = LocalPipeline::Open(Options());
    EXPECT_OK(pipeline);
    return pipeline.ok() ? std::move(pipeline).value() : nullptr;
  }

  void SetUp() override {
    pipeline_ = Open();
    ASSERT_NE(pipeline_, nullptr);
  }

  int64_t Upload(std::string_view key, std::string_view body) {
    StringByteSource source(body);
    Result<UploadReceipt> receipt = pipeline_->Upload(key, &source, PutOptions{}, "admin");
    EXPECT_OK(receipt);
    if (!receipt.ok()) return -1;
    EXPECT_GT(receipt->invocation_id, 0);
    EXPECT_EQ(receipt->object.key, key);
    return receipt->invocation_id;
  }

  // Uploads and waits for the load and its checks; one result expected.
  FileResult Load(std::string_view key, std::string_view body) {
    int64_t id = Upload(key, body);
    Result<std::vector<FileResult>> results = pipeline_->WaitForLoad(id, 10s);
    EXPECT_OK(results);
    if (!results.ok()) return {};
    EXPECT_EQ(results->size(), 1u);
    return results->empty() ? FileResult{} : results->front();
  }

  std::vector<Alert> Alerts() {
    Result<std::vector<StoredAlert>> stored = pipeline_->topic().List(0, 1000);
    EXPECT_OK(stored);
    std::vector<Alert> alerts;
    if (stored.ok()) {
      for (const StoredAlert& s : *stored) alerts.push_back(s.alert);
    }
    return alerts;
  }

  std::vector<InventoryItem> Items() {
    std::vector<InventoryItem> items;
    EXPECT_OK(pipeline_->table().ScanItems(ItemQuery{}, [&](const InventoryItem& item) {
      items.push_back(item);
      return true;
    }));
    return items;
  }

  TempDir dir_;
  std::unique_ptr<LocalPipeline> pipeline_;
};

TEST_F(LocalPipelineTest, OnlyOneRuntimePerDataDirectory) {
  EXPECT_FALSE(pipeline_->runtime_running_here());
  Result<bool> started = pipeline_->StartRuntime();
  ASSERT_OK(started);
  EXPECT_TRUE(*started);
  EXPECT_TRUE(pipeline_->runtime_running_here());
  // Starting again in the same pipeline is harmless.
  Result<bool> again = pipeline_->StartRuntime();
  ASSERT_OK(again);
  EXPECT_TRUE(*again);

  std::unique_ptr<LocalPipeline> second = Open();
  ASSERT_NE(second, nullptr);
  Result<bool> second_started = second->StartRuntime();
  ASSERT_OK(second_started);
  EXPECT_FALSE(*second_started);
  EXPECT_FALSE(second->runtime_running_here());

  // Once the first stops, the second may take over.
  pipeline_->StopRuntime();
  EXPECT_FALSE(pipeline_->runtime_running_here());
  second_started = second->StartRuntime();
  ASSERT_OK(second_started);
  EXPECT_TRUE(*second_started);
  second->StopRuntime();
}

TEST_F(LocalPipelineTest, UploadIsLoadedAndChecked) {
  ASSERT_OK(pipeline_->StartRuntime());
  FileResult result = Load("inventory-berlin.csv", kBerlin);
  EXPECT_EQ(result.outcome, FileOutcome::kApplied) << FileOutcomeName(result.outcome);
  EXPECT_EQ(result.version.bucket, "inventory");
  EXPECT_EQ(result.version.key, "inventory-berlin.csv");
  EXPECT_EQ(result.stats.rows, 6u);
  EXPECT_EQ(result.stats.changes, 6u);
  EXPECT_TRUE(result.problems.empty());

  std::vector<InventoryItem> items = Items();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].store, "Berlin");
  EXPECT_EQ(items[0].item, "Amazon Tap");
  EXPECT_EQ(items[0].count, 11);
  EXPECT_EQ(items[0].source_key, "inventory-berlin.csv");

  // WaitForLoad returned only after the changes were checked: the alerts are
  // already in the topic. Echo Plus ran out (lab text), Echo Look is low.
  std::vector<Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].kind, AlertKind::kOut);
  EXPECT_EQ(alerts[0].subject, "Inventory Alert!");
  EXPECT_EQ(alerts[0].message, "Berlin is out of stock of Echo Plus");
  EXPECT_EQ(alerts[1].kind, AlertKind::kLow);
  EXPECT_EQ(alerts[1].item, "Echo Look");
  EXPECT_EQ(alerts[1].count, 4);
  EXPECT_EQ(alerts[1].threshold, StockPolicy::kDefaultLowThreshold);

  Result<uint64_t> checked = pipeline_->checkpoints().Get(LocalPipeline::kStreamConsumer);
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, 6u);
  Result<Invocation> invocation = pipeline_->queue().Get(1);
  ASSERT_OK(invocation);
  EXPECT_EQ(invocation->state, InvocationState::kSucceeded);
}

TEST_F(LocalPipelineTest, RejectedFileReportsProblemsAndWritesNothing) {
  ASSERT_OK(pipeline_->StartRuntime());
  FileResult result = Load("inventory-bad.csv",
                           "store,item,count\n"
                           "Berlin,Echo Dot,abc\n"
                           "Berlin,Echo Show,0\n"
                           "Berlin,,3\n");
  EXPECT_EQ(result.outcome, FileOutcome::kRejected) << FileOutcomeName(result.outcome);
  ASSERT_GE(result.problems.size(), 2u);
  EXPECT_NE(result.problems[0].find("line 2"), std::string::npos) << result.problems[0];
  EXPECT_NE(result.problems[1].find("line 4"), std::string::npos) << result.problems[1];
  EXPECT_EQ(result.stats.rows, 0u);

  EXPECT_TRUE(Items().empty());
  EXPECT_TRUE(Alerts().empty());
  Result<std::vector<UploadRecord>> uploads = pipeline_->table().ListUploads(10);
  ASSERT_OK(uploads);
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].status, "rejected");
  EXPECT_EQ((*uploads)[0].problems, result.problems);
}

TEST_F(LocalPipelineTest, SameContentTwiceAppliesNoChangesAndNoAlerts) {
  ASSERT_OK(pipeline_->StartRuntime());
  FileResult first = Load("inventory-berlin.csv", kBerlin);
  ASSERT_EQ(first.outcome, FileOutcome::kApplied);
  ASSERT_EQ(Alerts().size(), 2u);

  FileResult second = Load("inventory-berlin.csv", kBerlin);
  EXPECT_EQ(second.outcome, FileOutcome::kApplied) << FileOutcomeName(second.outcome);
  EXPECT_EQ(second.stats.rows, 6u);
  EXPECT_EQ(second.stats.changes, 0u);
  EXPECT_EQ(second.version.etag, first.version.etag);
  EXPECT_GT(CompareSequencers(second.version.sequencer, first.version.sequencer), 0);
  EXPECT_EQ(Alerts().size(), 2u);
  Result<int64_t> count = pipeline_->topic().Count();
  ASSERT_OK(count);
  EXPECT_EQ(*count, 2);
}

TEST_F(LocalPipelineTest, ChangedFileAlertsOnTransitions) {
  ASSERT_OK(pipeline_->StartRuntime());
  ASSERT_EQ(Load("inventory-berlin.csv", kBerlin).outcome, FileOutcome::kApplied);
  FileResult result = Load("inventory-berlin.csv",
                           "store,item,count\n"
                           "Berlin,Echo Plus,12\n"
                           "Berlin,Echo Dot,0\n");
  EXPECT_EQ(result.outcome, FileOutcome::kApplied);
  EXPECT_EQ(result.stats.changes, 2u);
  std::vector<Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 4u);
  EXPECT_EQ(alerts[2].kind, AlertKind::kBackInStock);
  EXPECT_EQ(alerts[2].message, "Berlin is back in stock of Echo Plus: 12 available");
  EXPECT_EQ(alerts[3].kind, AlertKind::kOut);
  EXPECT_EQ(alerts[3].message, "Berlin is out of stock of Echo Dot");
}

TEST_F(LocalPipelineTest, WaitForLoadWithoutRuntimeTimesOut) {
  int64_t id = Upload("inventory-berlin.csv", kBerlin);
  auto started = std::chrono::steady_clock::now();
  Result<std::vector<FileResult>> results = pipeline_->WaitForLoad(id, 50ms);
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(results.ok());
  EXPECT_TRUE(results.status().IsUnavailable()) << results.status().ToString();
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 5s);
  Result<Invocation> invocation = pipeline_->queue().Get(id);
  ASSERT_OK(invocation);
  EXPECT_EQ(invocation->state, InvocationState::kPending);
  EXPECT_TRUE(Items().empty());

  // A runtime started later (here, by another process's pipeline) picks the
  // queued upload up, and this pipeline sees the result.
  std::unique_ptr<LocalPipeline> server = Open();
  ASSERT_NE(server, nullptr);
  ASSERT_OK(server->StartRuntime());
  results = pipeline_->WaitForLoad(id, 10s);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].outcome, FileOutcome::kApplied);
  EXPECT_EQ(Items().size(), 6u);
  server->StopRuntime();
}

TEST_F(LocalPipelineTest, WaitForUnknownInvocationIsNotFound) {
  Result<std::vector<FileResult>> results = pipeline_->WaitForLoad(12345, 50ms);
  ASSERT_FALSE(results.ok());
  EXPECT_TRUE(results.status().IsNotFound()) << results.status().ToString();
}

}  // namespace
}  // namespace invtrack

namespace invtrack {
namespace {

TEST(LocalPipelineLayoutTest, MovesABucketOfTheOldLayoutIntoBuckets) {
  testing::TempDir dir;
  PipelineOptions options;
  options.data_dir = dir.path() / "data";
  {
    // A data directory as the first version made it: the bucket in bucket/.
    Result<std::unique_ptr<DirBucket>> old =
        DirBucket::OpenDir(options.data_dir / "bucket", options.bucket);
    ASSERT_OK(old);
    StringByteSource body("store,item,count\nBerlin,Pan,1\n");
    ASSERT_OK((*old)->Put("kept.csv", &body, PutOptions{}));
  }
  Result<std::unique_ptr<LocalPipeline>> pipeline = LocalPipeline::Open(options);
  ASSERT_OK(pipeline);
  Result<StoredObject> kept = (*pipeline)->bucket().Head("kept.csv");
  ASSERT_OK(kept);
  EXPECT_EQ(kept->info.size, 30u);
  EXPECT_FALSE(std::filesystem::exists(options.data_dir / "bucket"));
  EXPECT_TRUE(std::filesystem::exists(options.data_dir / "buckets" / "inventory" / "bucket.db"));
}

}  // namespace
}  // namespace invtrack
