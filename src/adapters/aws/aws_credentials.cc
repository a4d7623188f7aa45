#include "adapters/aws/aws_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace invtrack {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string UpperService(std::string_view service) {
  std::string out;
  for (char c : service) {
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : (c == '-' ? '_' : c);
  }
  return out;
}

std::optional<std::string> NonEmpty(const EnvironmentLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

EnvironmentLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile) {
  bool in_profile = false;
  bool found = false;
  AwsCredentials credentials;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return Status::InvalidArgument("credentials file line " + std::to_string(line_number) +
                                       ": unclosed section header");
      }
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      // ~/.aws/config spells it "[profile name]"; accept that form too.
      if (name.starts_with("profile ")) name = Trim(name.substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return Status::InvalidArgument("credentials file line " + std::to_string(line_number) +
                                     ": expected 'name = value'");
    }
    std::string_view name = Trim(line.substr(0, equals));
    std::string value(Trim(line.substr(equals + 1)));
    if (name == "aws_access_key_id") credentials.access_key_id = value;
    if (name == "aws_secret_access_key") credentials.secret_access_key = value;
    if (name == "aws_session_token") credentials.session_token = value;
  }
  if (!found) return Status::NotFound("profile '" + std::string(profile) + "' is not in the file");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("profile '" + std::string(profile) +
                                   "' needs both aws_access_key_id and aws_secret_access_key");
  }
  return credentials;
}

Result<AwsCredentials> ResolveAwsCredentials(const EnvironmentLookup& env,
                                             const CredentialChainOptions& options) {
  std::optional<std::string> key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    return AwsCredentials{*key, *secret, NonEmpty(env, "AWS_SESSION_TOKEN").value_or("")};
  }
  if (key || secret) {
    return Status::InvalidArgument(
        key ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
            : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        "set both, or neither to use a profile");
  }
  std::string looked_at = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
  if (options.use_profile_file) {
    std::string path;
    if (auto file = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE")) {
      path = *file;
    } else if (auto home = NonEmpty(env, "HOME")) {
      path = *home + "/.aws/credentials";
    }
    std::string profile = NonEmpty(env, "AWS_PROFILE").value_or("default");
    if (!path.empty()) {
      std::ifstream in(path);
      if (in) {
        std::stringstream text;
        text << in.rdbuf();
        Result<AwsCredentials> parsed = ParseCredentialsFile(text.str(), profile);
        if (parsed.ok()) return parsed;
        if (!parsed.status().IsNotFound()) {
          return Status::InvalidArgument(path + ": " + parsed.status().message());
        }
      }
      looked_at += ", profile '" + profile + "' in " + path;
    }
  }
  return Status::PermissionDenied("no AWS credentials found (looked at " + looked_at + ")",
                                  "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
}

std::string ResolveAwsRegion(const EnvironmentLookup& env, std::string_view fallback) {
  if (auto region = NonEmpty(env, "AWS_REGION")) return *region;
  if (auto region = NonEmpty(env, "AWS_DEFAULT_REGION")) return *region;
  return std::string(fallback);
}

std::string ResolveAwsEndpoint(const EnvironmentLookup& env, std::string_view service,
                               std::string_view region) {
  if (auto url = NonEmpty(env, "AWS_ENDPOINT_URL_" + UpperService(service))) return *url;
  if (auto url = NonEmpty(env, "AWS_ENDPOINT_URL")) return *url;
  return "https://" + std::string(service) + "." + std::string(region) + ".amazonaws.com";
}

}  // namespace invtrack
