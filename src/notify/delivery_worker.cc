#include "notify/delivery_worker.h"

#include <algorithm>
#include <exception>

#include "runtime/json_log.h"

namespace invtrack {

namespace {

// Claimed deliveries held in memory at most: enough to keep every sender
// busy, few enough that a restart has little to hand out again.
constexpr size_t kMaxBacklog = 2000;
constexpr size_t kMaxBacklogPerSubscription = 500;
// Fan-out passes per round, so that sending keeps going during a burst.
constexpr int kFanoutPassesPerRound = 4;

std::string NoSenderDetail(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
      return "e-mail is not configured (set [smtp] host or INVTRACK_SMTP_HOST)";
    case Channel::kSms:
      return "SMS is not configured (set [sms] url or INVTRACK_SMS_URL)";
    case Channel::kWebhook:
      return "webhooks are not configured";
  }
  return "no sender for this channel";
}

}  // namespace

DeliveryWorker::DeliveryWorker(DeliveryWorkerParts parts, DeliveryWorkerOptions options)
    : parts_(std::move(parts)), options_(options), schedule_(options.retry) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

Status DeliveryWorker::Start() {
  if (started_) return Status::OK();
  INVTRACK_RETURN_IF_ERROR(parts_.deliveries->ReleaseClaims());
  started_ = true;
  senders_stopping_ = false;
  for (int i = 0; i < std::max(1, options_.sender_threads); ++i) {
    senders_.emplace_back([this] { RunSender(); });
  }
  loop_.Start([this] { RunLoop(); });
  return Status::OK();
}

void DeliveryWorker::Stop() {
  if (!started_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    senders_stopping_ = true;
  }
  task_ready_.notify_all();
  for (std::thread& t : senders_) t.join();
  senders_.clear();
  loop_.Stop();  // the loop records the last outcomes before it returns
  started_ = false;
}

void DeliveryWorker::RunLoop() {
  while (!loop_.stopping()) {
    int64_t sleep_ms = Round();
    if (sleep_ms > 0) loop_.SleepFor(sleep_ms);
  }
  RecordOutcomes();
}

void DeliveryWorker::RunSender() {
  while (true) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      task_ready_.wait(lock, [this] { return senders_stopping_ || !tasks_.empty(); });
      // Queued tasks stay claimed; the next Start hands them out again.
      if (senders_stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    SendResult result;
    auto sender = parts_.senders.find(task.subscription.channel);
    if (sender == parts_.senders.end() || sender->second == nullptr) {
      result = SendResult{SendOutcome::kRetry, NoSenderDetail(task.subscription.channel)};
    } else {
      try {
        result = sender->second->Send(task.subscription, task.delivery.notification);
      } catch (const std::exception& e) {
        result = SendResult{SendOutcome::kRetry, std::string("sender failed: ") + e.what()};
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      outcomes_.push_back(Outcome{std::move(task.delivery), std::move(result)});
    }
    loop_.Notify();
  }
}

int64_t DeliveryWorker::Round() {
  RecordOutcomes();
  // Without a wake-up, look for work now and then: redrives and retries
  // that fell due, digests whose file is now checked.
  int64_t now = parts_.clock->NowMillis();
  if (next_due_ms_ && now >= *next_due_ms_) maybe_due_ = true;
  bool poll = now - last_poll_ms_ >= options_.idle_poll_ms;
  if (poll) {
    last_poll_ms_ = now;
    maybe_due_ = true;
  }
  bool busy = false;
  if (alerts_pending_.exchange(false) || poll) {
    for (int pass = 0; pass < kFanoutPassesPerRound; ++pass) {
      Result<size_t> done = parts_.fanout->RunOnce();
      if (!done.ok()) {
        LogProblem("delivery.fanout_failed", done.status());
        break;
      }
      if (*done == 0) break;
      maybe_due_ = true;
      if (pass + 1 == kFanoutPassesPerRound) {
        busy = true;
        alerts_pending_ = true;  // more to fan out next round
      }
    }
  }
  if (maybe_due_) ClaimAndDispatch(poll);
  if (busy) return 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!outcomes_.empty()) return 0;
  }
  int64_t sleep_ms = options_.idle_poll_ms - (parts_.clock->NowMillis() - last_poll_ms_);
  Result<std::optional<int64_t>> next = parts_.deliveries->NextAttemptMs();
  next_due_ms_ = next.ok() ? *next : std::nullopt;
  if (next_due_ms_ && backlog_size_ < kMaxBacklog) {
    sleep_ms = std::min<int64_t>(sleep_ms, *next_due_ms_ - parts_.clock->NowMillis());
  }
  return std::max<int64_t>(sleep_ms, 0);
}

void DeliveryWorker::RecordOutcomes() {
  std::vector<Outcome> outcomes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcomes.swap(outcomes_);
  }
  if (outcomes.empty()) return;
  int64_t now = parts_.clock->NowMillis();
  std::vector<DeliveryChange> changes;
  changes.reserve(outcomes.size());
  for (const Outcome& o : outcomes) {
    changes.push_back(ChangeFor(o, now));
    --in_flight_[o.delivery.subscription_id];
  }
  Status applied = parts_.deliveries->Apply(changes);
  if (!applied.ok()) {
    // The deliveries stay claimed, so nothing sends them twice now; the
    // next start hands them out again (at least once).
    LogProblem("delivery.record_failed", applied);
  }
  DispatchBacklog();
}

DeliveryChange DeliveryWorker::ChangeFor(const Outcome& outcome, int64_t now_ms) {
  const Delivery& d = outcome.delivery;
  DeliveryChange change;
  change.id = d.id;
  change.attempts = d.attempts + 1;
  change.next_attempt_ms = d.next_attempt_ms;
  switch (outcome.result.outcome) {
    case SendOutcome::kSent:
      change.state = DeliveryState::kSent;
      change.sent_ms = now_ms;
      return change;
    case SendOutcome::kPermanent:
      change.state = DeliveryState::kDead;
      change.last_error = outcome.result.detail;
      break;
    case SendOutcome::kRetry:
      if (schedule_.MayRetry(change.attempts)) {
        change.state = DeliveryState::kPending;
        change.next_attempt_ms = now_ms + schedule_.DelayMs(change.attempts);
        change.last_error = outcome.result.detail;
      } else {
        change.state = DeliveryState::kDead;
        change.last_error = outcome.result.detail + " (gave up after " +
                            std::to_string(change.attempts) + " attempts)";
      }
      break;
  }
  LogJson(change.state == DeliveryState::kDead ? spdlog::level::err : spdlog::level::warn,
          change.state == DeliveryState::kDead ? "delivery.dead" : "delivery.retry",
          {{"delivery", d.id},
           {"id", d.notification.id},
           {"subscription", d.subscription_id},
           {"attempts", change.attempts},
           {"error", change.last_error}});
  return change;
}

void DeliveryWorker::ClaimAndDispatch(bool poll) {
  // Refill only when half the backlog has gone: one claim per thousand
  // deliveries, not one per outcome. maybe_due_ stays set meanwhile. The
  // subscriptions are read again before each claim and at each poll.
  if (loop_.stopping() || (backlog_size_ > kMaxBacklog / 2 && !poll)) return;
  Result<std::vector<Subscription>> active = parts_.subscriptions->List();
  if (!active.ok()) {
    LogProblem("delivery.subscriptions_unreadable", active.status());
    return;
  }
  active_.clear();
  for (Subscription& s : *active) active_.emplace(s.id, std::move(s));
  DropRemovedFromBacklog();
  if (backlog_size_ > kMaxBacklog / 2) return;
  // A subscription with plenty waiting (e.g. its receiver hangs) gets no
  // more, so it cannot fill the backlog and starve the others.
  std::vector<int64_t> full;
  for (const auto& [subscription_id, queue] : backlog_) {
    if (queue.size() >= kMaxBacklogPerSubscription) full.push_back(subscription_id);
  }
  // Nothing could be claimed: and the claim would walk every pending
  // delivery to skip the full subscriptions' ones (a 100,000-alert burst to
  // one subscriber spent 89% of its time there).
  if (!full.empty() && full.size() >= active_.size()) return;

  size_t wanted = kMaxBacklog - backlog_size_;
  Result<std::vector<Delivery>> due =
      parts_.deliveries->ClaimDue(parts_.clock->NowMillis(), wanted, full);
  if (!due.ok()) {
    LogProblem("delivery.claim_failed", due.status());
    return;
  }
  // A full claim may have left more behind; a short one took all that is due.
  maybe_due_ = due->size() == wanted;
  std::vector<DeliveryChange> dropped;
  for (Delivery& d : *due) {
    if (!active_.contains(d.subscription_id)) {
      dropped.push_back(RemovedSubscription(d));
      continue;
    }
    backlog_[d.subscription_id].push_back(std::move(d));
    ++backlog_size_;
  }
  RecordDropped(dropped);
  DispatchBacklog();
}

DeliveryChange DeliveryWorker::RemovedSubscription(const Delivery& d) {
  return DeliveryChange{
      d.id, DeliveryState::kDead, d.attempts, d.next_attempt_ms, "the subscription was removed", 0};
}

void DeliveryWorker::DropRemovedFromBacklog() {
  // Claimed before their subscription was removed: they would wait in the
  // backlog (and take its room) until the next start.
  std::vector<DeliveryChange> dropped;
  for (auto it = backlog_.begin(); it != backlog_.end();) {
    if (active_.contains(it->first)) {
      ++it;
      continue;
    }
    for (const Delivery& d : it->second) dropped.push_back(RemovedSubscription(d));
    backlog_size_ -= it->second.size();
    it = backlog_.erase(it);
  }
  RecordDropped(dropped);
}

void DeliveryWorker::RecordDropped(const std::vector<DeliveryChange>& dropped) {
  if (dropped.empty()) return;
  Status applied = parts_.deliveries->Apply(dropped);
  if (!applied.ok()) LogProblem("delivery.record_failed", applied);
}

void DeliveryWorker::DispatchBacklog() {
  size_t handed = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = backlog_.begin(); it != backlog_.end();) {
      auto& [subscription_id, queue] = *it;
      int& in_flight = in_flight_[subscription_id];
      auto subscription = active_.find(subscription_id);
      while (!queue.empty() && in_flight < options_.per_subscription_in_flight &&
             subscription != active_.end()) {
        tasks_.push_back(Task{std::move(queue.front()), subscription->second});
        queue.pop_front();
        --backlog_size_;
        ++in_flight;
        ++handed;
      }
      it = queue.empty() ? backlog_.erase(it) : std::next(it);
    }
  }
  if (handed == 1) task_ready_.notify_one();
  if (handed > 1) task_ready_.notify_all();
}

void DeliveryWorker::LogProblem(const char* event, const Status& status) {
  LogJson(spdlog::level::err, event, {{"error", status.ToString()}});
}

}  // namespace invtrack
