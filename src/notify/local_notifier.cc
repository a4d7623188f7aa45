#include "notify/local_notifier.h"

namespace invtrack {

Result<std::unique_ptr<LocalNotifier>> LocalNotifier::Open(LocalPipeline* pipeline) {
  std::unique_ptr<LocalNotifier> notifier(new LocalNotifier(pipeline));
  const std::filesystem::path& topic_db = pipeline->topic().path();
  Result<std::unique_ptr<SubscriptionStore>> subscriptions = SubscriptionStore::Open(topic_db);
  if (!subscriptions.ok()) return subscriptions.status();
  notifier->subscriptions_ = std::move(subscriptions).value();
  Result<std::unique_ptr<DeliveryStore>> deliveries = DeliveryStore::Open(topic_db);
  if (!deliveries.ok()) return deliveries.status();
  notifier->deliveries_ = std::move(deliveries).value();
  notifier->fanout_ = std::make_unique<AlertFanout>(
      FanoutSources{
          &pipeline->topic(), &pipeline->table(),
          [pipeline] { return pipeline->checkpoints().Get(LocalPipeline::kStreamConsumer); }},
      notifier->subscriptions_.get(), notifier->deliveries_.get(), &notifier->clock_);
  return notifier;
}

LocalNotifier::~LocalNotifier() { Stop(); }

Status LocalNotifier::Start(std::map<Channel, std::unique_ptr<ChannelSender>> senders,
                            DeliveryWorkerOptions options) {
  if (worker_) return Status::OK();
  senders_ = std::move(senders);
  DeliveryWorkerParts parts{fanout_.get(), deliveries_.get(), subscriptions_.get(), {}, &clock_};
  for (const auto& [channel, sender] : senders_) parts.senders[channel] = sender.get();
  worker_ = std::make_unique<DeliveryWorker>(std::move(parts), options);
  INVTRACK_RETURN_IF_ERROR(worker_->Start());
  DeliveryWorker* worker = worker_.get();
  pipeline_->topic().SetPublishListener([worker] { worker->Wake(); });
  return Status::OK();
}

void LocalNotifier::Stop() {
  if (!worker_) return;
  pipeline_->topic().SetPublishListener(nullptr);
  worker_->Stop();
  worker_.reset();
}

}  // namespace invtrack
