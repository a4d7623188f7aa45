#include "notify/webhook_signature.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

// Expected values computed independently with Python:
//   hmac.new(secret, f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
TEST(WebhookSignatureTest, MatchesPythonHmac) {
  EXPECT_EQ(WebhookSignature("whsec_test", 1764110000, R"({"id":"a1-OUT.s4","alerts":[]})"),
            "v1=27589b2ad48a6bdbb883167508e846cb40ab0f478a473689229199c3c853d341");
  EXPECT_EQ(WebhookSignature("", 0, ""),
            "v1=b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3");
  EXPECT_EQ(WebhookSignature("sch\xC3\xBCssel", 1700000000, "{\"item\":\"K\xC3\xA4se\"}"),
            "v1=6f43bf756014f2c7217413c44ca0a116fe412b51d6f02d051164c13c7ffb52cb");
}

TEST(WebhookSignatureTest, VerifyAcceptsOnlyTheExactSignature) {
  std::string body = R"({"id":"a1-OUT.s4","alerts":[]})";
  std::string signature = WebhookSignature("whsec_test", 1764110000, body);
  EXPECT_TRUE(VerifyWebhookSignature("whsec_test", 1764110000, body, signature));
  EXPECT_FALSE(VerifyWebhookSignature("whsec_other", 1764110000, body, signature));
  EXPECT_FALSE(VerifyWebhookSignature("whsec_test", 1764110001, body, signature));  // replayed
  EXPECT_FALSE(VerifyWebhookSignature("whsec_test", 1764110000, body + " ", signature));
  EXPECT_FALSE(VerifyWebhookSignature("whsec_test", 1764110000, body, signature.substr(3)));
  EXPECT_FALSE(VerifyWebhookSignature("whsec_test", 1764110000, body, ""));
}

}  // namespace
}  // namespace invtrack
