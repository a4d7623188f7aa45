#include "dashboard/store_summaries.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

ItemImage Image(std::string store, std::string item, int64_t count,
                std::optional<int64_t> threshold = std::nullopt) {
  return ItemImage{std::move(store), std::move(item), count, threshold};
}

StreamRecord Change(std::optional<ItemImage> before, std::optional<ItemImage> after,
                    int64_t seconds = 100) {
  StreamRecord record;
  record.event_name = !before  ? StreamEventName::kInsert
                      : !after ? StreamEventName::kRemove
                               : StreamEventName::kModify;
  record.old_image = std::move(before);
  record.new_image = std::move(after);
  record.approximate_creation_time = seconds;
  return record;
}

TEST(StoreSummariesTest, CountsLevelsFromItems) {
  StockPolicy policy(5);
  StoreSummaries summaries(policy);
  summaries.AddItem(Image("Berlin", "a", 0), 10, 7);
  summaries.AddItem(Image("Berlin", "b", 3), 30, 7);
  summaries.AddItem(Image("Berlin", "c", 9), 20, 7);
  summaries.AddItem(Image("Berlin", "d", 9, 10), 20, 7);  // its own threshold makes it low
  const StoreCounts* berlin = summaries.Find("Berlin");
  ASSERT_NE(berlin, nullptr);
  EXPECT_EQ(berlin->items, 4);
  EXPECT_EQ(berlin->out, 1);
  EXPECT_EQ(berlin->low, 2);
  EXPECT_EQ(berlin->units, 21);
  EXPECT_EQ(berlin->last_change_ms, 30);
  EXPECT_EQ(berlin->sequence, 7u);
  EXPECT_EQ(summaries.Find("Pusan"), nullptr);
}

TEST(StoreSummariesTest, ChangesMoveItemsBetweenLevels) {
  StockPolicy policy(5);
  StoreSummaries summaries(policy);
  summaries.Apply(Change(std::nullopt, Image("Pusan", "tap", 0), 1), 1);
  summaries.Apply(Change(std::nullopt, Image("Pusan", "dot", 12), 2), 2);
  EXPECT_EQ(summaries.Find("Pusan")->out, 1);
  summaries.Apply(Change(Image("Pusan", "tap", 0), Image("Pusan", "tap", 2), 3), 3);
  const StoreCounts* pusan = summaries.Find("Pusan");
  EXPECT_EQ(pusan->items, 2);
  EXPECT_EQ(pusan->out, 0);
  EXPECT_EQ(pusan->low, 1);
  EXPECT_EQ(pusan->units, 14);
  EXPECT_EQ(pusan->last_change_ms, 3000);
  EXPECT_EQ(pusan->sequence, 3u);
}

TEST(StoreSummariesTest, RemovingTheLastItemRemovesTheStore) {
  StockPolicy policy(5);
  StoreSummaries summaries(policy);
  summaries.Apply(Change(std::nullopt, Image("Karachi", "echo", 1)), 4);
  summaries.Apply(Change(Image("Karachi", "echo", 1), std::nullopt), 5);
  EXPECT_EQ(summaries.Find("Karachi"), nullptr);
  EXPECT_TRUE(summaries.stores().empty());
}

}  // namespace
}  // namespace invtrack
