#include "notify/subscription_request.h"

#include <openssl/rand.h>

#include "notify/address_validation.h"

namespace invtrack {

namespace {

Result<std::string> RandomSecret() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::Internal("cannot make a random webhook secret");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string secret;
  for (unsigned char b : bytes) {
    secret += kHex[b >> 4];
    secret += kHex[b & 15];
  }
  return secret;
}

}  // namespace

Result<Subscription> MakeSubscription(const SubscriptionRequest& request,
                                      const SubscribePolicy& policy) {
  Subscription s;
  std::optional<Channel> channel = ParseChannel(request.channel);
  if (!channel) {
    return Status::InvalidArgument("unknown channel '" + request.channel + "'",
                                   "use email, sms or webhook");
  }
  s.channel = *channel;
  s.address = request.address;
  switch (s.channel) {
    case Channel::kEmail:
      INVTRACK_RETURN_IF_ERROR(ValidateEmailAddress(s.address));
      break;
    case Channel::kSms:
      INVTRACK_RETURN_IF_ERROR(ValidatePhoneNumber(s.address));
      break;
    case Channel::kWebhook: {
      INVTRACK_RETURN_IF_ERROR(ValidateWebhookUrl(s.address));
      Result<bool> own = TargetsOwnListener(s.address, policy.own_listeners);
      if (!own.ok()) return own.status();
      if (*own && !policy.allow_internal) {
        return Status::InvalidArgument(
            "refusing a webhook to invtrack's own interface " + s.address,
            "set [webhook] allow_internal = true in the config to allow it");
      }
      break;
    }
  }
  if (s.channel != Channel::kWebhook && (!request.secret.empty() || request.unsigned_webhook)) {
    return Status::InvalidArgument("a secret (or unsigned) is for webhooks only");
  }
  for (const std::string& store : request.stores) {
    if (store.empty()) return Status::InvalidArgument("the stores list has an empty store name");
    s.stores.push_back(store);
  }
  for (const std::string& name : request.kinds) {
    std::optional<AlertKind> kind = ParseAlertKind(name);
    if (!kind) {
      return Status::InvalidArgument("unknown alert kind '" + name + "'",
                                     "use OUT, LOW or BACK_IN_STOCK");
    }
    s.kinds.push_back(*kind);
  }
  s.digest = request.digest;
  if (s.channel == Channel::kWebhook && !request.unsigned_webhook) {
    if (request.secret.empty()) {
      Result<std::string> secret = RandomSecret();
      if (!secret.ok()) return secret.status();
      s.secret = std::move(secret).value();
    } else {
      s.secret = request.secret;
    }
  }
  return s;
}

}  // namespace invtrack
