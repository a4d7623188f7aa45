#include "notify/mime_message.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace invtrack {
namespace {

MailContent SampleMail() {
  MailContent mail;
  mail.from_address = "alerts@example.com";
  mail.to_address = "ops@example.com";
  mail.subject = "Inventory Alert!";
  mail.text = "Berlin is out of stock of Widget\n";
  mail.message_id = "a1b2c3-OUT.s4";
  mail.date_ms = 1795646270123;  // 2026-11-25T22:37:50.123Z
  return mail;
}

// The header block (before the first empty line), unfolded, as lines.
std::vector<std::string> HeaderLines(const std::string& message) {
  std::string block = message.substr(0, message.find("\r\n\r\n") + 2);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find("\r\n", start);
    std::string line = block.substr(start, end - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
      lines.back() += line;
    } else {
      lines.push_back(line);
    }
    start = end + 2;
  }
  return lines;
}

int CountHeaders(const std::string& message, const std::string& name) {
  int count = 0;
  for (const std::string& line : HeaderLines(message)) count += line.rfind(name + ":", 0) == 0;
  return count;
}

TEST(MimeMessageTest, PlainTextMessageHasTheRequiredHeaders) {
  std::string message = BuildMimeMessage(SampleMail());
  EXPECT_EQ(message,
            "Date: Wed, 25 Nov 2026 22:37:50 +0000\r\n"
            "Message-ID: <a1b2c3-OUT.s4@invtrack>\r\n"
            "From: alerts@example.com\r\n"
            "To: ops@example.com\r\n"
            "Subject: Inventory Alert!\r\n"
            "MIME-Version: 1.0\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Berlin is out of stock of Widget\r\n");
}

TEST(MimeMessageTest, MessageIdIsStableAndSafe) {
  EXPECT_EQ(BuildMimeMessage(SampleMail()), BuildMimeMessage(SampleMail()));
  EXPECT_EQ(MessageIdFor("a1b2c3-OUT.s4"), "<a1b2c3-OUT.s4@invtrack>");
  EXPECT_EQ(MessageIdFor("x>\r\nBcc: evil@example.com"), "<xBccevilexample.com@invtrack>");
  EXPECT_EQ(MessageIdFor(".a..b."), "<a.b@invtrack>");
  EXPECT_EQ(MessageIdFor(""), "<unnamed@invtrack>");
}

TEST(MimeMessageTest, DateFollowsRfc5322) {
  EXPECT_EQ(FormatRfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(951782400000), "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST(MimeMessageTest, NonAsciiSubjectBecomesEncodedWords) {
  MailContent mail = SampleMail();
  mail.subject = "Lager leer: K\xC3\xA4se";
  std::string message = BuildMimeMessage(mail);
  // base64("Lager leer: Käse") == "TGFnZXIgbGVlcjogS8Okc2U="
  EXPECT_NE(message.find("Subject: =?UTF-8?B?TGFnZXIgbGVlcjogS8Okc2U=?=\r\n"), std::string::npos)
      << message;
}

TEST(MimeMessageTest, LongEncodedSubjectIsFoldedOnCharacterBoundaries) {
  std::string subject;
  for (int i = 0; i < 60; ++i) subject += "\xE2\x82\xAC";  // "€" is 3 bytes
  std::string encoded = EncodeHeaderText(subject);
  size_t words = 0;
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    std::string word = encoded.substr(start, end == std::string::npos ? end : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    // 45 bytes per word hold exactly 15 whole 3-byte characters.
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_EQ(words, 4u);  // 180 bytes / 45
}

TEST(MimeMessageTest, PlainAsciiHeaderTextIsUnchanged) {
  EXPECT_EQ(EncodeHeaderText("Inventory Alert!"), "Inventory Alert!");
  // Text that would read as an encoded word is encoded itself.
  EXPECT_EQ(EncodeHeaderText("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
}

TEST(MimeMessageTest, LineBreaksInHeadersCannotAddHeaders) {
  MailContent mail = SampleMail();
  mail.subject = "Alert\r\nBcc: victim@example.com\r\n\r\nfake body";
  mail.to_address = "ops@example.com\r\nCc: other@example.com";
  mail.from_name = "Inv\ntrack\r\nX-Evil: 1";
  std::string message = BuildMimeMessage(mail);
  EXPECT_EQ(CountHeaders(message, "Bcc"), 0) << message;
  EXPECT_EQ(CountHeaders(message, "Cc"), 0) << message;
  EXPECT_EQ(CountHeaders(message, "X-Evil"), 0) << message;
  EXPECT_EQ(CountHeaders(message, "Subject"), 1);
  EXPECT_EQ(CountHeaders(message, "To"), 1);
  EXPECT_EQ(CountHeaders(message, "From"), 1);
  // Every header line is a header or a continuation: no bare CR or LF.
  std::string block = message.substr(0, message.find("\r\n\r\n"));
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i] == '\n') {
      EXPECT_EQ(block[i - 1], '\r');
    }
    if (block[i] == '\r') {
      EXPECT_EQ(block[i + 1], '\n');
    }
  }
  EXPECT_NE(message.find("Subject: Alert  Bcc: victim@example.com    fake body\r\n"),
            std::string::npos);
}

TEST(MimeMessageTest, DisplayNameIsQuotedOrEncoded) {
  MailContent mail = SampleMail();
  mail.from_name = "Inventory \"Alerts\"";
  EXPECT_NE(BuildMimeMessage(mail).find("From: \"Inventory \\\"Alerts\\\"\" <alerts@example.com>"),
            std::string::npos);
  mail.from_name = "Lager M\xC3\xBCnchen";
  EXPECT_NE(BuildMimeMessage(mail).find("From: =?UTF-8?B?TGFnZXIgTcO8bmNoZW4=?= "
                                        "<alerts@example.com>"),
            std::string::npos);
}

TEST(QuotedPrintableTest, EncodesWhatMustBeEncoded) {
  EXPECT_EQ(EncodeQuotedPrintable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("K\xC3\xA4se\n"), "K=C3=A4se\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("trailing space \nx\t\n"), "trailing space=20\r\nx=09\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("crlf\r\nlines\r\n"), "crlf\r\nlines\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("no newline"), "no newline\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("lone\rcr\n"), "lone=0Dcr\r\n");
  // A leading dot is left alone: dot-stuffing is the SMTP client's job.
  EXPECT_EQ(EncodeQuotedPrintable(".\n.hidden\n"), ".\r\n.hidden\r\n");
}

TEST(QuotedPrintableTest, LongLinesGetSoftBreaksWithin76Characters) {
  std::string line(200, 'a');
  line += "\xC3\xA4\xC3\xA4";
  std::string encoded = EncodeQuotedPrintable(line + "\n");
  std::string decoded;
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n", start);
    std::string physical = encoded.substr(start, end - start);
    EXPECT_LE(physical.size(), 76u);
    if (!physical.empty() && physical.back() == '=') physical.pop_back();
    decoded += physical;
    start = end + 2;
  }
  EXPECT_EQ(decoded, std::string(200, 'a') + "=C3=A4=C3=A4");
}

TEST(MimeMessageTest, HtmlMakesMultipartAlternative) {
  MailContent mail = SampleMail();
  mail.html = "<p>Berlin is out of stock of <b>Widget</b></p>\n";
  std::string message = BuildMimeMessage(mail);
  std::string boundary = "=_invtrack_a1b2c3OUTs4";
  EXPECT_NE(message.find("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n"),
            std::string::npos);
  size_t text_part = message.find("--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8");
  size_t html_part = message.find("--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8");
  size_t end = message.find("--" + boundary + "--\r\n");
  ASSERT_NE(text_part, std::string::npos) << message;
  ASSERT_NE(html_part, std::string::npos) << message;
  ASSERT_NE(end, std::string::npos) << message;
  EXPECT_LT(text_part, html_part);
  EXPECT_LT(html_part, end);
  EXPECT_NE(message.find("<p>Berlin is out of stock of <b>Widget</b></p>\r\n\r\n--" + boundary),
            std::string::npos);
  EXPECT_EQ(CountHeaders(message, "Content-Transfer-Encoding"), 0);  // only in the parts
}

TEST(MimeMessageTest, BodyCannotForgeTheBoundary) {
  MailContent mail = SampleMail();
  mail.text = "--=_invtrack_a1b2c3OUTs4--\n";
  mail.html = "<p>x</p>";
  std::string message = BuildMimeMessage(mail);
  // The '=' is encoded in the part, so the only closing delimiter is ours.
  size_t first = message.find("--=_invtrack_a1b2c3OUTs4--");
  EXPECT_EQ(first, message.rfind("--=_invtrack_a1b2c3OUTs4--"));
  EXPECT_NE(message.find("--=3D_invtrack_a1b2c3OUTs4--"), std::string::npos);
}

}  // namespace
}  // namespace invtrack
