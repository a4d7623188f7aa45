// DeliveryWorker: sends the deliveries, off the ingest path. One loop thread
// fans alerts out into deliveries (AlertFanout), claims the due ones and
// hands them to a pool of sender threads; it records each outcome: sent,
// retried later (RetrySchedule: backoff with jitter) or dead (a permanent
// failure, or attempts used up).
//
// At least once: a delivery is marked sent only after its receiver took it,
// so a crash in between sends it again, with the same id. A slow or hung
// receiver holds at most `per_subscription_in_flight` senders (each bounded
// by its channel's timeouts), so other subscribers keep getting theirs.
// Thread-safety: Start/Stop from the owner; Wake from any thread.
#ifndef INVTRACK_NOTIFY_DELIVERY_WORKER_H_
#define INVTRACK_NOTIFY_DELIVERY_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/background_loop.h"
#include "functions/clock.h"
#include "notify/alert_fanout.h"
#include "notify/channel_sender.h"
#include "notify/delivery_store.h"
#include "notify/retry_schedule.h"
#include "notify/subscription_store.h"

namespace invtrack {

struct DeliveryWorkerOptions {
  RetryOptions retry;
  int sender_threads = 16;
  int per_subscription_in_flight = 8;
  // How often the loop looks for work nobody woke it for: deliveries
  // redriven by another process, digests whose file is now checked.
  int64_t idle_poll_ms = 250;
};

struct DeliveryWorkerParts {
  AlertFanout* fanout = nullptr;
  DeliveryStore* deliveries = nullptr;
  SubscriptionStore* subscriptions = nullptr;
  std::map<Channel, ChannelSender*> senders;  // a channel without one retries
  const Clock* clock = nullptr;
};

class DeliveryWorker {
 public:
  // The parts must outlive the worker.
  DeliveryWorker(DeliveryWorkerParts parts, DeliveryWorkerOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Frees the claims of a previous run (its deliveries are due again) and
  // starts the threads.
  Status Start();
  // Lets in-progress sends finish (their channel timeouts bound this),
  // records their outcomes and stops.
  void Stop();
  // New alerts were published.
  void Wake() {
    alerts_pending_ = true;
    loop_.Notify();
  }

 private:
  struct Task {
    Delivery delivery;
    Subscription subscription;
  };
  struct Outcome {
    Delivery delivery;
    SendResult result;
  };

  void RunLoop();
  void RunSender();
  // One round of the loop: outcomes, fan-out, claiming, dispatch. Returns
  // how long to sleep.
  int64_t Round();
  void RecordOutcomes();
  // `poll`: the periodic look for work (see Round).
  void ClaimAndDispatch(bool poll);
  // Marks dead the backlog of subscriptions no longer active.
  void DropRemovedFromBacklog();
  static DeliveryChange RemovedSubscription(const Delivery& delivery);
  void RecordDropped(const std::vector<DeliveryChange>& dropped);
  void DispatchBacklog();
  DeliveryChange ChangeFor(const Outcome& outcome, int64_t now_ms);
  void LogProblem(const char* event, const Status& status);

  DeliveryWorkerParts parts_;
  DeliveryWorkerOptions options_;
  RetrySchedule schedule_;  // loop thread only

  BackgroundLoop loop_;
  std::vector<std::thread> senders_;

  std::mutex mutex_;
  std::condition_variable task_ready_;
  std::deque<Task> tasks_;         // guarded by mutex_
  std::vector<Outcome> outcomes_;  // guarded by mutex_
  bool senders_stopping_ = false;  // guarded by mutex_

  // Loop thread only: claimed deliveries waiting for a free slot of their
  // subscription, and how many each subscription has in flight.
  std::map<int64_t, std::deque<Delivery>> backlog_;
  std::map<int64_t, int> in_flight_;
  std::map<int64_t, Subscription> active_;  // refreshed before each claim
  size_t backlog_size_ = 0;
  bool maybe_due_ = true;  // deliveries may wait in the store unclaimed
  int64_t last_poll_ms_ = 0;
  std::optional<int64_t> next_due_ms_;  // the earliest retry waiting
  std::atomic<bool> alerts_pending_{true};
  bool started_ = false;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_DELIVERY_WORKER_H_
