#include "core/stock_policy.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

ItemImage Image(int64_t count, std::optional<int64_t> own = std::nullopt) {
  return ItemImage{"Berlin", "Echo Dot", count, own};
}

TEST(StockPolicyTest, LevelsUseTheThreshold) {
  StockPolicy policy(5);
  EXPECT_EQ(policy.LevelOf(Image(0)), StockLevel::kOut);
  EXPECT_EQ(policy.LevelOf(Image(1)), StockLevel::kLow);
  EXPECT_EQ(policy.LevelOf(Image(5)), StockLevel::kLow);
  EXPECT_EQ(policy.LevelOf(Image(6)), StockLevel::kInStock);
}

TEST(StockPolicyTest, ZeroThresholdDisablesLow) {
  StockPolicy policy(0);
  EXPECT_EQ(policy.LevelOf(Image(1)), StockLevel::kInStock);
  EXPECT_EQ(policy.LevelOf(Image(0)), StockLevel::kOut);
}

TEST(StockPolicyTest, ThresholdPrecedenceOwnThenItemThenStoreThenDefault) {
  StockPolicy policy(5);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", std::nullopt), 5);
  policy.SetStoreThreshold("Berlin", 10);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", std::nullopt), 10);
  EXPECT_EQ(policy.ThresholdFor("Pusan", "Echo Dot", std::nullopt), 5);
  policy.SetItemThreshold("Berlin", "Echo Dot", 20);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", std::nullopt), 20);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Show", std::nullopt), 10);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", 2), 2);
}

TEST(StockPolicyTest, NewItemAlertsOnlyWhenOutOrLow) {
  StockPolicy policy(5);
  EXPECT_EQ(policy.Transition(std::nullopt, Image(0)), AlertKind::kOut);
  EXPECT_EQ(policy.Transition(std::nullopt, Image(3)), AlertKind::kLow);
  EXPECT_EQ(policy.Transition(std::nullopt, Image(30)), std::nullopt);
}

TEST(StockPolicyTest, AlertsOnTransitionsOnly) {
  StockPolicy policy(5);
  EXPECT_EQ(policy.Transition(Image(10), Image(0)), AlertKind::kOut);
  EXPECT_EQ(policy.Transition(Image(3), Image(0)), AlertKind::kOut);
  EXPECT_EQ(policy.Transition(Image(0), Image(0)), std::nullopt) << "still out: no repeat";
  EXPECT_EQ(policy.Transition(Image(0), Image(12)), AlertKind::kBackInStock);
  EXPECT_EQ(policy.Transition(Image(0), Image(2)), AlertKind::kBackInStock);
  EXPECT_EQ(policy.Transition(Image(10), Image(4)), AlertKind::kLow);
  EXPECT_EQ(policy.Transition(Image(4), Image(3)), std::nullopt) << "still low: no repeat";
  EXPECT_EQ(policy.Transition(Image(4), Image(30)), std::nullopt);
  EXPECT_EQ(policy.Transition(Image(30), Image(20)), std::nullopt);
}

TEST(StockPolicyTest, RemovalNeverAlerts) {
  StockPolicy policy(5);
  EXPECT_EQ(policy.Transition(Image(10), std::nullopt), std::nullopt);
}

TEST(StockPolicyTest, OwnThresholdChangeCanMakeAnItemLow) {
  StockPolicy policy(5);
  // Same count, but the file raised the item's own threshold above it.
  EXPECT_EQ(policy.Transition(Image(8), Image(8, 10)), AlertKind::kLow);
}

TEST(AlertTest, LabTextIsTheDefault) {
  EXPECT_EQ(kDefaultAlertSubject, "Inventory Alert!");
  EXPECT_EQ(AlertMessage(AlertKind::kOut, "Berlin", "Echo Plus", 0, 5),
            "Berlin is out of stock of Echo Plus");
  EXPECT_EQ(AlertMessage(AlertKind::kLow, "Berlin", "Echo Dot", 3, 5),
            "Berlin is low on Echo Dot: 3 left (threshold 5)");
  EXPECT_EQ(AlertMessage(AlertKind::kBackInStock, "Pusan", "Echo Show", 12, 5),
            "Pusan is back in stock of Echo Show: 12 available");
}

TEST(AlertTest, KindNamesRoundTrip) {
  for (AlertKind kind : {AlertKind::kOut, AlertKind::kLow, AlertKind::kBackInStock}) {
    EXPECT_EQ(ParseAlertKind(AlertKindName(kind)), kind);
  }
  EXPECT_EQ(ParseAlertKind("out"), std::nullopt);
  EXPECT_EQ(AlertKindName(AlertKind::kBackInStock), "BACK_IN_STOCK");
}

}  // namespace
}  // namespace invtrack
