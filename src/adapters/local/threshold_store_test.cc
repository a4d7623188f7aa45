#include "adapters/local/threshold_store.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using testing::TempDir;

class ThresholdStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<ThresholdStore>> store = ThresholdStore::Open(dir_.path() / "t.db");
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }
  TempDir dir_;
  std::unique_ptr<ThresholdStore> store_;
};

TEST_F(ThresholdStoreTest, SetsListsAndReplaces) {
  ASSERT_OK(store_->Set({std::nullopt, std::nullopt, 7}));
  ASSERT_OK(store_->Set({"Berlin", std::nullopt, 3}));
  ASSERT_OK(store_->Set({"Berlin", "Echo Dot", 10}));
  ASSERT_OK(store_->Set({"Berlin", std::nullopt, 4}));  // replaces
  Result<std::vector<ThresholdSetting>> list = store_->List();
  ASSERT_OK(list);
  std::vector<ThresholdSetting> expected = {
      {std::nullopt, std::nullopt, 7}, {"Berlin", std::nullopt, 4}, {"Berlin", "Echo Dot", 10}};
  EXPECT_EQ(*list, expected);
}

TEST_F(ThresholdStoreTest, AppliesOnTopOfThePolicyWithItemsFirst) {
  ASSERT_OK(store_->Set({std::nullopt, std::nullopt, 7}));
  ASSERT_OK(store_->Set({"Berlin", std::nullopt, 3}));
  ASSERT_OK(store_->Set({"Berlin", "Echo Dot", 10}));
  StockPolicy policy(5);
  policy.SetStoreThreshold("Pusan", 2);
  ASSERT_OK(store_->ApplyTo(&policy));
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", std::nullopt), 10);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Show", std::nullopt), 3);
  EXPECT_EQ(policy.ThresholdFor("Pusan", "Echo Show", std::nullopt), 2);
  EXPECT_EQ(policy.ThresholdFor("Tokyo", "Echo Show", std::nullopt), 7);
  EXPECT_EQ(policy.ThresholdFor("Berlin", "Echo Dot", 1), 1);  // the file's own wins
}

TEST_F(ThresholdStoreTest, RejectsBadSettings) {
  EXPECT_TRUE(store_->Set({std::nullopt, "Echo Dot", 3}).IsInvalidArgument());
  EXPECT_TRUE(store_->Set({"Berlin", std::nullopt, -1}).IsInvalidArgument());
  EXPECT_TRUE(store_->Set({"", std::nullopt, 1}).IsInvalidArgument());
  EXPECT_TRUE(store_->Unset("Berlin", std::nullopt).IsNotFound());
  Result<std::vector<ThresholdSetting>> list = store_->List();
  ASSERT_OK(list);
  EXPECT_TRUE(list->empty());
}

TEST_F(ThresholdStoreTest, SeesChangesFromAnotherConnection) {
  Result<bool> changed = store_->Changed();
  ASSERT_OK(changed);
  EXPECT_TRUE(*changed);  // first call
  changed = store_->Changed();
  ASSERT_OK(changed);
  EXPECT_FALSE(*changed);

  Result<std::unique_ptr<ThresholdStore>> other = ThresholdStore::Open(dir_.path() / "t.db");
  ASSERT_OK(other);
  ASSERT_OK((*other)->Set({"Berlin", std::nullopt, 3}));
  changed = store_->Changed();
  ASSERT_OK(changed);
  EXPECT_TRUE(*changed);

  ASSERT_OK(store_->Unset("Berlin", std::nullopt));  // its own write counts too
  changed = store_->Changed();
  ASSERT_OK(changed);
  EXPECT_TRUE(*changed);
  store_->MarkStale();
  changed = store_->Changed();
  ASSERT_OK(changed);
  EXPECT_TRUE(*changed);
}

}  // namespace
}  // namespace invtrack
