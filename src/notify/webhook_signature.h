// WebhookSignature: the X-Invtrack-Signature header value, "v1=" and the
// lower-case hex HMAC-SHA256 of "<timestamp>.<body>" under the
// subscription's secret. Signing the timestamp with the body lets a
// receiver reject replays: it recomputes the HMAC and refuses a request
// whose X-Invtrack-Timestamp is too old (docs/notifications.md).
// Pure functions.
#ifndef INVTRACK_NOTIFY_WEBHOOK_SIGNATURE_H_
#define INVTRACK_NOTIFY_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace invtrack {

std::string WebhookSignature(std::string_view secret, int64_t timestamp_seconds,
                             std::string_view body);

// Whether `signature` (a header value) is WebhookSignature(secret,
// timestamp, body), compared in constant time.
bool VerifyWebhookSignature(std::string_view secret, int64_t timestamp_seconds,
                            std::string_view body, std::string_view signature);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_WEBHOOK_SIGNATURE_H_
