// SigV4 signing for clients (`invtrack upload`, benchmarks, the AWS
// adapters): the header form (Authorization) and the query form (presigned
// URLs), with optional session tokens.
// Thread-safety: free functions over value types.
#ifndef INVTRACK_SIGV4_SIGNER_H_
#define INVTRACK_SIGV4_SIGNER_H_

#include <chrono>
#include <string>
#include <string_view>

#include "sigv4/signable_request.h"

namespace invtrack {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SigningScope {
  std::string region = "us-east-1";
  std::string service = "s3";
};

inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";

// Lower-case hex SHA-256 of `bytes` (the x-amz-content-sha256 of a body).
std::string Sha256Hex(std::string_view bytes);

// Signs `request` in place: adds `x-amz-date`, `x-amz-content-sha256` (for
// service "s3"), `x-amz-security-token` (when a session token is given) and
// `Authorization`. The `host` header must already be present.
// `payload_sha256` is the hex SHA-256 of the body or kUnsignedPayload.
void SignRequest(SignableRequest& request, const AwsCredentials& credentials,
                 const SigningScope& scope, std::string_view payload_sha256,
                 std::chrono::system_clock::time_point now);

// The query string of a presigned URL for `request` (its existing query
// parameters plus the X-Amz-* ones), valid for `expires` from `now`.
// Only `host` is signed as a header. The payload is UNSIGNED-PAYLOAD.
std::string PresignQuery(const SignableRequest& request, const AwsCredentials& credentials,
                         const SigningScope& scope, std::chrono::seconds expires,
                         std::chrono::system_clock::time_point now);

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_SIGNER_H_
