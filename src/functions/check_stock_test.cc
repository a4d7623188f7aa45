#include "functions/check_stock.h"

#include <gtest/gtest.h>

#include "fakes/in_memory_ports.h"

namespace invtrack {
namespace {

using testing::FixedClock;
using testing::RecordingTopic;

StreamRecord Change(int seq, std::optional<int64_t> before, std::optional<int64_t> after,
                    const std::string& item = "Echo Plus") {
  StreamRecord r;
  r.sequence_number = std::to_string(seq);
  r.event_id = "ev-" + r.sequence_number;
  if (before) r.old_image = ItemImage{"Berlin", item, *before, std::nullopt};
  if (after) r.new_image = ItemImage{"Berlin", item, *after, std::nullopt};
  r.event_name = !before ? StreamEventName::kInsert
                 : after ? StreamEventName::kModify
                         : StreamEventName::kRemove;
  return r;
}

class CheckStockTest : public ::testing::Test {
 protected:
  RecordingTopic topic_;
  StockPolicy policy_{5};
  FixedClock clock_;
  CheckStock function_{&topic_, &policy_, &clock_};
};

TEST_F(CheckStockTest, OutOfStockUsesTheLabText) {
  std::vector<StreamRecord> batch = {Change(1, std::nullopt, 0)};
  EXPECT_TRUE(function_.Handle(batch).ok());
  ASSERT_EQ(topic_.alerts.size(), 1u);
  const Alert& alert = topic_.alerts[0];
  EXPECT_EQ(alert.kind, AlertKind::kOut);
  EXPECT_EQ(alert.subject, "Inventory Alert!");
  EXPECT_EQ(alert.message, "Berlin is out of stock of Echo Plus");
  EXPECT_EQ(alert.id, "ev-1");
  EXPECT_EQ(alert.source_sequence, "1");
  EXPECT_EQ(alert.time_ms, clock_.NowMillis());
}

TEST_F(CheckStockTest, OnlyTransitionsAlert) {
  std::vector<StreamRecord> batch = {
      Change(1, std::nullopt, 0),       // new and out: OUT
      Change(2, 0, 0),                  // still out: nothing
      Change(3, 0, 20),                 // BACK_IN_STOCK
      Change(4, 20, 3),                 // LOW
      Change(5, 3, 2),                  // still low: nothing
      Change(6, 2, std::nullopt),       // removed: nothing
      Change(7, std::nullopt, 50, "X")  // new and well stocked: nothing
  };
  EXPECT_TRUE(function_.Handle(batch).ok());
  ASSERT_EQ(topic_.alerts.size(), 3u);
  EXPECT_EQ(topic_.alerts[0].kind, AlertKind::kOut);
  EXPECT_EQ(topic_.alerts[1].kind, AlertKind::kBackInStock);
  EXPECT_EQ(topic_.alerts[2].kind, AlertKind::kLow);
  EXPECT_EQ(topic_.alerts[2].threshold, 5);
}

TEST_F(CheckStockTest, RedeliveredBatchPublishesTheSameIds) {
  std::vector<StreamRecord> batch = {Change(1, 9, 0), Change(2, 9, 1, "Echo Dot")};
  function_.Handle(batch);
  function_.Handle(batch);
  EXPECT_EQ(topic_.alerts.size(), 2u) << "the topic de-duplicates by id";
}

TEST_F(CheckStockTest, PublishFailureReportsTheRecordsNotAccepted) {
  std::vector<StreamRecord> batch = {Change(1, 9, 0, "A"), Change(2, 9, 9, "B"),
                                     Change(3, 9, 0, "C"), Change(4, 9, 0, "D")};
  topic_.AcceptOnly(1);
  BatchResponse response = function_.Handle(batch);
  ASSERT_EQ(response.failed_item_identifiers.size(), 2u);
  EXPECT_EQ(response.failed_item_identifiers[0], "3");
  EXPECT_EQ(response.failed_item_identifiers[1], "4");
  topic_.AcceptOnly(std::nullopt);
  // Lambda retries from the first failed record.
  std::vector<StreamRecord> retry(batch.begin() + 2, batch.end());
  EXPECT_TRUE(function_.Handle(retry).ok());
  EXPECT_EQ(topic_.alerts.size(), 3u);
}

TEST_F(CheckStockTest, CustomSubject) {
  CheckStock custom(&topic_, &policy_, &clock_, CheckStockOptions{"Stock warning"});
  std::vector<StreamRecord> batch = {Change(1, 9, 0)};
  custom.Handle(batch);
  ASSERT_EQ(topic_.alerts.size(), 1u);
  EXPECT_EQ(topic_.alerts[0].subject, "Stock warning");
}

}  // namespace
}  // namespace invtrack
