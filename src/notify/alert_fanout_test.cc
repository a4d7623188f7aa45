#include "notify/alert_fanout.h"

#include <gtest/gtest.h>

#include "notify/notification_renderer.h"
#include "notify/notify_test_util.h"

namespace invtrack {
namespace {

using testing::NotifyTest;

constexpr char kBerlin[] =
    "store,item,count\n"
    "Berlin,Echo Dot,28\n"
    "Berlin,Echo Plus,0\n"
    "Berlin,Echo Show,0\n"
    "Berlin,Echo Look,3\n";

constexpr char kPusan[] =
    "store,item,count\n"
    "Pusan,Echo Dot,0\n";

using AlertFanoutTest = NotifyTest;

TEST_F(AlertFanoutTest, OneDeliveryPerAlertAndMatchingSubscription) {
  int64_t all = Subscribe(Channel::kEmail, "ops@example.com");
  int64_t berlin_out =
      Subscribe(Channel::kWebhook, "http://127.0.0.1:1/hook", false, {"Berlin"}, {AlertKind::kOut});
  Subscribe(Channel::kSms, "+4915112345678", false, {"Pusan"});
  Load("berlin.csv", kBerlin);

  Result<size_t> done = fanout_->RunOnce();
  ASSERT_OK(done);
  EXPECT_EQ(*done, 3u);  // three alerts: two OUT, one LOW
  std::vector<DeliveryView> deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 5u);  // 3 for `all`, 2 OUT for the Berlin webhook
  int to_all = 0, to_webhook = 0;
  for (const DeliveryView& v : deliveries) {
    EXPECT_EQ(v.delivery.state, DeliveryState::kPending);
    if (v.delivery.subscription_id == all) ++to_all;
    if (v.delivery.subscription_id == berlin_out) {
      ++to_webhook;
      EXPECT_NE(v.delivery.notification.json.find("\"kind\":\"OUT\""), std::string::npos);
    }
  }
  EXPECT_EQ(to_all, 3);
  EXPECT_EQ(to_webhook, 2);

  // The cursor moved: a second pass creates nothing.
  done = fanout_->RunOnce();
  ASSERT_OK(done);
  EXPECT_EQ(*done, 0u);
  EXPECT_EQ(Deliveries().size(), 5u);
}

TEST_F(AlertFanoutTest, AFanOutRedoneAfterACrashCreatesNoDuplicates) {
  Subscribe(Channel::kEmail, "ops@example.com");
  Load("berlin.csv", kBerlin);
  ASSERT_OK(fanout_->RunOnce());
  // As if the cursor had not been committed: the same alerts again.
  FanoutBatch again;
  Result<std::vector<StoredAlert>> alerts = pipeline_->topic().List(0, 100);
  ASSERT_OK(alerts);
  for (const StoredAlert& a : *alerts) {
    again.deliveries.push_back(NewDelivery{1, RenderAlert(a, 1), {a.position}});
    again.new_position = a.position;
  }
  ASSERT_OK(deliveries_->CommitFanout(again, clock_.NowMillis()));
  EXPECT_EQ(Deliveries().size(), alerts->size());
}

TEST_F(AlertFanoutTest, DigestSubscribersGetOneMessagePerFileAndStore) {
  int64_t digest = Subscribe(Channel::kEmail, "digest@example.com", true);
  int64_t single = Subscribe(Channel::kEmail, "each@example.com");
  Load("stores/Berlin/berlin.csv", kBerlin);
  Load("stores/Pusan/pusan.csv", kPusan);
  ASSERT_OK(fanout_->RunOnce());

  std::vector<DeliveryView> to_digest, to_single;
  for (const DeliveryView& v : Deliveries()) {
    (v.delivery.subscription_id == digest ? to_digest : to_single).push_back(v);
  }
  EXPECT_EQ(to_single.size(), 4u);
  ASSERT_EQ(to_digest.size(), 2u);  // one per file
  const Notification* berlin = nullptr;
  for (const DeliveryView& v : to_digest) {
    if (v.delivery.notification.text.find("at Berlin") != std::string::npos) {
      berlin = &v.delivery.notification;
    }
  }
  ASSERT_NE(berlin, nullptr);
  EXPECT_NE(berlin->text.find("2 items out of stock at Berlin: Echo Plus, Echo Show"),
            std::string::npos)
      << berlin->text;
  EXPECT_NE(berlin->text.find("1 item low at Berlin: Echo Look"), std::string::npos);
  EXPECT_NE(berlin->text.find("File: stores/Berlin/berlin.csv"), std::string::npos);
  EXPECT_NE(berlin->json.find("\"type\":\"digest\""), std::string::npos);
  (void)single;
}

TEST_F(AlertFanoutTest, ARemovedSubscriptionGetsNoNewDeliveries) {
  int64_t id = Subscribe(Channel::kEmail, "ops@example.com");
  ASSERT_OK(subscriptions_->Remove(id, clock_.NowMillis()));
  EXPECT_TRUE(subscriptions_->Remove(id, clock_.NowMillis()).IsNotFound());
  Load("berlin.csv", kBerlin);
  ASSERT_OK(fanout_->RunOnce());
  EXPECT_TRUE(Deliveries().empty());
}

}  // namespace
}  // namespace invtrack
