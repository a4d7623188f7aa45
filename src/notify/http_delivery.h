// HttpDelivery: one HTTP request to a notification receiver (webhook or SMS
// gateway) over a pooled libcurl handle, with bounded connect and total
// timeouts, no redirects followed and no proxy for loopback, and the
// answer mapped to a SendOutcome: 2xx sent; 408, 429, 5xx, timeouts and
// connection failures retry; a redirect or any other 4xx is permanent.
// Thread-safety: a function; each call uses its own handle.
#ifndef INVTRACK_NOTIFY_HTTP_DELIVERY_H_
#define INVTRACK_NOTIFY_HTTP_DELIVERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "notify/channel_sender.h"

namespace invtrack {

struct HttpDeliveryRequest {
  bool post = true;  // false: GET without a body
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines, no CR/LF
  std::string body;
  int64_t connect_timeout_ms = 3'000;
  int64_t timeout_ms = 10'000;
};

// `handle` must be freshly reset (CurlHandlePool leases are).
SendResult PerformHttpDelivery(CURL* handle, const HttpDeliveryRequest& request);

// The outcome of a completed exchange that answered `status`.
SendResult ClassifyHttpStatus(long status, const std::string& host, const std::string& location,
                              const std::string& body_start);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_HTTP_DELIVERY_H_
