#include "notify/notification_renderer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "notify/subscription.h"

namespace invtrack {
namespace {

StoredAlert MakeAlert(int64_t position, AlertKind kind, std::string item, int64_t count) {
  StoredAlert stored;
  stored.position = position;
  Alert& a = stored.alert;
  a.id = "7f3a-" + std::to_string(position);
  a.kind = kind;
  a.store = "Berlin";
  a.item = std::move(item);
  a.count = count;
  a.threshold = 5;
  a.subject = "Inventory Alert!";
  a.message = AlertMessage(kind, a.store, a.item, count, 5);
  a.time_ms = 1764086400000;
  return stored;
}

TEST(NotificationRendererTest, OneAlertKeepsTheLabWordingAndEscapesHtml) {
  Notification n = RenderAlert(MakeAlert(3, AlertKind::kOut, "<img src=x onerror=1>", 0), 12);
  EXPECT_EQ(n.id, "7f3a-3.s12");
  EXPECT_EQ(n.subject, "Inventory Alert!");
  EXPECT_EQ(n.text.substr(0, n.text.find('\n')), "Berlin is out of stock of <img src=x onerror=1>");
  EXPECT_EQ(n.html.find("<img"), std::string::npos);
  EXPECT_NE(n.html.find("&lt;img src=x onerror=1&gt;"), std::string::npos);
  nlohmann::json json = nlohmann::json::parse(n.json);
  EXPECT_EQ(json["id"], n.id);
  EXPECT_EQ(json["type"], "alert");
  ASSERT_EQ(json["alerts"].size(), 1u);
  EXPECT_EQ(json["alerts"][0]["kind"], "OUT");
  EXPECT_EQ(json["alerts"][0]["count"], 0);
  EXPECT_EQ(json["alerts"][0]["time"], "2025-11-25T16:00:00.000Z");
}

TEST(NotificationRendererTest, IdsAreSafeForHeaders) {
  EXPECT_EQ(NotificationId("a b\r\n<c>@d", 1), "a_b___c__d.s1");
  EXPECT_EQ(NotificationId("x", 2, "-digest"), "x-digest.s2");
}

TEST(NotificationRendererTest, DigestSummarisesPerKindAndListsEveryAlert) {
  std::vector<StoredAlert> alerts;
  for (int i = 0; i < 12; ++i) {
    alerts.push_back(MakeAlert(i + 1, AlertKind::kOut, "Gadget " + std::to_string(i), 0));
  }
  alerts.push_back(MakeAlert(13, AlertKind::kLow, "Cable", 2));
  Notification n = RenderDigest(alerts, "stores/Berlin/b.csv", 4);
  EXPECT_EQ(n.id, "7f3a-1-digest.s4");
  EXPECT_EQ(n.text.substr(0, n.text.find('\n')),
            "12 items out of stock at Berlin: Gadget 0, Gadget 1, Gadget 2, Gadget 3, Gadget 4, "
            "Gadget 5, Gadget 6, Gadget 7, Gadget 8, Gadget 9 and 2 more");
  EXPECT_NE(n.text.find("\n1 item low at Berlin: Cable\n"), std::string::npos);
  EXPECT_NE(n.text.find("- Berlin is out of stock of Gadget 11\n"), std::string::npos);
  nlohmann::json json = nlohmann::json::parse(n.json);
  EXPECT_EQ(json["type"], "digest");
  EXPECT_EQ(json["file"], "stores/Berlin/b.csv");
  EXPECT_EQ(json["alerts"].size(), 13u);
}

TEST(NotificationRendererTest, InvalidUtf8InNamesDoesNotBreakTheJson) {
  Notification n = RenderAlert(MakeAlert(1, AlertKind::kOut, "bad \xff byte", 0), 1);
  EXPECT_TRUE(nlohmann::json::accept(n.json));
}

TEST(SubscriptionTest, MatchesByStoreAndKind) {
  Subscription s;
  Alert berlin_out = MakeAlert(1, AlertKind::kOut, "x", 0).alert;
  Alert berlin_low = MakeAlert(2, AlertKind::kLow, "x", 2).alert;
  EXPECT_TRUE(s.Matches(berlin_out));
  s.stores = {"Pusan"};
  EXPECT_FALSE(s.Matches(berlin_out));
  s.stores = {"Pusan", "Berlin"};
  EXPECT_TRUE(s.Matches(berlin_out));
  s.kinds = {AlertKind::kOut};
  EXPECT_TRUE(s.Matches(berlin_out));
  EXPECT_FALSE(s.Matches(berlin_low));
  EXPECT_EQ(ParseChannel("webhook"), Channel::kWebhook);
  EXPECT_EQ(ParseChannel("fax"), std::nullopt);
}

}  // namespace
}  // namespace invtrack
