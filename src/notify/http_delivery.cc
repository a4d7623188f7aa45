#include "notify/http_delivery.h"

#include <algorithm>
#include <memory>

namespace invtrack {

namespace {

// Enough of a refusal's body to explain it to the operator.
constexpr size_t kKeptBodyBytes = 200;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

size_t KeepBodyStart(char* data, size_t size, size_t count, void* out) {
  auto* kept = static_cast<std::string*>(out);
  size_t bytes = size * count;
  if (kept->size() < kKeptBodyBytes)
    kept->append(data, std::min(bytes, kKeptBodyBytes - kept->size()));
  return bytes;  // the rest is read and dropped, so the connection stays usable
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string HostOf(const std::string& url) {
  // The URL as curl used it; its host is what the operator needs to see.
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  char* host = nullptr;
  if (parsed && curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host != nullptr) {
    std::string out(host);
    curl_free(host);
    return out;
  }
  return "the receiver";
}

SendResult TransportFailure(CURLcode code, const char* error_text, const std::string& host,
                            const HttpDeliveryRequest& request) {
  std::string detail = OneLine(error_text[0] != '\0' ? error_text : curl_easy_strerror(code));
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {SendOutcome::kPermanent, "cannot send to this URL: " + detail};
    case CURLE_OPERATION_TIMEDOUT:
      return {SendOutcome::kRetry, "no answer from " + host + " within " +
                                       std::to_string(request.timeout_ms) + " ms (" + detail + ")"};
    default:
      // Refused, reset, unresolvable or TLS trouble: the receiver may be
      // back later; the retry limit ends hopeless cases.
      return {SendOutcome::kRetry, "cannot reach " + host + ": " + detail};
  }
}

}  // namespace

SendResult ClassifyHttpStatus(long status, const std::string& host, const std::string& location,
                              const std::string& body_start) {
  std::string detail = "HTTP " + std::to_string(status) + " from " + host;
  if (status >= 200 && status < 300) return {SendOutcome::kSent, detail};
  if (status >= 300 && status < 400) {
    return {SendOutcome::kPermanent,
            detail + ": redirects are not followed; subscribe the final URL" +
                (location.empty() ? "" : " (Location: " + OneLine(location) + ")")};
  }
  std::string body = OneLine(body_start);
  if (!body.empty()) detail += ": " + body;
  if (status == 408 || status == 429 || status >= 500) return {SendOutcome::kRetry, detail};
  return {SendOutcome::kPermanent, detail};
}

SendResult PerformHttpDelivery(CURL* handle, const HttpDeliveryRequest& request) {
  if (handle == nullptr) return {SendOutcome::kRetry, "out of memory for an HTTP request"};
  // A small body needs no "100 Continue" round trip.
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  bool complete = list != nullptr;
  for (const std::string& line : request.headers) {
    curl_slist* appended = complete ? curl_slist_append(list, line.c_str()) : nullptr;
    if (appended == nullptr) complete = false;
    if (appended != nullptr) list = appended;
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(list);
  if (!complete) return {SendOutcome::kRetry, "out of memory for HTTP headers"};

  char error_text[CURL_ERROR_SIZE] = {};
  std::string body_start;
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads are safe
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "invtrack-notify/1");
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, KeepBodyStart);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body_start);
  if (request.post) {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  }

  CURLcode code = curl_easy_perform(handle);
  // The handle goes back to a pool: nothing may keep pointing at locals.
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
  std::string host = HostOf(request.url);
  if (code != CURLE_OK) return TransportFailure(code, error_text, host, request);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  char* location = nullptr;
  curl_easy_getinfo(handle, CURLINFO_REDIRECT_URL, &location);
  return ClassifyHttpStatus(status, host, location != nullptr ? location : "", body_start);
}

}  // namespace invtrack
