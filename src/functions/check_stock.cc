#include "functions/check_stock.h"

#include <vector>

namespace invtrack {

BatchResponse CheckStock::Handle(std::span<const StreamRecord> records) {
  std::vector<Alert> alerts;
  std::vector<const StreamRecord*> sources;  // the record behind each alert
  const int64_t now = clock_->NowMillis();
  for (const StreamRecord& record : records) {
    std::optional<AlertKind> kind = policy_->Transition(record.old_image, record.new_image);
    if (!kind) continue;
    const ItemImage& image = *record.new_image;
    Alert alert;
    alert.id = record.event_id;
    alert.kind = *kind;
    alert.store = image.store;
    alert.item = image.item;
    alert.count = image.count;
    alert.threshold = policy_->ThresholdFor(image);
    alert.subject = options_.subject;
    alert.message = AlertMessage(*kind, image.store, image.item, image.count, alert.threshold);
    alert.time_ms = now;
    alert.source_sequence = record.sequence_number;
    alerts.push_back(std::move(alert));
    sources.push_back(&record);
  }

  BatchResponse response;
  if (alerts.empty()) return response;
  size_t published = 0;
  Status status = topic_->Publish(alerts, &published);
  if (!status.ok()) {
    for (size_t i = published; i < sources.size(); ++i) {
      response.failed_item_identifiers.push_back(sources[i]->sequence_number);
    }
  }
  return response;
}

}  // namespace invtrack
