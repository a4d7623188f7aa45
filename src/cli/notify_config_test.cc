#include "cli/notify_config.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace invtrack {
namespace {

toml::table Parse(std::string_view text) { return toml::parse(text); }

Status ApplyText(std::string_view text, NotifySettings* settings) {
  return ApplyNotifyTable(Parse(text), settings);
}

void ExpectRefused(const Status& status, std::string_view needle) {
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_NE(status.message().find(needle), std::string::npos)
      << "\"" << status.message() << "\" does not mention \"" << needle << "\"";
}

std::function<const char*(const char*)> Env(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(NotifyConfigTest, DefaultsWhenTablesAreAbsent) {
  NotifySettings settings;
  ASSERT_TRUE(ApplyText("log_level = 'info'\n", &settings).ok());
  EXPECT_FALSE(settings.smtp.configured());
  EXPECT_FALSE(settings.sms.configured());
  EXPECT_EQ(settings.sms.max_length, 160u);
  EXPECT_FALSE(settings.webhook.allow_internal);
  EXPECT_TRUE(ValidateNotifySettings(settings).ok());
}

TEST(NotifyConfigTest, ReadsEveryTable) {
  NotifySettings settings;
  Status status = ApplyText(R"(
[smtp]
host = "mail.example.com"
port = 587
tls = "starttls"
user = "alerts"
password = "pw"
from = "Inventory <alerts@example.com>"
timeout_ms = 15000
connect_timeout_ms = 4000
ca_file = "/etc/ssl/private-ca.pem"

[sms]
url = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
method = "POST"
format = "form"
body = "To={to}&From=%2B15005550006&Body={message}"
auth_header = "Authorization: Basic QUMxMjM6c2VjcmV0"
timeout_ms = 8000
max_length = 140

[webhook]
timeout_ms = 2500
connect_timeout_ms = 1000
allow_internal = true
)",
                            &settings);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(settings.smtp.host, "mail.example.com");
  EXPECT_EQ(settings.smtp.port, 587);
  EXPECT_EQ(settings.smtp.tls, SmtpTls::kStartTls);
  EXPECT_EQ(settings.smtp.user, "alerts");
  EXPECT_EQ(settings.smtp.password, "pw");
  EXPECT_EQ(settings.smtp.from, "Inventory <alerts@example.com>");
  EXPECT_EQ(settings.smtp.timeout_ms, 15000);
  EXPECT_EQ(settings.smtp.connect_timeout_ms, 4000);
  EXPECT_EQ(settings.smtp.ca_file, "/etc/ssl/private-ca.pem");
  EXPECT_EQ(settings.sms.method, SmsMethod::kPost);
  EXPECT_EQ(settings.sms.format, SmsBodyFormat::kForm);
  EXPECT_EQ(settings.sms.body, "To={to}&From=%2B15005550006&Body={message}");
  EXPECT_EQ(settings.sms.auth_header, "Authorization: Basic QUMxMjM6c2VjcmV0");
  EXPECT_EQ(settings.sms.timeout_ms, 8000);
  EXPECT_EQ(settings.sms.max_length, 140u);
  EXPECT_EQ(settings.webhook.timeout_ms, 2500);
  EXPECT_EQ(settings.webhook.connect_timeout_ms, 1000);
  EXPECT_TRUE(settings.webhook.allow_internal);
  Status valid = ValidateNotifySettings(settings);
  EXPECT_TRUE(valid.ok()) << valid.ToString();
}

TEST(NotifyConfigTest, EachBadFileValueIsNamed) {
  struct Case {
    const char* toml;
    const char* needle;
  } cases[] = {
      {"[smtp]\nport = 0\n", "smtp.port must be a whole number from 1 to 65535"},
      {"[smtp]\nport = 70000\n", "smtp.port"},
      {"[smtp]\nport = '25'\n", "smtp.port"},
      {"[smtp]\ntls = 'ssl'\n", "smtp.tls must be none, starttls or implicit"},
      {"[smtp]\nhost = 25\n", "smtp.host must be a string"},
      {"[smtp]\ntimeout_ms = 5\n", "smtp.timeout_ms"},
      {"[smtp]\nhots = 'x'\n", "smtp.hots is not a known setting"},
      {"[sms]\nmethod = 'PUT'\n", "sms.method must be POST or GET"},
      {"[sms]\nformat = 'xml'\n", "sms.format must be form or json"},
      {"[sms]\nmax_length = 1\n", "sms.max_length"},
      {"[sms]\nmax_length = 5000\n", "sms.max_length"},
      {"[sms]\nuri = 'x'\n", "sms.uri is not a known setting"},
      {"[webhook]\nallow_internal = 'yes'\n", "webhook.allow_internal must be true or false"},
      {"[webhook]\ntimeout_ms = 0\n", "webhook.timeout_ms"},
      {"[webhook]\nsecret = 'x'\n", "webhook.secret is not a known setting"},
  };
  for (const Case& c : cases) {
    NotifySettings settings;
    ExpectRefused(ApplyText(c.toml, &settings), c.needle);
  }
}

TEST(NotifyConfigTest, EnvironmentOverridesTheFile) {
  NotifySettings settings;
  ASSERT_TRUE(ApplyText("[smtp]\nhost = 'file.example.com'\nport = 25\n", &settings).ok());
  Status status = ApplyNotifyEnvironment(Env({
                                             {"INVTRACK_SMTP_HOST", "127.0.0.1"},
                                             {"INVTRACK_SMTP_PORT", "2525"},
                                             {"INVTRACK_SMTP_TLS", "implicit"},
                                             {"INVTRACK_SMTP_USER", "u"},
                                             {"INVTRACK_SMTP_PASSWORD", "p"},
                                             {"INVTRACK_SMTP_FROM", "inv@example.com"},
                                             {"INVTRACK_SMTP_TIMEOUT_MS", "9000"},
                                             {"INVTRACK_SMS_URL", "http://gw.example/send"},
                                             {"INVTRACK_SMS_METHOD", "GET"},
                                             {"INVTRACK_SMS_FORMAT", "json"},
                                             {"INVTRACK_SMS_BODY", "{}"},
                                             {"INVTRACK_SMS_AUTH_HEADER", "X-Key: k"},
                                             {"INVTRACK_SMS_MAX_LENGTH", "70"},
                                             {"INVTRACK_WEBHOOK_TIMEOUT_MS", "1500"},
                                             {"INVTRACK_WEBHOOK_ALLOW_INTERNAL", "1"},
                                         }),
                                         &settings);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(settings.smtp.host, "127.0.0.1");
  EXPECT_EQ(settings.smtp.port, 2525);
  EXPECT_EQ(settings.smtp.tls, SmtpTls::kImplicit);
  EXPECT_EQ(settings.smtp.user, "u");
  EXPECT_EQ(settings.smtp.password, "p");
  EXPECT_EQ(settings.smtp.from, "inv@example.com");
  EXPECT_EQ(settings.smtp.timeout_ms, 9000);
  EXPECT_EQ(settings.sms.url, "http://gw.example/send");
  EXPECT_EQ(settings.sms.method, SmsMethod::kGet);
  EXPECT_EQ(settings.sms.format, SmsBodyFormat::kJson);
  EXPECT_EQ(settings.sms.auth_header, "X-Key: k");
  EXPECT_EQ(settings.sms.max_length, 70u);
  EXPECT_EQ(settings.webhook.timeout_ms, 1500);
  EXPECT_TRUE(settings.webhook.allow_internal);
}

TEST(NotifyConfigTest, EachBadVariableIsNamed) {
  struct Case {
    const char* name;
    const char* value;
  } cases[] = {
      {"INVTRACK_SMTP_PORT", "smtp"},
      {"INVTRACK_SMTP_PORT", "0"},
      {"INVTRACK_SMTP_PORT", "25x"},
      {"INVTRACK_SMTP_TLS", "yes"},
      {"INVTRACK_SMTP_TIMEOUT_MS", "-1"},
      {"INVTRACK_SMS_METHOD", "DELETE"},
      {"INVTRACK_SMS_FORMAT", "yaml"},
      {"INVTRACK_SMS_MAX_LENGTH", "9"},
      {"INVTRACK_WEBHOOK_TIMEOUT_MS", ""},
      {"INVTRACK_WEBHOOK_ALLOW_INTERNAL", "maybe"},
      {"INVTRACK_SMS_TIMEOUT_MS", "999999999"},
  };
  for (const Case& c : cases) {
    NotifySettings settings;
    Status status = ApplyNotifyEnvironment(Env({{c.name, c.value}}), &settings);
    ExpectRefused(status, c.name);
    EXPECT_NE(status.message().find(std::string("'") + c.value + "'"), std::string::npos)
        << status.message();
  }
}

TEST(NotifyConfigTest, ValidationChecksTheSettingsAsAWhole) {
  auto refused = [](std::string_view toml, std::string_view needle) {
    NotifySettings settings;
    Status applied = ApplyText(toml, &settings);
    ASSERT_TRUE(applied.ok()) << applied.ToString();
    ExpectRefused(ValidateNotifySettings(settings), needle);
  };
  refused("[smtp]\nhost = 'mail.example.com'\nfrom = 'nobody'\n", "smtp.from");
  refused("[smtp]\nhost = 'mail.example.com'\nfrom = 'A <a@b.c>\\r\\nBcc: x@y.z'\n", "smtp.from");
  refused("[smtp]\nhost = 'mail example.com'\n", "smtp.host");
  refused("[smtp]\nhost = 'mail.example.com'\npassword = 'pw'\n", "smtp.user is not");
  refused("[sms]\nurl = 'gw.example/send'\n", "sms.url");
  refused("[sms]\nurl = 'ftp://gw.example/send'\n", "sms.url");
  refused("[sms]\nurl = 'https://gw.example/send'\nbody = 'to={to}'\n", "{message}");
  refused("[sms]\nurl = 'https://gw.example/send?to={to}'\nmethod = 'GET'\n", "GET request");
  refused(
      "[sms]\nurl = 'https://gw.example/send'\nformat = 'json'\nbody = "
      "'{\"to\":{to},\"m\":\"{message}\"}'\n",
      "not valid JSON");
  refused("[sms]\nurl = 'https://gw.example/send'\nauth_header = 'Basic abc'\n", "auth_header");
  refused("[sms]\nurl = 'https://gw.example/send'\nauth_header = \"A: b\\r\\nX-Evil: 1\"\n",
          "auth_header");

  NotifySettings good;
  ASSERT_TRUE(ApplyText("[sms]\nurl = 'https://gw.example/send?to={to}&text={message}'\n"
                        "method = 'GET'\n",
                        &good)
                  .ok());
  EXPECT_TRUE(ValidateNotifySettings(good).ok());
  NotifySettings json;
  ASSERT_TRUE(ApplyText("[sms]\nurl = 'https://gw.example/send'\nformat = 'json'\n", &json).ok());
  EXPECT_TRUE(ValidateNotifySettings(json).ok()) << ValidateNotifySettings(json).ToString();
}

}  // namespace
}  // namespace invtrack
