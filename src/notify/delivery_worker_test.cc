#include "notify/delivery_worker.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "notify/notify_test_util.h"

namespace invtrack {
namespace {

using testing::RecordingSender;

constexpr char kOneOut[] =
    "store,item,count\n"
    "Berlin,Echo Plus,0\n";

class DeliveryWorkerTest : public testing::NotifyTest {
 protected:
  void StartWorker(int max_attempts = 3) {
    DeliveryWorkerOptions options;
    options.retry = RetryOptions{max_attempts, 10, 40};
    options.idle_poll_ms = 20;
    options.sender_threads = 4;
    options.per_subscription_in_flight = 2;
    worker_ = std::make_unique<DeliveryWorker>(
        DeliveryWorkerParts{fanout_.get(),
                            deliveries_.get(),
                            subscriptions_.get(),
                            {{Channel::kEmail, &sender_}, {Channel::kWebhook, &sender_}},
                            &clock_},
        options);
    ASSERT_OK(worker_->Start());
  }

  void TearDown() override {
    sender_.Release();
    if (worker_) worker_->Stop();
  }

  // Waits (bounded) until the deliveries satisfy `predicate`.
  bool WaitForDeliveries(const std::function<bool(const std::vector<DeliveryView>&)>& predicate) {
    for (int i = 0; i < 500; ++i) {
      if (predicate(Deliveries())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  static bool AllIn(const std::vector<DeliveryView>& v, DeliveryState state, size_t count) {
    if (v.size() != count) return false;
    for (const DeliveryView& d : v) {
      if (d.delivery.state != state) return false;
    }
    return true;
  }

  RecordingSender sender_;
  std::unique_ptr<DeliveryWorker> worker_;
};

TEST_F(DeliveryWorkerTest, SendsEachAlertOnceAndMarksItSent) {
  Subscribe(Channel::kEmail, "ops@example.com");
  StartWorker();
  Load("berlin.csv", kOneOut);
  worker_->Wake();
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kSent, 1); }));
  std::vector<RecordingSender::Call> sent = sender_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].address, "ops@example.com");
  EXPECT_NE(sent[0].notification.text.find("Berlin is out of stock of Echo Plus"),
            std::string::npos);
  EXPECT_GT(Deliveries()[0].delivery.sent_ms, 0);
  EXPECT_EQ(Deliveries()[0].delivery.attempts, 1);
}

TEST_F(DeliveryWorkerTest, RetriesATransientFailureWithTheSameId) {
  Subscribe(Channel::kEmail, "ops@example.com");
  sender_.Script({{SendOutcome::kRetry, "HTTP 503"}, {SendOutcome::kRetry, "timeout"}});
  StartWorker();
  Load("berlin.csv", kOneOut);
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kSent, 1); }));
  std::vector<RecordingSender::Call> calls = sender_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].notification.id, calls[2].notification.id);
  EXPECT_EQ(sender_.sent().size(), 1u);
  EXPECT_EQ(Deliveries()[0].delivery.attempts, 3);
}

TEST_F(DeliveryWorkerTest, APermanentFailureIsDeadAtOnceAndRedriveSendsIt) {
  Subscribe(Channel::kEmail, "ops@example.com");
  sender_.Script({{SendOutcome::kPermanent, "HTTP 404 from receiver"}});
  StartWorker();
  Load("berlin.csv", kOneOut);
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kDead, 1); }));
  DeliveryView dead = Deliveries()[0];
  EXPECT_EQ(dead.delivery.attempts, 1);
  EXPECT_EQ(dead.delivery.last_error, "HTTP 404 from receiver");

  Result<int64_t> revived = deliveries_->Redrive({}, clock_.NowMillis());
  ASSERT_OK(revived);
  EXPECT_EQ(*revived, 1);
  worker_->Wake();
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kSent, 1); }));
  EXPECT_EQ(sender_.sent().size(), 1u);
}

TEST_F(DeliveryWorkerTest, GivesUpAfterMaxAttempts) {
  Subscribe(Channel::kEmail, "ops@example.com");
  sender_.Script({{SendOutcome::kRetry, "refused"},
                  {SendOutcome::kRetry, "refused"},
                  {SendOutcome::kRetry, "refused"}});
  StartWorker(/*max_attempts=*/3);
  Load("berlin.csv", kOneOut);
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kDead, 1); }));
  DeliveryView dead = Deliveries()[0];
  EXPECT_EQ(dead.delivery.attempts, 3);
  EXPECT_EQ(dead.delivery.last_error, "refused (gave up after 3 attempts)");
  EXPECT_EQ(sender_.calls().size(), 3u);
}

TEST_F(DeliveryWorkerTest, AHungReceiverDoesNotBlockOtherSubscribers) {
  Subscribe(Channel::kWebhook, "http://hung.example/hook");
  Subscribe(Channel::kEmail, "ops@example.com");
  sender_.Hold("http://hung.example/hook");
  StartWorker();
  Load("berlin.csv", kOneOut);
  ASSERT_TRUE(sender_.WaitForSent(
      [](const auto& sent) { return sent.size() == 1 && sent[0].address == "ops@example.com"; }));
  sender_.Release();
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kSent, 2); }));
}

TEST_F(DeliveryWorkerTest, ARemovedSubscriptionsWaitingDeliveriesAreDeadAtOnce) {
  int64_t hung = Subscribe(Channel::kWebhook, "http://hung.example/hook");
  sender_.Hold("http://hung.example/hook");
  StartWorker();
  Load("berlin.csv",
       "store,item,count\nBerlin,A,0\nBerlin,B,0\nBerlin,C,0\nBerlin,D,0\nBerlin,E,0\n");
  // Two in the sender's hands (the in-flight limit), three claimed behind.
  ASSERT_TRUE(sender_.WaitForHeld(2));
  ASSERT_OK(subscriptions_->Remove(hung, clock_.NowMillis()));
  auto removed = [](const std::vector<DeliveryView>& v) {
    return std::count_if(v.begin(), v.end(), [](const DeliveryView& d) {
             return d.delivery.state == DeliveryState::kDead &&
                    d.delivery.last_error == "the subscription was removed";
           }) == 3;
  };
  // While the receiver still hangs: nothing waits for it to come back.
  EXPECT_TRUE(WaitForDeliveries(removed));
  sender_.Release();
  ASSERT_TRUE(WaitForDeliveries([&](const std::vector<DeliveryView>& v) {
    return removed(v) && std::count_if(v.begin(), v.end(), [](const DeliveryView& d) {
                           return d.delivery.state == DeliveryState::kSent;
                         }) == 2;
  }));
}

TEST_F(DeliveryWorkerTest, AChannelWithoutSenderIsRetriedWithAClearError) {
  Subscribe(Channel::kSms, "+4915112345678");
  StartWorker(/*max_attempts=*/2);
  Load("berlin.csv", kOneOut);
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kDead, 1); }));
  EXPECT_NE(Deliveries()[0].delivery.last_error.find("SMS is not configured"), std::string::npos);
}

TEST_F(DeliveryWorkerTest, ClaimsOfACrashedRunAreSentAgainAfterRestart) {
  Subscribe(Channel::kEmail, "ops@example.com");
  Load("berlin.csv", kOneOut);
  ASSERT_OK(fanout_->RunOnce());
  // A run that claimed the delivery and died before recording the outcome.
  Result<std::vector<Delivery>> claimed = deliveries_->ClaimDue(clock_.NowMillis(), 10);
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  StartWorker();
  ASSERT_TRUE(WaitForDeliveries([](auto& v) { return AllIn(v, DeliveryState::kSent, 1); }));
  EXPECT_EQ(sender_.sent()[0].notification.id, (*claimed)[0].notification.id);
}

}  // namespace
}  // namespace invtrack
