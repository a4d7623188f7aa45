#include "notify/address_validation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

void ExpectRefused(const Status& status, std::string_view needle) {
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_NE(status.message().find(needle), std::string::npos)
      << "\"" << status.message() << "\" does not mention \"" << needle << "\"";
}

TEST(EmailAddressTest, AcceptsPracticalAddresses) {
  for (const char* good : {"ops@example.com", "first.last+tag@mail.example.co.uk",
                           "o'brien@example.org", "x@localhost", "a-b_c@sub-domain.example"}) {
    EXPECT_TRUE(ValidateEmailAddress(good).ok())
        << good << ": " << ValidateEmailAddress(good).ToString();
  }
}

TEST(EmailAddressTest, RefusesMalformedAddressesClearly) {
  ExpectRefused(ValidateEmailAddress(""), "empty");
  ExpectRefused(ValidateEmailAddress("ops.example.com"), "no '@'");
  ExpectRefused(ValidateEmailAddress("@example.com"), "before the '@'");
  ExpectRefused(ValidateEmailAddress("ops@"), "no domain");
  ExpectRefused(ValidateEmailAddress("o ps@example.com"), "space");
  ExpectRefused(ValidateEmailAddress("ops@example.com\r\nRCPT TO:<x@y>"), "control");
  ExpectRefused(ValidateEmailAddress("ops@exa mple.com"), "space");
  ExpectRefused(ValidateEmailAddress(".ops@example.com"), "before the '@'");
  ExpectRefused(ValidateEmailAddress("o..ps@example.com"), "before the '@'");
  ExpectRefused(ValidateEmailAddress("ops(x)@example.com"), "before the '@'");
  ExpectRefused(ValidateEmailAddress("ops@example..com"), "label");
  ExpectRefused(ValidateEmailAddress("ops@-example.com"), "'-'");
  ExpectRefused(ValidateEmailAddress("ops@exa_mple.com"), "letters, digits");
  ExpectRefused(ValidateEmailAddress("ops@[127.0.0.1]"), "letters, digits");
  ExpectRefused(ValidateEmailAddress("j\xC3\xB6rg@example.com"), "non-ASCII");
  ExpectRefused(ValidateEmailAddress(std::string(65, 'a') + "@example.com"), "1 to 64");
  ExpectRefused(ValidateEmailAddress("a@" + std::string(250, 'b') + ".com"), "254");
  ExpectRefused(ValidateEmailAddress("a@" + std::string(64, 'b') + ".com"), "label");
}

TEST(PhoneNumberTest, AcceptsE164) {
  for (const char* good : {"+4915112345678", "+12025550123", "+81312345678", "+123456789012345"}) {
    EXPECT_TRUE(ValidatePhoneNumber(good).ok())
        << good << ": " << ValidatePhoneNumber(good).ToString();
  }
}

TEST(PhoneNumberTest, RefusesEverythingElse) {
  for (const char* bad :
       {"", "+", "4915112345678", "+0491511234567", "+49 151 12345678", "+49-151-12345678",
        "+1234567", "+1234567890123456", "+4915112345678\n", "00491511234567", "+49151l2345678"}) {
    ExpectRefused(ValidatePhoneNumber(bad), "E.164");
  }
}

TEST(WebhookUrlTest, AcceptsHttpAndHttpsUrls) {
  for (const char* good :
       {"https://hooks.example.com/invtrack", "http://127.0.0.1:8080/hook?x=1",
        "https://[2001:db8::1]:8443/a", "HTTPS://Example.COM/path", "http://example.com."}) {
    EXPECT_TRUE(ValidateWebhookUrl(good).ok())
        << good << ": " << ValidateWebhookUrl(good).ToString();
  }
}

TEST(WebhookUrlTest, RefusesMalformedUrlsClearly) {
  ExpectRefused(ValidateWebhookUrl(""), "empty");
  ExpectRefused(ValidateWebhookUrl("example.com/hook"), "not a valid URL");
  ExpectRefused(ValidateWebhookUrl("ftp://example.com/hook"), "http:// or https://");
  ExpectRefused(ValidateWebhookUrl("file:///etc/passwd"), "");
  ExpectRefused(ValidateWebhookUrl("https://user:pw@example.com/hook"), "user name or password");
  ExpectRefused(ValidateWebhookUrl("https://user@example.com/hook"), "user name or password");
  ExpectRefused(ValidateWebhookUrl("https://example.com/hook#frag"), "fragment");
  ExpectRefused(ValidateWebhookUrl("https://example.com:99999/hook"), "");
  ExpectRefused(ValidateWebhookUrl("https://example.com:abc/hook"), "");
  ExpectRefused(ValidateWebhookUrl("https://exa mple.com/hook"), "space");
  ExpectRefused(ValidateWebhookUrl("https://example.com/ho\r\nok"), "control");
  ExpectRefused(ValidateWebhookUrl("https:///hook"), "no host");
  ExpectRefused(ValidateWebhookUrl("https://exa_mple.com/"), "letters, digits");
  ExpectRefused(ValidateWebhookUrl("https://[::g]/"), "");
  ExpectRefused(ValidateWebhookUrl("https://" + std::string(3000, 'a')), "2048");
}

TEST(OwnListenerTest, LoopbackNamesAndAddressesAreOneMachine) {
  std::vector<std::string> listeners = {"127.0.0.1:8080", "127.0.0.1:9000"};
  for (const char* url :
       {"http://127.0.0.1:8080/api/users", "http://localhost:8080/", "http://LOCALHOST.:9000/x",
        "http://127.1.2.3:9000/", "http://[::1]:8080/", "http://[::ffff:127.0.0.1]:8080/",
        "http://0.0.0.0:8080/", "http://[::]:9000/", "http://app.localhost:8080/",
        // Other spellings of 127.0.0.1 (curl's URL parser normalizes them).
        "http://2130706433:8080/", "http://0x7f.1:8080/", "http://017700000001:8080/"}) {
    Result<bool> own = TargetsOwnListener(url, listeners);
    ASSERT_OK(own);
    EXPECT_TRUE(*own) << url;
  }
  for (const char* url : {"http://127.0.0.1:8081/", "http://example.com:8080/",
                          "https://127.0.0.1/", "http://10.0.0.5:8080/"}) {
    Result<bool> own = TargetsOwnListener(url, listeners);
    ASSERT_OK(own);
    EXPECT_FALSE(*own) << url;
  }
}

TEST(OwnListenerTest, DefaultPortsCount) {
  Result<bool> own = TargetsOwnListener("http://localhost/", {"127.0.0.1:80"});
  ASSERT_OK(own);
  EXPECT_TRUE(*own);
  own = TargetsOwnListener("https://localhost/", {"127.0.0.1:443"});
  ASSERT_OK(own);
  EXPECT_TRUE(*own);
}

TEST(OwnListenerTest, WildcardListenerMatchesAnyHostOnItsPort) {
  for (const char* listener : {"0.0.0.0:8080", "[::]:8080", ":8080"}) {
    Result<bool> own = TargetsOwnListener("http://192.168.1.20:8080/", {listener});
    ASSERT_OK(own);
    EXPECT_TRUE(*own) << listener;
    own = TargetsOwnListener("http://192.168.1.20:8081/", {listener});
    ASSERT_OK(own);
    EXPECT_FALSE(*own) << listener;
  }
}

TEST(OwnListenerTest, SpecificAddressesCompareCanonically) {
  Result<bool> own = TargetsOwnListener("http://[2001:db8:0:0::1]:8080/", {"[2001:db8::1]:8080"});
  ASSERT_OK(own);
  EXPECT_TRUE(*own);
  own = TargetsOwnListener("http://192.168.1.20:8080/", {"192.168.1.20:8080"});
  ASSERT_OK(own);
  EXPECT_TRUE(*own);
  own = TargetsOwnListener("http://192.168.1.21:8080/", {"192.168.1.20:8080"});
  ASSERT_OK(own);
  EXPECT_FALSE(*own);
}

TEST(OwnListenerTest, MalformedInputIsAnError) {
  testing::ExpectInvalidArgument(TargetsOwnListener("not a url", {"127.0.0.1:8080"}), "URL");
  testing::ExpectInvalidArgument(TargetsOwnListener("http://x.example/", {"127.0.0.1"}),
                                 "host:port");
  testing::ExpectInvalidArgument(TargetsOwnListener("http://x.example/", {"127.0.0.1:http"}),
                                 "bad port");
  testing::ExpectInvalidArgument(TargetsOwnListener("http://x.example/", {"[::1:8080"}),
                                 "[v6]:port");
}

}  // namespace
}  // namespace invtrack
