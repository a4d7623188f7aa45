// AlertFanout: turns the topic's alerts into deliveries. Each pass reads the
// alerts after the fan-out cursor, makes one delivery per alert and matching
// subscription, and moves the cursor, all in one transaction, so each alert
// is fanned out exactly once even across crashes.
//
// Digest subscribers get one message per file and store: their alerts wait
// until the Check-Stock consumer has checked the file's last change record
// (then every alert the file raised is in the outbox), and are then rendered
// into one digest. An alert whose file is unknown is sent on its own.
// Thread-safety: RunOnce must not run concurrently with itself.
#ifndef INVTRACK_NOTIFY_ALERT_FANOUT_H_
#define INVTRACK_NOTIFY_ALERT_FANOUT_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "adapters/local/outbox_topic.h"
#include "adapters/local/sqlite_inventory_table.h"
#include "functions/clock.h"
#include "notify/delivery_store.h"
#include "notify/subscription_store.h"

namespace invtrack {

struct FanoutSources {
  const OutboxTopic* topic = nullptr;
  // Which file raised an alert (for digests).
  const SqliteInventoryTable* table = nullptr;
  // The newest change record the Check-Stock consumer has fully checked.
  std::function<Result<uint64_t>()> checked_through;
};

class AlertFanout {
 public:
  // The pointers must outlive the fan-out.
  AlertFanout(FanoutSources sources, SubscriptionStore* subscriptions, DeliveryStore* deliveries,
              const Clock* clock)
      : sources_(std::move(sources)),
        subscriptions_(subscriptions),
        deliveries_(deliveries),
        clock_(clock) {}

  // Fans out up to `max_alerts` alerts, then sends the digests that are
  // complete. Returns how many alerts and digests it handled (0: nothing
  // to do).
  Result<size_t> RunOnce(size_t max_alerts = 1000);

 private:
  // The upload whose load produced change record `sequence`.
  Result<std::optional<UploadRecord>> UploadOf(const Alert& alert);
  Result<size_t> FlushDigests();

  FanoutSources sources_;
  SubscriptionStore* subscriptions_;
  DeliveryStore* deliveries_;
  const Clock* clock_;
  std::optional<UploadRecord> last_upload_;  // the one most alerts in a row share
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_ALERT_FANOUT_H_
