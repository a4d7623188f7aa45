#include "dashboard/session_cookie.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(SessionCookieTest, AttributesForPlainAndTls) {
  SessionLimits limits;
  limits.lifetime = std::chrono::hours(1);
  EXPECT_EQ(SessionCookie("abc", false, limits),
            "invtrack_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
  EXPECT_EQ(SessionCookie("abc", true, limits),
            "invtrack_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure");
  EXPECT_EQ(ExpiredSessionCookie(false),
            "invtrack_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST(SessionCookieTest, FindsTheCookieAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; invtrack_session=xyz; b=2", "invtrack_session"), "xyz");
  EXPECT_EQ(CookieValue("invtrack_session=xyz", "invtrack_session"), "xyz");
  EXPECT_EQ(CookieValue("  invtrack_session = xyz ;", "invtrack_session"), "xyz");
  EXPECT_EQ(CookieValue("xinvtrack_session=1; invtrack_sessionx=2", "invtrack_session"),
            std::nullopt);
  EXPECT_EQ(CookieValue("", "invtrack_session"), std::nullopt);
  EXPECT_EQ(CookieValue(";;;=;invtrack_session", "invtrack_session"), std::nullopt);
  EXPECT_EQ(CookieValue("invtrack_session=", "invtrack_session"), "");
}

}  // namespace
}  // namespace invtrack
