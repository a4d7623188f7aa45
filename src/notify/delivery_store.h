// DeliveryStore: one row per message to one subscriber (`deliveries` in
// topic.db, beside the alerts they carry), with its state: pending (maybe
// after failed attempts, with the last error), sent, or dead (given up;
// `invtrack deliveries redrive` makes it pending again). The rendered
// notification is stored with it, so a retry after a restart sends the very
// same message with the same id.
//
// The fan-out's state lives here too, so that reading alerts, creating their
// deliveries and moving the fan-out cursor is one transaction: an alert is
// fanned out exactly once even across crashes. Alerts for digest
// subscriptions wait in `digest_pending` until their file is fully checked.
// Thread-safety: safe for concurrent use (one connection, a mutex).
#ifndef INVTRACK_NOTIFY_DELIVERY_STORE_H_
#define INVTRACK_NOTIFY_DELIVERY_STORE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/local/sqlite_db.h"
#include "notify/notification.h"
#include "notify/subscription.h"

namespace invtrack {

enum class DeliveryState { kPending, kSent, kDead };

std::string_view DeliveryStateName(DeliveryState state);  // "pending", "sent", "dead"
std::optional<DeliveryState> ParseDeliveryState(std::string_view name);

struct Delivery {
  int64_t id = 0;
  int64_t subscription_id = 0;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  int64_t created_ms = 0;
  int64_t sent_ms = 0;  // 0 until sent
  Notification notification;
};

// A delivery as people look at it: with where it goes.
struct DeliveryView {
  Delivery delivery;
  Channel channel = Channel::kEmail;
  std::string address;
};

struct NewDelivery {
  int64_t subscription_id = 0;
  Notification notification;
  std::vector<int64_t> alert_positions;  // the alerts it carries
};

// An alert waiting to be sent in its file's digest to one subscriber.
struct DigestAlert {
  int64_t subscription_id = 0;
  int64_t upload_id = 0;
  std::string store;
  std::string file_key;
  int64_t alert_position = 0;
  uint64_t last_change_seq = 0;  // the file's last change record
};

// The alerts of one file and store for one digest subscriber.
struct DigestGroup {
  int64_t subscription_id = 0;
  int64_t upload_id = 0;
  std::string store;
  std::string file_key;
  std::vector<int64_t> alert_positions;
};

// What one pass of the fan-out did, committed at once.
struct FanoutBatch {
  int64_t new_position = 0;  // the cursor after this batch
  std::vector<NewDelivery> deliveries;
  std::vector<DigestAlert> digest_alerts;
  std::vector<DigestGroup> flushed_digests;  // their digest_pending rows go
};

// The new state of a delivery after an attempt.
struct DeliveryChange {
  int64_t id = 0;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  int64_t sent_ms = 0;
};

struct DeliveryFilter {
  std::optional<DeliveryState> state;
  size_t limit = 100;
};

class DeliveryStore {
 public:
  static Result<std::unique_ptr<DeliveryStore>> Open(const std::filesystem::path& path);

  // Fan-out.
  Result<int64_t> FanoutPosition();
  // Deliveries whose message id exists already are skipped.
  Status CommitFanout(const FanoutBatch& batch, int64_t now_ms);
  // Digest groups whose file's last change record is <= checked_through.
  Result<std::vector<DigestGroup>> ReadyDigests(uint64_t checked_through);

  // Sending. Claimed deliveries are not handed out again until Apply
  // releases them; ReleaseClaims (at start) frees those of a crashed run.
  // Deliveries of `skip_subscriptions` are left alone (their receiver has
  // enough waiting already).
  Result<std::vector<Delivery>> ClaimDue(int64_t now_ms, size_t limit,
                                         std::span<const int64_t> skip_subscriptions = {});
  Result<std::optional<int64_t>> NextAttemptMs();
  Status ReleaseClaims();
  Status Apply(std::span<const DeliveryChange> changes);

  // Inspection and redrive.
  Result<std::vector<DeliveryView>> List(const DeliveryFilter& filter);
  // Deliveries carrying each of `alert_positions`.
  Result<std::map<int64_t, std::vector<DeliveryView>>> ForAlerts(
      std::span<const int64_t> alert_positions);
  // Makes dead deliveries pending again (all of them when `ids` is empty);
  // returns how many. Ids that are not dead are NotFound.
  Result<int64_t> Redrive(std::span<const int64_t> ids, int64_t now_ms);
  Result<std::map<DeliveryState, int64_t>> CountByState();

 private:
  DeliveryStore() = default;

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_DELIVERY_STORE_H_
