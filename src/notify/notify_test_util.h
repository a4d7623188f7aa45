// Test fixture for the notification layer: a LocalPipeline on a temporary
// data directory (real SQLite parts, runtime running) with the
// subscription and delivery stores beside its topic, and a ChannelSender
// that records what it was asked to send and answers as told.
#ifndef INVTRACK_NOTIFY_NOTIFY_TEST_UTIL_H_
#define INVTRACK_NOTIFY_NOTIFY_TEST_UTIL_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_source.h"
#include "notify/alert_fanout.h"
#include "notify/channel_sender.h"
#include "notify/delivery_store.h"
#include "notify/subscription_store.h"
#include "runtime/local_pipeline.h"
#include "test_util.h"

namespace invtrack::testing {

class RecordingSender final : public ChannelSender {
 public:
  // Answers each Send with the next scripted result, then with kSent.
  void Script(std::vector<SendResult> results) {
    std::lock_guard<std::mutex> lock(mutex_);
    script_.assign(results.begin(), results.end());
  }
  // Blocks every Send to `address` until Release().
  void Hold(std::string address) {
    std::lock_guard<std::mutex> lock(mutex_);
    held_address_ = std::move(address);
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_address_.clear();
    }
    changed_.notify_all();
  }

  SendResult Send(const Subscription& subscription, const Notification& n) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (held_address_ == subscription.address) {
      ++held_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return held_address_ != subscription.address; });
      --held_;
    }
    SendResult result;
    if (!script_.empty()) {
      result = script_.front();
      script_.pop_front();
    }
    calls_.push_back({subscription.address, n});
    if (result.outcome == SendOutcome::kSent) sent_.push_back({subscription.address, n});
    changed_.notify_all();
    return result;
  }

  struct Call {
    std::string address;
    Notification notification;
  };
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  std::vector<Call> sent() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }
  // Waits (bounded) until `count` sends are blocked by Hold.
  bool WaitForHeld(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return held_ >= count; });
  }
  // Waits (bounded) until `predicate` holds for the sent messages.
  bool WaitForSent(const std::function<bool(const std::vector<Call>&)>& predicate,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return predicate(sent_); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<SendResult> script_;
  std::string held_address_;
  size_t held_ = 0;  // sends waiting in Hold
  std::vector<Call> calls_;
  std::vector<Call> sent_;
};

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PipelineOptions options;
    options.data_dir = dir_.path() / "data";
    options.async.delays_ms = {10};
    options.async.poll_interval_ms = 20;
    options.stream.retry_delay_ms = 0;
    options.stream.poll_interval_ms = 20;
    Result<std::unique_ptr<LocalPipeline>> pipeline = LocalPipeline::Open(options);
    ASSERT_OK(pipeline);
    pipeline_ = std::move(pipeline).value();
    Result<bool> started = pipeline_->StartRuntime();
    ASSERT_OK(started);
    ASSERT_TRUE(*started);
    Result<std::unique_ptr<SubscriptionStore>> subscriptions =
        SubscriptionStore::Open(options.data_dir / "topic.db");
    ASSERT_OK(subscriptions);
    subscriptions_ = std::move(subscriptions).value();
    Result<std::unique_ptr<DeliveryStore>> deliveries =
        DeliveryStore::Open(options.data_dir / "topic.db");
    ASSERT_OK(deliveries);
    deliveries_ = std::move(deliveries).value();
    fanout_ = std::make_unique<AlertFanout>(
        FanoutSources{
            &pipeline_->topic(), &pipeline_->table(),
            [this] { return pipeline_->checkpoints().Get(LocalPipeline::kStreamConsumer); }},
        subscriptions_.get(), deliveries_.get(), &clock_);
  }

  int64_t Subscribe(Channel channel, std::string address, bool digest = false,
                    std::vector<std::string> stores = {}, std::vector<AlertKind> kinds = {}) {
    Subscription s;
    s.channel = channel;
    s.address = std::move(address);
    s.digest = digest;
    s.stores = std::move(stores);
    s.kinds = std::move(kinds);
    Result<int64_t> id = subscriptions_->Add(s, clock_.NowMillis());
    EXPECT_OK(id);
    return id.ok() ? *id : 0;
  }

  // Uploads `body` and waits until its load is checked (alerts published).
  void Load(std::string_view key, std::string_view body) {
    StringByteSource source(body);
    Result<UploadReceipt> receipt = pipeline_->Upload(key, &source, PutOptions{}, "admin");
    ASSERT_OK(receipt);
    Result<std::vector<FileResult>> results =
        pipeline_->WaitForLoad(receipt->invocation_id, std::chrono::seconds(10));
    ASSERT_OK(results);
  }

  std::vector<DeliveryView> Deliveries() {
    Result<std::vector<DeliveryView>> list =
        deliveries_->List(DeliveryFilter{.state = std::nullopt, .limit = 10000});
    EXPECT_OK(list);
    return list.ok() ? std::move(list).value() : std::vector<DeliveryView>{};
  }

  TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<LocalPipeline> pipeline_;
  std::unique_ptr<SubscriptionStore> subscriptions_;
  std::unique_ptr<DeliveryStore> deliveries_;
  std::unique_ptr<AlertFanout> fanout_;
};

}  // namespace invtrack::testing

#endif  // INVTRACK_NOTIFY_NOTIFY_TEST_UTIL_H_
