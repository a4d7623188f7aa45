#include "notify/alert_fanout.h"

#include <charconv>

#include "notify/notification_renderer.h"

namespace invtrack {

namespace {

std::optional<uint64_t> ParseSequence(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<std::optional<UploadRecord>> AlertFanout::UploadOf(const Alert& alert) {
  std::optional<uint64_t> sequence = ParseSequence(alert.source_sequence);
  if (!sequence || !sources_.table) return std::optional<UploadRecord>();
  if (last_upload_ && *sequence >= last_upload_->first_change_seq &&
      *sequence < last_upload_->first_change_seq + last_upload_->changes) {
    return last_upload_;
  }
  Result<std::optional<UploadRecord>> upload = sources_.table->FindUploadOfChange(*sequence);
  if (upload.ok() && *upload) last_upload_ = *upload;
  return upload;
}

Result<size_t> AlertFanout::RunOnce(size_t max_alerts) {
  Result<int64_t> position = deliveries_->FanoutPosition();
  if (!position.ok()) return position.status();
  Result<std::vector<StoredAlert>> alerts = sources_.topic->List(*position, max_alerts);
  if (!alerts.ok()) return alerts.status();
  size_t work = alerts->size();
  if (!alerts->empty()) {
    Result<std::vector<Subscription>> subscriptions = subscriptions_->List();
    if (!subscriptions.ok()) return subscriptions.status();
    FanoutBatch batch;
    for (const StoredAlert& stored : *alerts) {
      for (const Subscription& s : *subscriptions) {
        if (!s.Matches(stored.alert)) continue;
        if (s.digest) {
          Result<std::optional<UploadRecord>> upload = UploadOf(stored.alert);
          if (!upload.ok()) return upload.status();
          if (*upload) {
            const UploadRecord& u = **upload;
            batch.digest_alerts.push_back(DigestAlert{s.id, u.id, stored.alert.store, u.version.key,
                                                      stored.position,
                                                      u.first_change_seq + u.changes - 1});
            continue;
          }
        }
        batch.deliveries.push_back(NewDelivery{s.id, RenderAlert(stored, s.id), {stored.position}});
      }
      batch.new_position = stored.position;
    }
    INVTRACK_RETURN_IF_ERROR(deliveries_->CommitFanout(batch, clock_->NowMillis()));
  }
  Result<size_t> digests = FlushDigests();
  if (!digests.ok()) return digests.status();
  return work + *digests;
}

Result<size_t> AlertFanout::FlushDigests() {
  if (!sources_.checked_through) return size_t{0};
  Result<uint64_t> checked = sources_.checked_through();
  if (!checked.ok()) return checked.status();
  Result<std::vector<DigestGroup>> groups = deliveries_->ReadyDigests(*checked);
  if (!groups.ok()) return groups.status();
  if (groups->empty()) return size_t{0};
  Result<int64_t> position = deliveries_->FanoutPosition();
  if (!position.ok()) return position.status();
  FanoutBatch batch;
  batch.new_position = *position;
  for (DigestGroup& group : *groups) {
    Result<std::vector<StoredAlert>> alerts = sources_.topic->Get(group.alert_positions);
    if (!alerts.ok()) return alerts.status();
    if (!alerts->empty()) {
      batch.deliveries.push_back(NewDelivery{
          group.subscription_id, RenderDigest(*alerts, group.file_key, group.subscription_id),
          group.alert_positions});
    }
    batch.flushed_digests.push_back(std::move(group));
  }
  INVTRACK_RETURN_IF_ERROR(deliveries_->CommitFanout(batch, clock_->NowMillis()));
  return batch.deliveries.size();
}

}  // namespace invtrack
