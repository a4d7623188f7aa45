#include "notify/sms_template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace invtrack {
namespace {

TEST(SmsTemplateTest, FormValuesArePercentEncoded) {
  EXPECT_EQ(RenderSmsTemplate("To={to}&Body={message}", "+4915112345678", "Berlin & Pusan = 0%",
                              TemplateEscaping::kPercent),
            "To=%2B4915112345678&Body=Berlin%20%26%20Pusan%20%3D%200%25");
}

TEST(SmsTemplateTest, UrlPlaceholdersAreEncodedAndTheRestKept) {
  EXPECT_EQ(RenderSmsTemplate("https://gw.example/send?to={to}&text={message}&x={other}", "+491",
                              "K\xC3\xA4se/1", TemplateEscaping::kPercent),
            "https://gw.example/send?to=%2B491&text=K%C3%A4se%2F1&x={other}");
}

TEST(SmsTemplateTest, JsonValuesAreEscapedAndStayValidJson) {
  std::string message = "say \"hi\"\\\nnext\tline \x01 K\xC3\xA4se";
  std::string body = RenderSmsTemplate(R"({"to":"{to}","text":"{message}","n":{"a":1}})",
                                       "+4915112345678", message, TemplateEscaping::kJson);
  nlohmann::json parsed = nlohmann::json::parse(body);
  EXPECT_EQ(parsed["to"], "+4915112345678");
  EXPECT_EQ(parsed["text"], message);
  EXPECT_EQ(parsed["n"]["a"], 1);
}

TEST(SmsTemplateTest, JsonInjectionStaysInsideTheString) {
  std::string body = RenderSmsTemplate(R"({"to":"{to}","text":"{message}"})", "+491",
                                       R"(x","admin":true,"y":")", TemplateEscaping::kJson);
  nlohmann::json parsed = nlohmann::json::parse(body);
  EXPECT_FALSE(parsed.contains("admin"));
  EXPECT_EQ(parsed["text"], R"(x","admin":true,"y":")");
}

TEST(SmsTemplateTest, InvalidUtf8IsReplacedNotFatal) {
  std::string body =
      RenderSmsTemplate(R"({"t":"{message}"})", "", "bad \xFF byte", TemplateEscaping::kJson);
  EXPECT_TRUE(nlohmann::json::accept(body)) << body;
}

TEST(SmsTextTest, JoinsTrimmedNonEmptyLines) {
  EXPECT_EQ(SmsTextFor("  Berlin is out of stock of Widget  \n\n\t\r\n", 160),
            "Berlin is out of stock of Widget");
  EXPECT_EQ(SmsTextFor("3 items out of stock at Berlin:\n - A\n - B\n", 160),
            "3 items out of stock at Berlin:\n- A\n- B");
  EXPECT_EQ(SmsTextFor("", 160), "");
}

TEST(SmsTextTest, ShortTextIsKeptWhole) {
  std::string exact(160, 'x');
  EXPECT_EQ(SmsTextFor(exact, 160), exact);
}

TEST(SmsTextTest, LongTextIsCutWithAnEllipsis) {
  std::string text = SmsTextFor(std::string(200, 'x'), 160);
  EXPECT_EQ(CountCodePoints(text), 160u);
  EXPECT_EQ(text, std::string(159, 'x') + "\xE2\x80\xA6");
}

TEST(SmsTextTest, CutsOnACharacterBoundary) {
  // 100 two-byte characters ("ä") cut to 10 characters: 9 of them + "…".
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xC3\xA4";
  std::string text = SmsTextFor(umlauts, 10);
  EXPECT_EQ(CountCodePoints(text), 10u);
  EXPECT_EQ(text.size(), 9u * 2 + 3);
  EXPECT_TRUE(nlohmann::json::accept("\"" + text + "\"")) << "not valid UTF-8";
  // A four-byte emoji is never split either.
  std::string emoji;
  for (int i = 0; i < 20; ++i) emoji += "\xF0\x9F\x93\xA6";
  EXPECT_EQ(
      SmsTextFor(emoji, 5),
      std::string("\xF0\x9F\x93\xA6").append("\xF0\x9F\x93\xA6\xF0\x9F\x93\xA6\xF0\x9F\x93\xA6") +
          "\xE2\x80\xA6");
}

TEST(SmsTextTest, NoTrailingSpaceBeforeTheEllipsis) {
  EXPECT_EQ(SmsTextFor("abcd efghij", 6), "abcd\xE2\x80\xA6");
}

}  // namespace
}  // namespace invtrack
