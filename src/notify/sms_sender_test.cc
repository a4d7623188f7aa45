#include "notify/sms_sender.h"

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/url_codec.h"
#include "notify/http_receiver_test_util.h"
#include "notify/sms_template.h"

namespace invtrack {
namespace {

using testing::RecordingReceiver;

constexpr const char* kPhone = "+4915112345678";

Notification Alert(std::string text = "Berlin is out of stock of Widget & Co\n") {
  Notification n;
  n.id = "a1-OUT.s4";
  n.subject = "Inventory Alert!";
  n.text = std::move(text);
  n.json = "{}";
  return n;
}

Subscription SmsTo(std::string number) {
  Subscription s;
  s.channel = Channel::kSms;
  s.address = std::move(number);
  return s;
}

// Decodes "a=1&b=2" the way a form-handling gateway does.
std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    size_t eq = pair.find('=');
    Result<std::string> key = FormUrlDecode(pair.substr(0, eq));
    Result<std::string> value =
        FormUrlDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    EXPECT_TRUE(key.ok() && value.ok()) << pair;
    if (key.ok() && value.ok()) fields[*key] = *value;
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return fields;
}

// The first documented example: a Twilio-style form POST with basic auth.
TEST(SmsSenderTest, TwilioStyleFormPostWithBasicAuth) {
  RecordingReceiver gateway;
  gateway.AnswerWith(201);
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/2010-04-01/Accounts/AC123/Messages.json");
  settings.format = SmsBodyFormat::kForm;
  settings.body = "To={to}&From=%2B15005550006&Body={message}";
  settings.auth_header = "Authorization: Basic QUMxMjM6c2VjcmV0";  // AC123:secret
  SmsSender sender(settings);
  SendResult result = sender.Send(SmsTo(kPhone), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.detail;

  auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ(requests[0].Header("Content-Type").value_or(""), "application/x-www-form-urlencoded");
  EXPECT_EQ(requests[0].Header("Authorization").value_or(""), "Basic QUMxMjM6c2VjcmV0");
  auto form = ParseForm(requests[0].body);
  EXPECT_EQ(form["To"], kPhone);  // '+' survived as %2B
  EXPECT_EQ(form["From"], "+15005550006");
  EXPECT_EQ(form["Body"], "Berlin is out of stock of Widget & Co");
  EXPECT_EQ(form.size(), 3u);  // the '&' in the text did not add a field
}

// The second documented example: a JSON gateway with a bearer token.
TEST(SmsSenderTest, JsonGateway) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/v1/sms");
  settings.format = SmsBodyFormat::kJson;
  settings.body = R"({"recipient":"{to}","text":"{message}","sender":"invtrack"})";
  settings.auth_header = "Authorization: Bearer tok_123";
  SmsSender sender(settings);
  std::string text = "Pusan: \"K\xC3\xA4se\" out\\of stock\n";
  EXPECT_EQ(sender.Send(SmsTo(kPhone), Alert(text)).outcome, SendOutcome::kSent);
  auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(requests[0].Header("Authorization").value_or(""), "Bearer tok_123");
  nlohmann::json body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["recipient"], kPhone);
  EXPECT_EQ(body["text"], "Pusan: \"K\xC3\xA4se\" out\\of stock");
  EXPECT_EQ(body["sender"], "invtrack");
}

TEST(SmsSenderTest, DefaultJsonBody) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/send");
  settings.format = SmsBodyFormat::kJson;
  SmsSender sender(settings);
  EXPECT_EQ(sender.Send(SmsTo(kPhone), Alert()).outcome, SendOutcome::kSent);
  auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  nlohmann::json body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body,
            nlohmann::json({{"to", kPhone}, {"message", "Berlin is out of stock of Widget & Co"}}));
}

TEST(SmsSenderTest, GetWithUrlTemplate) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/api/send?user=inv&to={to}&text={message}");
  settings.method = SmsMethod::kGet;
  SmsSender sender(settings);
  EXPECT_EQ(sender.Send(SmsTo(kPhone), Alert()).outcome, SendOutcome::kSent);
  auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_TRUE(requests[0].body.empty());
  std::string target = requests[0].target;
  ASSERT_EQ(target.rfind("/api/send?", 0), 0u) << target;
  auto query = ParseForm(target.substr(target.find('?') + 1));
  EXPECT_EQ(query["user"], "inv");
  EXPECT_EQ(query["to"], kPhone);
  EXPECT_EQ(query["text"], "Berlin is out of stock of Widget & Co");
}

TEST(SmsSenderTest, LongTextIsTrimmedToTheLimit) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/send");
  SmsSender sender(settings);
  std::string text = "12 items out of stock at M\xC3\xBCnchen:\n";
  for (int i = 0; i < 12; ++i) text += " - Item number " + std::to_string(i) + " (K\xC3\xA4se)\n";
  EXPECT_EQ(sender.Send(SmsTo(kPhone), Alert(text)).outcome, SendOutcome::kSent);
  auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  std::string message = ParseForm(requests[0].body)["message"];
  EXPECT_EQ(CountCodePoints(message), 160u);
  EXPECT_TRUE(message.ends_with("\xE2\x80\xA6")) << message;
  EXPECT_EQ(message.rfind("12 items out of stock at M\xC3\xBCnchen:\n- Item number 0", 0), 0u);
}

TEST(SmsSenderTest, GatewayAnswersMapToOutcomes) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/send");
  SmsSender sender(settings);
  for (auto [status, outcome] : {std::pair{503, SendOutcome::kRetry},
                                 {429, SendOutcome::kRetry},
                                 {400, SendOutcome::kPermanent},
                                 {401, SendOutcome::kPermanent},
                                 {302, SendOutcome::kPermanent},
                                 {200, SendOutcome::kSent}}) {
    gateway.AnswerWith(status);
    SendResult result = sender.Send(SmsTo(kPhone), Alert());
    EXPECT_EQ(result.outcome, outcome) << status << ": " << result.detail;
  }
}

TEST(SmsSenderTest, HungOrMissingGatewayIsRetried) {
  RecordingReceiver gateway;
  gateway.Hang();
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/send");
  settings.timeout_ms = 400;
  SmsSender hung(settings);
  SendResult result = hung.Send(SmsTo(kPhone), Alert());
  EXPECT_EQ(gateway.answered(), 0);
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
  gateway.Release();

  settings.url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/send";
  SmsSender missing(settings);
  result = missing.Send(SmsTo(kPhone), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
}

TEST(SmsSenderTest, BadNumberOrNoGatewayIsPermanent) {
  RecordingReceiver gateway;
  SmsGatewaySettings settings;
  settings.url = gateway.Url("/send");
  SmsSender sender(settings);
  SendResult result = sender.Send(SmsTo("0151 1234"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.detail.find("E.164"), std::string::npos) << result.detail;
  EXPECT_TRUE(gateway.requests().empty());

  SmsSender unconfigured(SmsGatewaySettings{});
  result = unconfigured.Send(SmsTo(kPhone), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.detail.find("no SMS gateway is configured"), std::string::npos);
}

}  // namespace
}  // namespace invtrack
