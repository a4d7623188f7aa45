#include "notify/smtp_sender.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <utility>

#include <curl/curl.h>
#include <unistd.h>

#include "notify/address_validation.h"
#include "notify/mime_message.h"

namespace invtrack {

namespace {

int64_t SystemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void InitCurlOnce() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK; }();
  (void)initialized;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The name this host greets the server with (EHLO); curl takes it from
// the URL's path.
std::string EhloName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  std::string out;
  for (const char* c = name; *c != '\0'; ++c) {
    if (std::isalnum(static_cast<unsigned char>(*c)) || *c == '-' || *c == '.') out += *c;
  }
  return out.empty() ? "localhost" : out;
}

struct MessageReader {
  std::string_view rest;
};

size_t ReadMessage(char* out, size_t size, size_t count, void* state) {
  auto* reader = static_cast<MessageReader*>(state);
  size_t n = std::min(size * count, reader->rest.size());
  std::copy_n(reader->rest.data(), n, out);
  reader->rest.remove_prefix(n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

SendResult Classify(CURLcode code, long reply, const char* error_text, const std::string& server) {
  std::string what = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
  if (code == CURLE_OK) return {SendOutcome::kSent, "accepted by " + server};
  std::string detail = server + ": " + what;
  if (reply >= 500) {
    return {SendOutcome::kPermanent, "SMTP " + std::to_string(reply) + " from " + detail};
  }
  if (reply >= 400)
    return {SendOutcome::kRetry, "SMTP " + std::to_string(reply) + " from " + detail};
  switch (code) {
    case CURLE_USE_SSL_FAILED:
      return {SendOutcome::kPermanent, "STARTTLS refused by " + detail};
    case CURLE_LOGIN_DENIED:
      return {SendOutcome::kPermanent, "login refused by " + detail};
    case CURLE_PEER_FAILED_VERIFICATION:
      return {SendOutcome::kPermanent, "TLS certificate not trusted for " + detail};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {SendOutcome::kPermanent, "bad SMTP settings for " + detail};
    default:
      // Refused, timed out, reset: the server may be back later.
      return {SendOutcome::kRetry, "cannot deliver to " + detail};
  }
}

}  // namespace

Mailbox ParseMailbox(std::string_view text) {
  text = TrimSpaces(text);
  size_t open = text.rfind('<');
  if (open == std::string_view::npos || text.back() != '>') return {"", std::string(text)};
  std::string_view name = TrimSpaces(text.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return {std::string(name), std::string(text.substr(open + 1, text.size() - open - 2))};
}

SmtpSender::SmtpSender(SmtpSettings settings, std::function<int64_t()> now_ms)
    : settings_(std::move(settings)),
      from_(ParseMailbox(settings_.from)),
      now_ms_(now_ms ? std::move(now_ms) : SystemMillis) {
  InitCurlOnce();
}

std::string SmtpSender::Url() const {
  std::string host = settings_.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return std::string(settings_.tls == SmtpTls::kImplicit ? "smtps://" : "smtp://") + host + ":" +
         std::to_string(settings_.effective_port()) + "/" + EhloName();
}

SendResult SmtpSender::Send(const Subscription& subscription, const Notification& notification) {
  if (!settings_.configured()) {
    return {SendOutcome::kPermanent,
            "no SMTP server is configured ([smtp] host or "
            "INVTRACK_SMTP_HOST)"};
  }
  if (Status valid = ValidateEmailAddress(subscription.address); !valid.ok()) {
    return {SendOutcome::kPermanent, valid.message()};
  }
  if (Status valid = ValidateEmailAddress(from_.address); !valid.ok()) {
    return {SendOutcome::kPermanent, "sender (smtp from): " + valid.message()};
  }
  MailContent mail;
  mail.from_name = from_.name;
  mail.from_address = from_.address;
  mail.to_address = subscription.address;
  mail.subject = notification.subject;
  mail.text = notification.text;
  mail.html = notification.html;
  mail.message_id = notification.id;
  mail.date_ms = notification.created_ms > 0 ? notification.created_ms : now_ms_();
  std::string message = BuildMimeMessage(mail);

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {SendOutcome::kRetry, "out of memory for an SMTP session"};
  std::unique_ptr<curl_slist, SlistDeleter> recipients(
      curl_slist_append(nullptr, ("<" + subscription.address + ">").c_str()));
  if (!recipients) return {SendOutcome::kRetry, "out of memory for an SMTP session"};
  std::string url = Url();
  std::string mail_from = "<" + from_.address + ">";
  MessageReader reader{message};
  char error_text[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
  if (settings_.tls == SmtpTls::kStartTls)
    curl_easy_setopt(handle, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!settings_.ca_file.empty())
    curl_easy_setopt(handle, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.user.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(handle, CURLOPT_READDATA, &reader);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

  CURLcode code = curl_easy_perform(handle);
  long reply = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply);
  std::string server = settings_.host + ":" + std::to_string(settings_.effective_port());
  return Classify(code, reply, error_text, server);
}

}  // namespace invtrack
