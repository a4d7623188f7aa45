#include "dashboard/user_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "dashboard/password_hasher.h"
#include "dashboard/session_store.h"

namespace invtrack {
namespace {

class UserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("invtrack-users-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Db() const { return dir_ / "dashboard.db"; }

  std::filesystem::path dir_;
};

TEST(PasswordHasherTest, Argon2idHashesVerify) {
  Result<std::string> hash = PasswordHasher::Hash("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_TRUE(PasswordHasher::Verify("correct horse", *hash));
  EXPECT_FALSE(PasswordHasher::Verify("correct horsE", *hash));
  EXPECT_FALSE(PasswordHasher::Verify("correct horse", "$2y$10$notargon"));
  EXPECT_FALSE(PasswordHasher::Verify("correct horse", ""));
  EXPECT_TRUE(PasswordHasher::Hash("short").status().IsInvalidArgument());
  EXPECT_TRUE(PasswordHasher::Hash(std::string(2000, 'x')).status().IsInvalidArgument());
  EXPECT_EQ(PasswordHasher::RandomPassword().size(), 20u);
  EXPECT_NE(PasswordHasher::RandomPassword(), PasswordHasher::RandomPassword());
}

TEST_F(UserStoreTest, AddFindUpdateRemove) {
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(Db());
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  EXPECT_TRUE(*(*users)->Empty());
  ASSERT_TRUE((*users)->Add("vera", Role::kViewer, {"Berlin"}, "vera-password").ok());
  EXPECT_TRUE((*users)->Add("vera", Role::kAdmin, {}, "other-password").IsAlreadyExists());
  EXPECT_TRUE((*users)->Add("bad name", Role::kAdmin, {}, "other-password").IsInvalidArgument());
  EXPECT_TRUE(
      (*users)->Add("ok", Role::kViewer, {std::string("a\nb")}, "other-pass").IsInvalidArgument());
  std::optional<User> vera = (*users)->Find("vera");
  ASSERT_TRUE(vera);
  EXPECT_EQ(vera->stores, std::vector<std::string>{"Berlin"});
  EXPECT_TRUE(vera->MaySee("Berlin"));
  EXPECT_FALSE(vera->MaySee("Pusan"));
  EXPECT_TRUE(PasswordHasher::Verify("vera-password", vera->password_hash));
  ASSERT_TRUE((*users)->Update("vera", Role::kViewer, {"Berlin", "Pusan"}).ok());
  EXPECT_TRUE((*users)->Find("vera")->MaySee("Pusan"));
  EXPECT_EQ((*users)->CountAdminsOtherThan("vera"), 0);
  ASSERT_TRUE((*users)->Remove("vera").ok());
  EXPECT_FALSE((*users)->Find("vera"));
  EXPECT_TRUE((*users)->Remove("vera").IsNotFound());
}

TEST_F(UserStoreTest, AnotherProcessesChangesAreSeen) {
  Result<std::unique_ptr<UserStore>> server = UserStore::Open(Db());
  Result<std::unique_ptr<UserStore>> cli = UserStore::Open(Db());
  ASSERT_TRUE(server.ok() && cli.ok());
  ASSERT_TRUE((*cli)->Add("ann", Role::kAdmin, {}, "ann-password").ok());
  EXPECT_TRUE((*server)->Find("ann"));  // reloaded on data_version change
  ASSERT_TRUE((*cli)->Remove("ann").ok());
  EXPECT_FALSE((*server)->Find("ann"));
}

TEST_F(UserStoreTest, TokensAreStoredAsDigestsAndRevocable) {
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(Db());
  ASSERT_TRUE((*users)->Add("ann", Role::kAdmin, {}, "ann-password").ok());
  Result<IssuedToken> token = (*users)->IssueToken("ann", "cron");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ((*users)->FindByToken(token->secret)->name, "ann");
  EXPECT_FALSE((*users)->FindByToken(token->secret + "x"));
  EXPECT_TRUE((*users)->RevokeToken(token->token.id, std::string("someone-else")).IsNotFound());
  ASSERT_TRUE((*users)->RevokeToken(token->token.id, std::nullopt).ok());
  EXPECT_FALSE((*users)->FindByToken(token->secret));
  EXPECT_FALSE((*users)->IssueToken("nobody", "x").ok());
}

TEST_F(UserStoreTest, SessionsEndOnSignOutPasswordChangeAndRemoval) {
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(Db());
  ASSERT_TRUE((*users)->Add("ann", Role::kAdmin, {}, "ann-password").ok());
  Result<std::unique_ptr<SessionStore>> sessions = SessionStore::Open(Db());
  ASSERT_TRUE(sessions.ok());
  Result<NewSession> one = (*sessions)->Create("ann");
  Result<NewSession> two = (*sessions)->Create("ann");
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NE(one->token, two->token);
  EXPECT_NE(one->session.csrf_token, two->session.csrf_token);
  EXPECT_EQ((*sessions)->Find(one->token)->user, "ann");
  EXPECT_FALSE((*sessions)->Find("not-a-token"));
  ASSERT_TRUE((*sessions)->End(one->token).ok());
  EXPECT_FALSE((*sessions)->Find(one->token));
  EXPECT_TRUE((*sessions)->Find(two->token));
  // Removing the user (another connection) cascades to the sessions.
  ASSERT_TRUE((*users)->Remove("ann").ok());
  EXPECT_FALSE((*sessions)->Find(two->token));
  EXPECT_FALSE((*sessions)->Create("ann").ok());
}

TEST_F(UserStoreTest, IdleSessionsExpire) {
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(Db());
  ASSERT_TRUE((*users)->Add("ann", Role::kAdmin, {}, "ann-password").ok());
  SessionLimits limits;
  limits.idle = std::chrono::milliseconds(-1);  // already idle too long
  Result<std::unique_ptr<SessionStore>> sessions = SessionStore::Open(Db(), limits);
  Result<NewSession> one = (*sessions)->Create("ann");
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE((*sessions)->Find(one->token));
}

}  // namespace
}  // namespace invtrack
