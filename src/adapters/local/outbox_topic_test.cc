#include "adapters/local/outbox_topic.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using testing::TempDir;

Alert MakeAlert(std::string id, AlertKind kind = AlertKind::kOut, std::string store = "Berlin",
                std::string item = "Echo Plus", int64_t count = 0) {
  Alert a;
  a.id = std::move(id);
  a.kind = kind;
  a.store = std::move(store);
  a.item = std::move(item);
  a.count = count;
  a.threshold = 5;
  a.subject = std::string(kDefaultAlertSubject);
  a.message = AlertMessage(kind, a.store, a.item, a.count, a.threshold);
  a.time_ms = 1764086400000;
  a.source_sequence = "42";
  return a;
}

class OutboxTopicTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    topic_.reset();
    Result<std::unique_ptr<OutboxTopic>> topic = OutboxTopic::Open(dir_.path() / "topic.db");
    ASSERT_OK(topic);
    topic_ = std::move(topic).value();
  }

  size_t Publish(const std::vector<Alert>& alerts) {
    size_t published = 12345;
    EXPECT_OK(topic_->Publish(alerts, &published));
    return published;
  }

  std::vector<StoredAlert> List(int64_t after = 0, size_t limit = 1000) {
    Result<std::vector<StoredAlert>> listed = topic_->List(after, limit);
    EXPECT_OK(listed);
    return listed.ok() ? *listed : std::vector<StoredAlert>{};
  }

  std::vector<std::string> Ids(const std::vector<StoredAlert>& stored) {
    std::vector<std::string> ids;
    for (const StoredAlert& s : stored) ids.push_back(s.alert.id);
    return ids;
  }

  int64_t Count() {
    Result<int64_t> count = topic_->Count();
    EXPECT_OK(count);
    return count.ok() ? *count : -1;
  }

  TempDir dir_;
  std::unique_ptr<OutboxTopic> topic_;
};

TEST_F(OutboxTopicTest, EmptyOutbox) {
  EXPECT_EQ(Count(), 0);
  EXPECT_TRUE(List().empty());
  EXPECT_EQ(Publish({}), 0u);
  EXPECT_EQ(Count(), 0);
}

TEST_F(OutboxTopicTest, PublishThenListInOrderWithEveryField) {
  std::vector<Alert> alerts = {
      MakeAlert("a-1", AlertKind::kOut),
      MakeAlert("a-2", AlertKind::kLow, "Pusan", "Echo Dot", 3),
      MakeAlert("a-3", AlertKind::kBackInStock, "Zürich", "Échô 🔊", 12),
  };
  alerts[1].threshold = 7;
  alerts[2].subject = "Custom subject";
  alerts[2].time_ms = 1;
  alerts[2].source_sequence = "123456789012345678901234567890";
  EXPECT_EQ(Publish(alerts), 3u);
  EXPECT_EQ(Count(), 3);

  std::vector<StoredAlert> stored = List();
  ASSERT_EQ(stored.size(), 3u);
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].alert, alerts[i]) << "alert " << i;
    if (i > 0) {
      EXPECT_GT(stored[i].position, stored[i - 1].position);
    }
  }
  EXPECT_GT(stored[0].position, 0);

  // A second publish lands after the first.
  EXPECT_EQ(Publish({MakeAlert("b-1")}), 1u);
  stored = List();
  EXPECT_EQ(Ids(stored), (std::vector<std::string>{"a-1", "a-2", "a-3", "b-1"}));
}

TEST_F(OutboxTopicTest, DuplicateIdsAreIgnored) {
  EXPECT_EQ(Publish({MakeAlert("x"), MakeAlert("y")}), 2u);
  Alert changed = MakeAlert("x", AlertKind::kLow, "Other", "Other", 1);
  // Accepted (harmless), but neither stored again nor overwritten.
  EXPECT_EQ(Publish({changed, MakeAlert("z")}), 2u);
  EXPECT_EQ(Publish({MakeAlert("z"), MakeAlert("z")}), 2u);
  EXPECT_EQ(Count(), 3);
  std::vector<StoredAlert> stored = List();
  EXPECT_EQ(Ids(stored), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(stored[0].alert, MakeAlert("x"));
}

TEST_F(OutboxTopicTest, ListPagesByPosition) {
  std::vector<Alert> alerts;
  for (int i = 0; i < 10; ++i) alerts.push_back(MakeAlert("id-" + std::to_string(i)));
  ASSERT_EQ(Publish(alerts), 10u);

  std::vector<std::string> ids;
  int64_t after = 0;
  int pages = 0;
  while (true) {
    std::vector<StoredAlert> page = List(after, 3);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 3u);
    ++pages;
    for (const StoredAlert& s : page) ids.push_back(s.alert.id);
    after = page.back().position;
  }
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(ids.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ids[i], "id-" + std::to_string(i));

  EXPECT_TRUE(List(after).empty());
  EXPECT_TRUE(List(0, 0).empty());
}

TEST_F(OutboxTopicTest, AlertsSurviveReopen) {
  ASSERT_EQ(Publish({MakeAlert("p"), MakeAlert("q")}), 2u);
  Reopen();
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(Ids(List()), (std::vector<std::string>{"p", "q"}));
  // Ids stay unique across the reopen.
  EXPECT_EQ(Publish({MakeAlert("p"), MakeAlert("r")}), 2u);
  EXPECT_EQ(Count(), 3);
}

TEST_F(OutboxTopicTest, ConcurrentPublishersStoreEveryAlertOnce) {
  constexpr int kThreads = 4;
  constexpr int kAlerts = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAlerts; ++i) {
        // Every thread also republishes a shared id.
        std::vector<Alert> batch = {MakeAlert("t" + std::to_string(t) + "-" + std::to_string(i)),
                                    MakeAlert("shared-" + std::to_string(i))};
        size_t published = 0;
        EXPECT_OK(topic_->Publish(batch, &published));
        EXPECT_EQ(published, 2u);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(Count(), kThreads * kAlerts + kAlerts);
}

}  // namespace
}  // namespace invtrack
