#include "notify/smtp_sender.h"

#include <string>

#include <gtest/gtest.h>

#include "notify/http_receiver_test_util.h"
#include "notify/smtp_test_server_util.h"

namespace invtrack {
namespace {

using testing::SmtpTestServer;

constexpr int64_t kCreatedMs = 1795646270000;  // 2026-11-25T22:37:50Z

Notification Alert() {
  Notification n;
  n.id = "a1b2c3-OUT.s4";
  n.subject = "Inventory Alert!";
  n.text = "Berlin is out of stock of Widget\n";
  n.created_ms = kCreatedMs;
  return n;
}

Subscription EmailTo(std::string address) {
  Subscription s;
  s.channel = Channel::kEmail;
  s.address = std::move(address);
  return s;
}

SmtpSettings PlainSettings(uint16_t port) {
  SmtpSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.from = "Inventory <alerts@example.com>";
  settings.connect_timeout_ms = 5'000;
  settings.timeout_ms = 20'000;
  return settings;
}

std::string WithoutCr(std::string text) {
  std::erase(text, '\r');
  return text;
}

// One aiosmtpd for the plain-SMTP tests: starting Python costs a moment.
class SmtpSenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new SmtpTestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { first_new_ = server_->MessageCount() + 1; }

  static SmtpTestServer* server_;
  int first_new_ = 1;
};
SmtpTestServer* SmtpSenderTest::server_ = nullptr;

TEST_F(SmtpSenderTest, DeliversAMessagePythonCanParse) {
  SmtpSender sender(PlainSettings(server_->port()));
  SendResult result = sender.Send(EmailTo("ops@example.com"), Alert());
  ASSERT_EQ(result.outcome, SendOutcome::kSent) << result.detail;

  std::optional<nlohmann::json> got = server_->Message(first_new_);
  ASSERT_TRUE(got.has_value());
  nlohmann::json& m = *got;
  EXPECT_EQ(m["mail_from"], "alerts@example.com");
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"ops@example.com"}));
  EXPECT_EQ(m["defects"], nlohmann::json::array());
  EXPECT_EQ(m["headers"]["Subject"], "Inventory Alert!");
  EXPECT_EQ(m["headers"]["Message-ID"], "<a1b2c3-OUT.s4@invtrack>");
  EXPECT_EQ(m["headers"]["From"], "Inventory <alerts@example.com>");
  EXPECT_EQ(m["headers"]["To"], "ops@example.com");
  EXPECT_EQ(m["headers"]["MIME-Version"], "1.0");
  EXPECT_EQ(m["date_epoch"].get<double>(), kCreatedMs / 1000);
  EXPECT_EQ(m["content_type"], "text/plain");
  ASSERT_EQ(m["parts"].size(), 1u);
  EXPECT_EQ(m["parts"][0]["charset"], "utf-8");
  EXPECT_EQ(WithoutCr(m["parts"][0]["content"]), "Berlin is out of stock of Widget\n");
}

TEST_F(SmtpSenderTest, Utf8SubjectHtmlPartAndDotLinesArriveIntact) {
  SmtpSender sender(PlainSettings(server_->port()));
  Notification n = Alert();
  n.subject = "Lager leer: K\xC3\xA4se \xF0\x9F\x93\xA6 in M\xC3\xBCnchen";
  // A lone "." line ends SMTP DATA unless the client dot-stuffs it.
  n.text = "K\xC3\xA4se is out of stock\n.\n.hidden line\n" + std::string(300, 'x') + "\n";
  n.html = "<p>K\xC3\xA4se is out of stock</p>\n.\n";
  ASSERT_EQ(sender.Send(EmailTo("ops@example.com"), n).outcome, SendOutcome::kSent);

  std::optional<nlohmann::json> got = server_->Message(first_new_);
  ASSERT_TRUE(got.has_value());
  nlohmann::json& m = *got;
  EXPECT_EQ(m["defects"], nlohmann::json::array());
  EXPECT_EQ(m["headers"]["Subject"], n.subject);
  EXPECT_EQ(m["content_type"], "multipart/alternative");
  ASSERT_EQ(m["parts"].size(), 2u);
  EXPECT_EQ(m["parts"][0]["content_type"], "text/plain");
  EXPECT_EQ(m["parts"][0]["transfer_encoding"], "quoted-printable");
  EXPECT_EQ(WithoutCr(m["parts"][0]["content"]), n.text);
  EXPECT_EQ(m["parts"][1]["content_type"], "text/html");
  EXPECT_EQ(m["parts"][1]["charset"], "utf-8");
  EXPECT_EQ(WithoutCr(m["parts"][1]["content"]), n.html);
  // Every line on the wire is within SMTP's limit and ends with CRLF.
  std::string raw = server_->RawMessage(first_new_);
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(raw[end - 1], '\r');
    EXPECT_LE(end - start, 998u);
    start = end + 1;
  }
}

TEST_F(SmtpSenderTest, LineBreaksInTheSubjectCannotAddHeadersOrRecipients) {
  SmtpSender sender(PlainSettings(server_->port()));
  Notification n = Alert();
  n.subject = "Alert\r\nBcc: victim@example.com\r\n\r\nforged body";
  ASSERT_EQ(sender.Send(EmailTo("ops@example.com"), n).outcome, SendOutcome::kSent);
  std::optional<nlohmann::json> got = server_->Message(first_new_);
  ASSERT_TRUE(got.has_value());
  for (const auto& name : (*got)["header_names"]) EXPECT_NE(name, "Bcc");
  EXPECT_EQ((*got)["rcpt_tos"], nlohmann::json::array({"ops@example.com"}));
  EXPECT_EQ(WithoutCr((*got)["parts"][0]["content"]), n.text);
}

TEST_F(SmtpSenderTest, UnknownRecipientIsPermanent) {
  SmtpSender sender(PlainSettings(server_->port()));
  SendResult result = sender.Send(EmailTo("unknown@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << result.detail;
  EXPECT_NE(result.detail.find("SMTP 550"), std::string::npos) << result.detail;
  EXPECT_EQ(server_->MessageCount(), first_new_ - 1);
}

TEST_F(SmtpSenderTest, TemporaryRefusalIsRetried) {
  SmtpSender sender(PlainSettings(server_->port()));
  SendResult result = sender.Send(EmailTo("busy@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
  EXPECT_NE(result.detail.find("SMTP 451"), std::string::npos) << result.detail;
  EXPECT_EQ(server_->MessageCount(), first_new_ - 1);
}

TEST_F(SmtpSenderTest, StartTlsRequiredButNotOfferedIsPermanent) {
  SmtpSettings settings = PlainSettings(server_->port());
  settings.tls = SmtpTls::kStartTls;
  SendResult result = SmtpSender(settings).Send(EmailTo("ops@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << result.detail;
  EXPECT_EQ(server_->MessageCount(), first_new_ - 1);
}

TEST(SmtpSenderDownTest, ServerDownIsRetried) {
  SmtpSender sender(PlainSettings(testing::ClosedPort()));
  SendResult result = sender.Send(EmailTo("ops@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
  EXPECT_NE(result.detail.find("127.0.0.1"), std::string::npos) << result.detail;
}

TEST(SmtpSenderDownTest, BadAddressesAndMissingSettingsArePermanent) {
  SmtpSender sender(PlainSettings(testing::ClosedPort()));
  SendResult result = sender.Send(EmailTo("ops@example.com\r\nRCPT TO:<x@y.z>"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  SmtpSettings bad_from = PlainSettings(1);
  bad_from.from = "not an address";
  result = SmtpSender(bad_from).Send(EmailTo("ops@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.detail.find("smtp from"), std::string::npos) << result.detail;
  result = SmtpSender(SmtpSettings{}).Send(EmailTo("ops@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.detail.find("no SMTP server is configured"), std::string::npos);
}

TEST(SmtpSenderTlsTest, StartTlsWithLogin) {
  SmtpTestServer server({"--tls", "starttls", "--auth", "inv:s3cret"});
  SmtpSettings settings = PlainSettings(server.port());
  settings.tls = SmtpTls::kStartTls;
  settings.ca_file = server.cert_file();
  settings.user = "inv";
  settings.password = "s3cret";
  SendResult result = SmtpSender(settings).Send(EmailTo("ops@example.com"), Alert());
  ASSERT_EQ(result.outcome, SendOutcome::kSent) << result.detail;
  std::optional<nlohmann::json> got = server.Message(1);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["tls"], true);
  EXPECT_EQ((*got)["headers"]["Message-ID"], "<a1b2c3-OUT.s4@invtrack>");

  settings.password = "wrong";
  result = SmtpSender(settings).Send(EmailTo("ops@example.com"), Alert());
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << result.detail;
  EXPECT_NE(result.detail.find("535"), std::string::npos) << result.detail;

  // Without trusting the server's certificate, nothing is sent.
  settings.password = "s3cret";
  settings.ca_file = "";
  result = SmtpSender(settings).Send(EmailTo("ops@example.com"), Alert());
  EXPECT_NE(result.outcome, SendOutcome::kSent) << result.detail;
  EXPECT_EQ(server.MessageCount(), 1);
}

TEST(SmtpSenderTlsTest, ImplicitTls) {
  SmtpTestServer server({"--tls", "implicit"});
  SmtpSettings settings = PlainSettings(server.port());
  settings.tls = SmtpTls::kImplicit;
  settings.ca_file = server.cert_file();
  SendResult result = SmtpSender(settings).Send(EmailTo("ops@example.com"), Alert());
  ASSERT_EQ(result.outcome, SendOutcome::kSent) << result.detail;
  std::optional<nlohmann::json> got = server.Message(1);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["tls"], true);
}

}  // namespace
}  // namespace invtrack
