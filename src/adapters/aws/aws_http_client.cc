#include "adapters/aws/aws_http_client.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>

#include <curl/curl.h>

namespace invtrack {

namespace {

// Error answers are small XML or JSON documents; keep no more than this of
// one (a misbehaving server cannot make the client hold a huge body).
constexpr size_t kMaxKeptBody = 1 << 20;
// Bodies below this go without `Expect: 100-continue`: waiting for the
// interim answer costs a round trip (or a 1 s stall on servers that never
// send one) and saves nothing. Larger uploads let the server refuse first.
constexpr uint64_t kExpectContinueBytes = 1 << 20;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  void Add(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// The state of one attempt, shared with curl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  AwsRequest* request = nullptr;
  OutgoingBody* body = nullptr;
  StringOutgoingBody no_body{""};  // what a PUT or POST without a body sends
  AwsResponse response;
  uint64_t sent = 0;
  uint64_t delivered = 0;  // body bytes handed to the sink
  Status local_error;      // the body or the sink failed
};

// curl's callbacks; `user` is the Transfer.
size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  Result<size_t> n = transfer->body->Read(buffer, size * count);
  if (!n.ok()) {
    transfer->local_error = n.status();
    return CURL_READFUNC_ABORT;
  }
  transfer->sent += *n;
  if (transfer->request->on_upload_progress) {
    transfer->request->on_upload_progress(transfer->sent, transfer->body->size());
  }
  return *n;
}

int RewindBody(void* user, curl_off_t offset, int origin) {
  // curl rewinds when it resends on a fresh connection (a kept-alive one
  // had been closed by the server); only a full rewind is ever needed.
  auto* transfer = static_cast<Transfer*>(user);
  if (offset != 0 || origin != SEEK_SET || !transfer->body->Rewind()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->sent = 0;
  return CURL_SEEKFUNC_OK;
}

size_t KeepHeader(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(buffer, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after `100 Continue`): only the final answer's
    // header fields count.
    transfer->response.headers.entries.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response.headers.Add(std::string(TrimSpaces(line.substr(0, colon))),
                                   std::string(TrimSpaces(line.substr(colon + 1))));
  }
  return size * count;
}

size_t KeepBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && transfer->request->sink != nullptr) {
    Status written = transfer->request->sink->Write(std::string_view(data, n));
    if (!written.ok()) {
      transfer->local_error = written;
      return 0;  // aborts the transfer
    }
    transfer->delivered += n;
    return n;
  }
  std::string& body = transfer->response.body;
  body.append(data, std::min(n, kMaxKeptBody - body.size()));
  return n;
}

}  // namespace

Result<std::unique_ptr<AwsHttpClient>> AwsHttpClient::Create(AwsClientOptions options) {
  InitCurlOnce();
  CURLU* url = curl_url();
  if (url == nullptr) return Status::Internal("curl_url failed");
  std::string base_url;
  std::string authority;
  Status problem;
  if (curl_url_set(url, CURLUPART_URL, options.endpoint.c_str(), 0) != CURLUE_OK) {
    problem = Status::InvalidArgument("endpoint '" + options.endpoint + "' is not a URL",
                                      "use http://HOST:PORT");
  } else {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    char* path = nullptr;
    curl_url_get(url, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(url, CURLUPART_HOST, &host, 0);
    curl_url_get(url, CURLUPART_PORT, &port, 0);
    curl_url_get(url, CURLUPART_PATH, &path, 0);
    std::string scheme_s = scheme ? scheme : "";
    if (scheme_s != "http" && scheme_s != "https") {
      problem = Status::InvalidArgument("endpoint '" + options.endpoint + "' must be http(s)://");
    } else if (path != nullptr && std::string_view(path) != "/" && std::string_view(path) != "") {
      problem = Status::InvalidArgument("endpoint '" + options.endpoint + "' must not have a path",
                                        "give only http://HOST:PORT");
    } else if (host == nullptr) {
      problem = Status::InvalidArgument("endpoint '" + options.endpoint + "' has no host");
    } else {
      authority = std::string(host) + (port ? ":" + std::string(port) : "");
      base_url = scheme_s + "://" + authority;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
  }
  curl_url_cleanup(url);
  if (!problem.ok()) return problem;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  return std::unique_ptr<AwsHttpClient>(
      new AwsHttpClient(std::move(options), curl, std::move(base_url), std::move(authority)));
}

AwsHttpClient::AwsHttpClient(AwsClientOptions options, void* curl, std::string base_url,
                             std::string authority)
    : options_(std::move(options)),
      curl_(curl),
      base_url_(std::move(base_url)),
      authority_(std::move(authority)),
      jitter_(std::random_device{}()) {}

AwsHttpClient::~AwsHttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::chrono::milliseconds AwsHttpClient::Backoff(int failed_attempts) {
  // Exponential, capped, with "equal jitter" (half fixed, half random) so
  // that many clients throttled together do not come back in step.
  int64_t base = options_.retry.initial_backoff.count();
  for (int i = 1; i < failed_attempts && base < options_.retry.max_backoff.count(); ++i) base *= 2;
  base = std::min<int64_t>(base, options_.retry.max_backoff.count());
  if (base <= 1) return std::chrono::milliseconds(base);
  std::uniform_int_distribution<int64_t> random_half(0, base / 2);
  return std::chrono::milliseconds(base - base / 2 + random_half(jitter_));
}

Result<AwsResponse> AwsHttpClient::Send(AwsRequest& request) {
  const int max_attempts = std::max(1, options_.retry.max_attempts);
  for (int number = 1;; ++number) {
    last_error_ = AwsCallError{};
    uint64_t delivered = 0;
    Result<AwsResponse> result = SendOnce(request, &delivered);
    if (result.ok()) result->attempts = number;
    if (number >= max_attempts) return result;
    if (result.ok()) {
      if (!request.idempotent || !options_.retry.retryable_response(*result)) return result;
    } else {
      if (last_error_.kind == AwsCallError::Kind::kLocal) return result;
      // Only a refused connection proves the server saw nothing.
      if (last_error_.kind != AwsCallError::Kind::kConnect && !request.idempotent) return result;
      if (delivered > 0 && !request.sink->Restart()) return result;
    }
    if (request.body != nullptr && !request.body->Rewind()) return result;
    std::this_thread::sleep_for(Backoff(number));
  }
}

Result<AwsResponse> AwsHttpClient::SendOnce(AwsRequest& request, uint64_t* delivered) {
  CURL* curl = static_cast<CURL*>(curl_);
  Transfer transfer;
  transfer.curl = curl;
  transfer.request = &request;
  transfer.body = request.body != nullptr ? request.body : &transfer.no_body;
  curl_easy_reset(curl);  // keeps the connection cache: keep-alive across requests

  SignableRequest signable;
  signable.method = request.method;
  signable.path = request.path;
  signable.query = request.query;
  signable.headers.emplace_back("host", authority_);
  for (const auto& header : request.headers.entries) signable.headers.push_back(header);
  std::string payload_hash = Sha256Hex("");
  if (request.body != nullptr) {
    payload_hash = request.body->PayloadSha256().value_or(kUnsignedPayload);
  }
  SignRequest(signable, options_.credentials, options_.scope, payload_hash,
              std::chrono::system_clock::now());

  CurlHeaderList headers;
  for (const auto& [name, value] : signable.headers) {
    // "Name;" is curl's way of sending a header with an empty value.
    headers.Add(value.empty() ? name + ";" : name + ": " + value);
  }
  uint64_t body_size = request.body != nullptr ? request.body->size() : 0;
  if (body_size < kExpectContinueBytes) headers.Add("Expect:");

  std::string url = base_url_ + request.path;
  if (!request.query.empty()) url += "?" + request.query;
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads are safe
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(options_.idle_timeout.count() / 1000)));
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, options_.buffer_bytes);
  curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, std::min(options_.buffer_bytes, 2L << 20));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (!options_.ca_bundle.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, KeepHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body == nullptr) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.body != nullptr) {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    }
  }
  if (request.body != nullptr || request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, RewindBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
  }

  CURLcode code = curl_easy_perform(curl);
  *delivered = transfer.delivered;
  if (!transfer.local_error.ok()) {
    last_error_.kind = AwsCallError::Kind::kLocal;
    last_error_.message = transfer.local_error.message();
    return transfer.local_error;
  }
  if (code != CURLE_OK) {
    std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    last_error_.message = detail;
    std::string what = request.method + " " + base_url_ + request.path;
    switch (code) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        last_error_.kind = AwsCallError::Kind::kConnect;
        return Status::Unavailable("cannot connect to " + base_url_ + ": " + detail);
      case CURLE_OPERATION_TIMEDOUT:
        if (detail.starts_with("Operation too slow")) {
          last_error_.kind = AwsCallError::Kind::kTimeout;
          return Status::Unavailable(what + ": no data moved for " +
                                     std::to_string(options_.idle_timeout.count() / 1000) + " s");
        }
        last_error_.kind = AwsCallError::Kind::kConnect;
        return Status::Unavailable("cannot connect to " + base_url_ + ": " + detail);
      case CURLE_SEND_FAIL_REWIND:
        last_error_.kind = AwsCallError::Kind::kLocal;
        return Status::Unavailable(what + ": the connection broke and the body cannot be resent");
      default:
        last_error_.kind = AwsCallError::Kind::kTransport;
        return Status::Unavailable(what + ": " + detail);
    }
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace invtrack
