// AwsCredentialChain: where the AWS adapters find their keys and region, in
// the order the AWS SDKs use. In Lambda the runtime puts the function role's
// temporary keys in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION); on a workstation the
// CLI also reads the shared credentials file (~/.aws/credentials, or
// AWS_SHARED_CREDENTIALS_FILE) for the profile AWS_PROFILE (else "default").
// Thread-safety: pure functions over an Environment snapshot.
#ifndef INVTRACK_ADAPTERS_AWS_AWS_CREDENTIALS_H_
#define INVTRACK_ADAPTERS_AWS_AWS_CREDENTIALS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "sigv4/signer.h"

namespace invtrack {

// Reads one environment variable; nullopt when unset. Injected so that tests
// need not touch the process environment.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view)>;

// The real process environment.
EnvironmentLookup ProcessEnvironment();

struct CredentialChainOptions {
  // Whether the shared credentials file may be consulted (the CLI: yes; the
  // Lambda bootstrap: no, a function must use its role's keys).
  bool use_profile_file = true;
};

// Environment first (both keys must be set; the session token is optional),
// then the profile file. PermissionDenied naming every place looked at when
// nothing was found; InvalidArgument when the file or profile is malformed
// (e.g. a key without its secret).
Result<AwsCredentials> ResolveAwsCredentials(const EnvironmentLookup& env,
                                             const CredentialChainOptions& options = {});

// AWS_REGION, then AWS_DEFAULT_REGION, then `fallback`.
std::string ResolveAwsRegion(const EnvironmentLookup& env, std::string_view fallback = "us-east-1");

// The endpoint for `service` ("s3", "dynamodb", "sns"): AWS_ENDPOINT_URL_<SERVICE>,
// then AWS_ENDPOINT_URL (the SDKs' own variables, used to aim at moto or
// LocalStack), else the public regional endpoint https://<service>.<region>.amazonaws.com.
std::string ResolveAwsEndpoint(const EnvironmentLookup& env, std::string_view service,
                               std::string_view region);

// Parses an INI credentials file's text and returns `profile`'s keys.
// NotFound when the profile is absent.
Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_AWS_CREDENTIALS_H_
