#include "cli/notify_config.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "notify/address_validation.h"
#include "notify/sms_template.h"
#include "notify/smtp_sender.h"

namespace invtrack {

namespace {

constexpr int64_t kMinTimeoutMs = 100;
constexpr int64_t kMaxTimeoutMs = 600'000;
constexpr int64_t kMaxSmsLength = 1600;  // ten concatenated segments

const char* const kSmtpKeys[] = {"host",    "port",       "tls",
                                 "user",    "password",   "from",
                                 "ca_file", "timeout_ms", "connect_timeout_ms"};
const char* const kSmsKeys[] = {
    "url",       "method", "format", "body", "auth_header", "timeout_ms", "connect_timeout_ms",
    "max_length"};
const char* const kWebhookKeys[] = {"timeout_ms", "connect_timeout_ms", "allow_internal"};

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string RangeMessage(std::string_view name, int64_t min, int64_t max) {
  return std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
         std::to_string(max);
}

// Reads the typed values of one table, naming "table.key" in errors.
class TableReader {
 public:
  TableReader(const toml::table& root, std::string_view name)
      : name_(name), table_(root[name].as_table()) {}

  bool present() const { return table_ != nullptr; }

  Status CheckKnownKeys(const char* const* begin, const char* const* end) const {
    if (table_ == nullptr) return Status::OK();
    for (const auto& [key, node] : *table_) {
      bool known = false;
      for (const char* const* k = begin; k != end; ++k) known = known || key.str() == *k;
      if (!known) {
        return Status::InvalidArgument(name_ + "." + std::string(key.str()) +
                                       " is not a known setting");
      }
    }
    return Status::OK();
  }

  Status String(std::string_view key, std::string* out) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::OK();
    if (!node->is_string()) return Status::InvalidArgument(Name(key) + " must be a string");
    *out = *node->value<std::string>();
    return Status::OK();
  }

  Status Int(std::string_view key, int64_t min, int64_t max, int64_t* out) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::OK();
    std::optional<int64_t> value = node->value<int64_t>();
    if (!node->is_integer() || !value || *value < min || *value > max) {
      return Status::InvalidArgument(RangeMessage(Name(key), min, max));
    }
    *out = *value;
    return Status::OK();
  }

  Status Bool(std::string_view key, bool* out) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::OK();
    if (!node->is_boolean()) return Status::InvalidArgument(Name(key) + " must be true or false");
    *out = *node->value<bool>();
    return Status::OK();
  }

  std::string Name(std::string_view key) const { return name_ + "." + std::string(key); }

 private:
  const toml::node* Find(std::string_view key) const {
    return table_ == nullptr ? nullptr : table_->get(key);
  }

  std::string name_;
  const toml::table* table_;
};

Status SetTls(std::string_view name, std::string_view text, SmtpSettings* smtp) {
  std::optional<SmtpTls> tls = ParseSmtpTls(text);
  if (!tls) {
    return Status::InvalidArgument(std::string(name) + " must be none, starttls or implicit",
                                   "got '" + std::string(text) + "'");
  }
  smtp->tls = *tls;
  return Status::OK();
}

Status SetMethod(std::string_view name, std::string_view text, SmsGatewaySettings* sms) {
  std::optional<SmsMethod> method = ParseSmsMethod(text);
  if (!method) {
    return Status::InvalidArgument(std::string(name) + " must be POST or GET",
                                   "got '" + std::string(text) + "'");
  }
  sms->method = *method;
  return Status::OK();
}

Status SetFormat(std::string_view name, std::string_view text, SmsGatewaySettings* sms) {
  std::optional<SmsBodyFormat> format = ParseSmsBodyFormat(text);
  if (!format) {
    return Status::InvalidArgument(std::string(name) + " must be form or json",
                                   "got '" + std::string(text) + "'");
  }
  sms->format = *format;
  return Status::OK();
}

Status ApplySmtpTable(const toml::table& root, SmtpSettings* smtp) {
  TableReader t(root, "smtp");
  INVTRACK_RETURN_IF_ERROR(t.CheckKnownKeys(std::begin(kSmtpKeys), std::end(kSmtpKeys)));
  INVTRACK_RETURN_IF_ERROR(t.String("host", &smtp->host));
  int64_t port = smtp->port;
  INVTRACK_RETURN_IF_ERROR(t.Int("port", 1, 65535, &port));
  smtp->port = static_cast<uint16_t>(port);
  std::string tls(SmtpTlsName(smtp->tls));
  INVTRACK_RETURN_IF_ERROR(t.String("tls", &tls));
  INVTRACK_RETURN_IF_ERROR(SetTls("smtp.tls", tls, smtp));
  INVTRACK_RETURN_IF_ERROR(t.String("user", &smtp->user));
  INVTRACK_RETURN_IF_ERROR(t.String("password", &smtp->password));
  INVTRACK_RETURN_IF_ERROR(t.String("from", &smtp->from));
  INVTRACK_RETURN_IF_ERROR(t.String("ca_file", &smtp->ca_file));
  INVTRACK_RETURN_IF_ERROR(t.Int("timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &smtp->timeout_ms));
  return t.Int("connect_timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &smtp->connect_timeout_ms);
}

Status ApplySmsTable(const toml::table& root, SmsGatewaySettings* sms) {
  TableReader t(root, "sms");
  INVTRACK_RETURN_IF_ERROR(t.CheckKnownKeys(std::begin(kSmsKeys), std::end(kSmsKeys)));
  INVTRACK_RETURN_IF_ERROR(t.String("url", &sms->url));
  std::string method = sms->method == SmsMethod::kGet ? "GET" : "POST";
  INVTRACK_RETURN_IF_ERROR(t.String("method", &method));
  INVTRACK_RETURN_IF_ERROR(SetMethod("sms.method", method, sms));
  std::string format = sms->format == SmsBodyFormat::kJson ? "json" : "form";
  INVTRACK_RETURN_IF_ERROR(t.String("format", &format));
  INVTRACK_RETURN_IF_ERROR(SetFormat("sms.format", format, sms));
  INVTRACK_RETURN_IF_ERROR(t.String("body", &sms->body));
  INVTRACK_RETURN_IF_ERROR(t.String("auth_header", &sms->auth_header));
  INVTRACK_RETURN_IF_ERROR(t.Int("timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &sms->timeout_ms));
  INVTRACK_RETURN_IF_ERROR(
      t.Int("connect_timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &sms->connect_timeout_ms));
  int64_t max_length = static_cast<int64_t>(sms->max_length);
  INVTRACK_RETURN_IF_ERROR(t.Int("max_length", 10, kMaxSmsLength, &max_length));
  sms->max_length = static_cast<size_t>(max_length);
  return Status::OK();
}

Status ApplyWebhookTable(const toml::table& root, WebhookSettings* webhook) {
  TableReader t(root, "webhook");
  INVTRACK_RETURN_IF_ERROR(t.CheckKnownKeys(std::begin(kWebhookKeys), std::end(kWebhookKeys)));
  INVTRACK_RETURN_IF_ERROR(t.Int("timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &webhook->timeout_ms));
  INVTRACK_RETURN_IF_ERROR(
      t.Int("connect_timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, &webhook->connect_timeout_ms));
  return t.Bool("allow_internal", &webhook->allow_internal);
}

bool HasLineBreakOrControl(std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return true;
  }
  return false;
}

Status ValidateAuthHeader(std::string_view header) {
  size_t colon = header.find(':');
  bool name_ok = colon != std::string_view::npos && colon > 0;
  for (size_t i = 0; name_ok && i < colon; ++i) {
    char c = header[i];
    name_ok = std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  }
  if (!name_ok || HasLineBreakOrControl(header)) {
    return Status::InvalidArgument(
        "sms.auth_header must be one header line \"Name: value\", e.g. "
        "\"Authorization: Basic QUM6c2VjcmV0\"");
  }
  return Status::OK();
}

Status ValidateSms(const SmsGatewaySettings& sms) {
  // A sample rendering shows whether the templates make a usable request.
  constexpr std::string_view kSampleTo = "+4915112345678";
  constexpr std::string_view kSampleMessage = "Berlin is out of stock of \"Widget\" & more";
  std::string url =
      RenderSmsTemplate(sms.url, kSampleTo, kSampleMessage, TemplateEscaping::kPercent);
  if (Status valid = ValidateWebhookUrl(url); !valid.ok()) {
    return Status::InvalidArgument("sms.url is not a usable http(s) URL", valid.message());
  }
  bool post = sms.method == SmsMethod::kPost;
  std::string_view body = post ? sms.effective_body() : std::string_view();
  auto uses = [&](std::string_view placeholder) {
    return sms.url.find(placeholder) != std::string::npos ||
           body.find(placeholder) != std::string_view::npos;
  };
  if (!uses("{to}") || !uses("{message}")) {
    return Status::InvalidArgument(
        post ? "sms.url or sms.body must contain {to} and {message}"
             : "sms.url must contain {to} and {message} (a GET request has no body)");
  }
  if (post && sms.format == SmsBodyFormat::kJson) {
    std::string rendered =
        RenderSmsTemplate(body, kSampleTo, kSampleMessage, TemplateEscaping::kJson);
    if (!nlohmann::json::accept(rendered)) {
      return Status::InvalidArgument(
          "sms.body is not valid JSON once {to} and {message} are filled in (put them inside "
          "quotes: \"{message}\")",
          rendered);
    }
  }
  if (!sms.auth_header.empty()) INVTRACK_RETURN_IF_ERROR(ValidateAuthHeader(sms.auth_header));
  return Status::OK();
}

Status ValidateSmtp(const SmtpSettings& smtp) {
  if (HasLineBreakOrControl(smtp.host) || smtp.host.find_first_of(" /@?#") != std::string::npos) {
    return Status::InvalidArgument("smtp.host must be a host name or IP address",
                                   "got '" + smtp.host + "'");
  }
  Mailbox from = ParseMailbox(smtp.from);
  if (HasLineBreakOrControl(smtp.from)) {
    return Status::InvalidArgument("smtp.from must be one line");
  }
  if (Status valid = ValidateEmailAddress(from.address); !valid.ok()) {
    return Status::InvalidArgument("smtp.from must be an address or \"Name <address>\"",
                                   valid.message());
  }
  if (!smtp.password.empty() && smtp.user.empty()) {
    return Status::InvalidArgument("smtp.password is set but smtp.user is not");
  }
  if (HasLineBreakOrControl(smtp.user) || HasLineBreakOrControl(smtp.password)) {
    return Status::InvalidArgument("smtp.user and smtp.password must not hold control characters");
  }
  return Status::OK();
}

}  // namespace

Status ApplyNotifyTable(const toml::table& table, NotifySettings* settings) {
  INVTRACK_RETURN_IF_ERROR(ApplySmtpTable(table, &settings->smtp));
  INVTRACK_RETURN_IF_ERROR(ApplySmsTable(table, &settings->sms));
  return ApplyWebhookTable(table, &settings->webhook);
}

Status ApplyNotifyEnvironment(const std::function<const char*(const char*)>& getenv,
                              NotifySettings* settings) {
  SmtpSettings& smtp = settings->smtp;
  SmsGatewaySettings& sms = settings->sms;
  WebhookSettings& webhook = settings->webhook;
  struct StringVariable {
    const char* name;
    std::string* out;
  } strings[] = {
      {"INVTRACK_SMTP_HOST", &smtp.host},         {"INVTRACK_SMTP_USER", &smtp.user},
      {"INVTRACK_SMTP_PASSWORD", &smtp.password}, {"INVTRACK_SMTP_FROM", &smtp.from},
      {"INVTRACK_SMTP_CA_FILE", &smtp.ca_file},   {"INVTRACK_SMS_URL", &sms.url},
      {"INVTRACK_SMS_BODY", &sms.body},           {"INVTRACK_SMS_AUTH_HEADER", &sms.auth_header},
  };
  for (const StringVariable& var : strings) {
    if (const char* v = getenv(var.name)) *var.out = v;
  }
  if (const char* v = getenv("INVTRACK_SMTP_TLS")) {
    INVTRACK_RETURN_IF_ERROR(SetTls("INVTRACK_SMTP_TLS", v, &smtp));
  }
  if (const char* v = getenv("INVTRACK_SMS_METHOD")) {
    INVTRACK_RETURN_IF_ERROR(SetMethod("INVTRACK_SMS_METHOD", v, &sms));
  }
  if (const char* v = getenv("INVTRACK_SMS_FORMAT")) {
    INVTRACK_RETURN_IF_ERROR(SetFormat("INVTRACK_SMS_FORMAT", v, &sms));
  }
  if (const char* v = getenv("INVTRACK_WEBHOOK_ALLOW_INTERNAL")) {
    std::string_view text = v;
    if (text == "true" || text == "1") {
      webhook.allow_internal = true;
    } else if (text == "false" || text == "0") {
      webhook.allow_internal = false;
    } else {
      return Status::InvalidArgument("INVTRACK_WEBHOOK_ALLOW_INTERNAL must be true or false",
                                     "got '" + std::string(text) + "'");
    }
  }
  struct IntVariable {
    const char* name;
    int64_t min;
    int64_t max;
    std::function<void(int64_t)> set;
  } ints[] = {
      {"INVTRACK_SMTP_PORT", 1, 65535, [&](int64_t v) { smtp.port = static_cast<uint16_t>(v); }},
      {"INVTRACK_SMTP_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { smtp.timeout_ms = v; }},
      {"INVTRACK_SMTP_CONNECT_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { smtp.connect_timeout_ms = v; }},
      {"INVTRACK_SMS_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { sms.timeout_ms = v; }},
      {"INVTRACK_SMS_CONNECT_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { sms.connect_timeout_ms = v; }},
      {"INVTRACK_SMS_MAX_LENGTH", 10, kMaxSmsLength,
       [&](int64_t v) { sms.max_length = static_cast<size_t>(v); }},
      {"INVTRACK_WEBHOOK_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { webhook.timeout_ms = v; }},
      {"INVTRACK_WEBHOOK_CONNECT_TIMEOUT_MS", kMinTimeoutMs, kMaxTimeoutMs,
       [&](int64_t v) { webhook.connect_timeout_ms = v; }},
  };
  for (const IntVariable& var : ints) {
    const char* text = getenv(var.name);
    if (text == nullptr) continue;
    std::optional<int64_t> value = ParseInt(text);
    if (!value || *value < var.min || *value > var.max) {
      return Status::InvalidArgument(RangeMessage(var.name, var.min, var.max),
                                     std::string("got '") + text + "'");
    }
    var.set(*value);
  }
  return Status::OK();
}

Status ValidateNotifySettings(const NotifySettings& settings) {
  if (settings.smtp.configured()) INVTRACK_RETURN_IF_ERROR(ValidateSmtp(settings.smtp));
  if (settings.sms.configured()) INVTRACK_RETURN_IF_ERROR(ValidateSms(settings.sms));
  return Status::OK();
}

}  // namespace invtrack
