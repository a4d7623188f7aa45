// LocalNotifier: the topic's subscriptions and deliveries on embedded parts,
// for one LocalPipeline. Its stores live in the outbox database (topic.db)
// so every process can manage subscriptions and read deliveries; only the
// process that runs the pipeline's event runtime (`invtrack serve`) starts
// the DeliveryWorker, which the outbox wakes on every publish.
// Thread-safety: the stores are safe for concurrent use; Start/Stop from
// the owner.
#ifndef INVTRACK_NOTIFY_LOCAL_NOTIFIER_H_
#define INVTRACK_NOTIFY_LOCAL_NOTIFIER_H_

#include <map>
#include <memory>

#include "notify/alert_fanout.h"
#include "notify/channel_sender.h"
#include "notify/delivery_store.h"
#include "notify/delivery_worker.h"
#include "notify/subscription_store.h"
#include "runtime/local_pipeline.h"

namespace invtrack {

class LocalNotifier {
 public:
  // `pipeline` must outlive the notifier.
  static Result<std::unique_ptr<LocalNotifier>> Open(LocalPipeline* pipeline);
  ~LocalNotifier();
  LocalNotifier(const LocalNotifier&) = delete;
  LocalNotifier& operator=(const LocalNotifier&) = delete;

  SubscriptionStore& subscriptions() { return *subscriptions_; }
  DeliveryStore& deliveries() { return *deliveries_; }

  // Starts delivering with these senders (a channel without one is retried
  // with a "not configured" error until it dies or is configured).
  Status Start(std::map<Channel, std::unique_ptr<ChannelSender>> senders,
               DeliveryWorkerOptions options);
  void Stop();

 private:
  explicit LocalNotifier(LocalPipeline* pipeline) : pipeline_(pipeline) {}

  LocalPipeline* pipeline_;
  SystemClock clock_;
  std::unique_ptr<SubscriptionStore> subscriptions_;
  std::unique_ptr<DeliveryStore> deliveries_;
  std::unique_ptr<AlertFanout> fanout_;
  std::map<Channel, std::unique_ptr<ChannelSender>> senders_;
  std::unique_ptr<DeliveryWorker> worker_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_LOCAL_NOTIFIER_H_
