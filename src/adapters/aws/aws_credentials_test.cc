#include "adapters/aws/aws_credentials.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <unistd.h>

namespace invtrack {
namespace {

EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AwsCredentialsTest, EnvironmentKeysWithSessionTokenComeFirst) {
  auto env = FakeEnvironment({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                              {"AWS_SECRET_ACCESS_KEY", "secret"},
                              {"AWS_SESSION_TOKEN", "token"},
                              {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}});
  Result<AwsCredentials> credentials = ResolveAwsCredentials(env);
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(credentials->secret_access_key, "secret");
  EXPECT_EQ(credentials->session_token, "token");
}

TEST(AwsCredentialsTest, HalfSetEnvironmentIsAClearError) {
  Result<AwsCredentials> credentials =
      ResolveAwsCredentials(FakeEnvironment({{"AWS_ACCESS_KEY_ID", "AKIDENV"}}));
  ASSERT_FALSE(credentials.ok());
  EXPECT_TRUE(credentials.status().IsInvalidArgument());
  EXPECT_NE(credentials.status().message().find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
}

TEST(AwsCredentialsTest, ProfileFileIsReadForTheChosenProfile) {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("invtrack-credentials-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\n"
           "aws_secret_access_key = s1\n\n[profile ops]\naws_access_key_id=AKIDOPS\r\n"
           "aws_secret_access_key=s2\naws_session_token = t2\n";
  }
  auto env =
      FakeEnvironment({{"AWS_SHARED_CREDENTIALS_FILE", path.string()}, {"AWS_PROFILE", "ops"}});
  Result<AwsCredentials> credentials = ResolveAwsCredentials(env);
  std::filesystem::remove(path);
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDOPS");
  EXPECT_EQ(credentials->secret_access_key, "s2");
  EXPECT_EQ(credentials->session_token, "t2");
}

TEST(AwsCredentialsTest, ProfileFileIsNotUsedWhenForbidden) {
  auto env = FakeEnvironment({{"HOME", "/root"}});
  Result<AwsCredentials> credentials = ResolveAwsCredentials(env, {.use_profile_file = false});
  ASSERT_FALSE(credentials.ok());
  EXPECT_TRUE(credentials.status().IsPermissionDenied());
  EXPECT_NE(credentials.status().message().find("no AWS credentials found"), std::string::npos);
}

TEST(AwsCredentialsTest, MalformedFilesAndProfilesAreReported) {
  EXPECT_TRUE(ParseCredentialsFile("[default\naws_access_key_id=a\n", "default")
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(
      ParseCredentialsFile("[default]\njust words\n", "default").status().IsInvalidArgument());
  EXPECT_TRUE(ParseCredentialsFile("[default]\naws_access_key_id=a\n", "default")
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(
      ParseCredentialsFile("[other]\naws_access_key_id=a\n", "default").status().IsNotFound());
}

TEST(AwsCredentialsTest, RegionAndEndpointFollowTheSdkVariables) {
  EXPECT_EQ(ResolveAwsRegion(FakeEnvironment({})), "us-east-1");
  EXPECT_EQ(ResolveAwsRegion(FakeEnvironment({{"AWS_DEFAULT_REGION", "eu-west-1"}})), "eu-west-1");
  EXPECT_EQ(ResolveAwsRegion(FakeEnvironment(
                {{"AWS_REGION", "eu-central-1"}, {"AWS_DEFAULT_REGION", "eu-west-1"}})),
            "eu-central-1");
  auto env = FakeEnvironment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
                              {"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"}});
  EXPECT_EQ(ResolveAwsEndpoint(env, "dynamodb", "us-east-1"), "http://127.0.0.1:8000");
  EXPECT_EQ(ResolveAwsEndpoint(env, "sns", "us-east-1"), "http://127.0.0.1:5000");
  EXPECT_EQ(ResolveAwsEndpoint(FakeEnvironment({}), "sns", "eu-west-1"),
            "https://sns.eu-west-1.amazonaws.com");
}

}  // namespace
}  // namespace invtrack
