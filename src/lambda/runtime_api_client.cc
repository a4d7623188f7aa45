#include "lambda/runtime_api_client.h"

#include <charconv>
#include <mutex>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

namespace invtrack {

namespace {

constexpr char kApiVersion[] = "/2018-06-01/runtime";
// Error and response bodies Lambda rejects beyond 6 MB; keep answers small.
constexpr size_t kMaxAnswerBytes = 7 << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct RuntimeApiClient::Answer {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (SameName(key, name)) return value;
    }
    return "";
  }
};

namespace {

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > kMaxAnswerBytes) return 0;  // aborts
  body->append(data, size * count);
  return size * count;
}

}  // namespace

std::string LambdaErrorJson(const LambdaError& error) {
  nlohmann::json body{{"errorMessage", error.message},
                      {"errorType", error.type},
                      {"stackTrace", nlohmann::json::array()}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<RuntimeApiClient>> RuntimeApiClient::Create(std::string runtime_api) {
  if (runtime_api.empty() || runtime_api.find('/') != std::string::npos) {
    return Status::InvalidArgument("AWS_LAMBDA_RUNTIME_API must be host:port, got '" + runtime_api +
                                   "'");
  }
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  return std::unique_ptr<RuntimeApiClient>(
      new RuntimeApiClient(curl, "http://" + runtime_api + kApiVersion));
}

RuntimeApiClient::~RuntimeApiClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<RuntimeApiClient::Answer> RuntimeApiClient::Perform(std::string_view method,
                                                           const std::string& path,
                                                           std::string_view body,
                                                           std::string_view error_type) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  Answer answer;
  std::string url = base_url_ + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Content-Type: application/json");
  std::string type_header;
  if (!error_type.empty()) {
    type_header = "Lambda-Runtime-Function-Error-Type: " + std::string(error_type);
    headers = curl_slist_append(headers, type_header.c_str());
  }
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // the API is local to the sandbox
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer.headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return Status::Unavailable(std::string(method) + " " + url + ": " +
                               (error_text[0] ? error_text : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

Result<LambdaInvocation> RuntimeApiClient::Next() {
  Result<Answer> answer = Perform("GET", "/invocation/next", "", "");
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return Status::Unavailable("GET /invocation/next answered HTTP " +
                               std::to_string(answer->status) + ": " + answer->body.substr(0, 200));
  }
  LambdaInvocation invocation;
  invocation.request_id = answer->Header("Lambda-Runtime-Aws-Request-Id");
  if (invocation.request_id.empty()) {
    return Status::Corruption("the next invocation has no Lambda-Runtime-Aws-Request-Id");
  }
  std::string deadline = answer->Header("Lambda-Runtime-Deadline-Ms");
  auto parsed =
      std::from_chars(deadline.data(), deadline.data() + deadline.size(), invocation.deadline_ms);
  if (parsed.ec != std::errc() || parsed.ptr != deadline.data() + deadline.size()) {
    invocation.deadline_ms = 0;  // unknown: treated as "no deadline" by the loop
  }
  invocation.function_arn = answer->Header("Lambda-Runtime-Invoked-Function-Arn");
  invocation.trace_id = answer->Header("Lambda-Runtime-Trace-Id");
  invocation.payload = std::move(answer->body);
  return invocation;
}

Status RuntimeApiClient::Post(const std::string& path, std::string_view body,
                              std::string_view error_type) {
  Result<Answer> answer = Perform("POST", path, body, error_type);
  if (!answer.ok()) return answer.status();
  if (answer->status < 200 || answer->status >= 300) {
    return Status::Unavailable("POST " + path + " answered HTTP " + std::to_string(answer->status) +
                               ": " + answer->body.substr(0, 200));
  }
  return Status::OK();
}

Status RuntimeApiClient::PostResponse(std::string_view request_id, std::string_view body) {
  return Post("/invocation/" + std::string(request_id) + "/response", body, "");
}

Status RuntimeApiClient::PostError(std::string_view request_id, const LambdaError& error) {
  return Post("/invocation/" + std::string(request_id) + "/error", LambdaErrorJson(error),
              error.type);
}

Status RuntimeApiClient::PostInitError(const LambdaError& error) {
  return Post("/init/error", LambdaErrorJson(error), error.type);
}

}  // namespace invtrack
