// Verifier pieces shared inside the sigv4 layer: S3's error texts and the
// verification with explicit canonicalization rules (the AWS suite checks
// a generic service with and without path normalization). Internal.
// Thread-safety: pure functions.
#ifndef INVTRACK_SIGV4_VERIFIER_INTERNAL_H_
#define INVTRACK_SIGV4_VERIFIER_INTERNAL_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/auth_error.h"
#include "sigv4/uri_encoding.h"
#include "sigv4/verifier.h"

namespace invtrack::sigv4_internal {

inline AuthError MakeAuthError(int http_status, std::string code, std::string message) {
  return AuthError{http_status, std::move(code), std::move(message)};
}

inline constexpr char kSignatureMismatchMessage[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";

// The canonicalization rules the verifier tries, in order, for `service`:
// for S3 the path decoded and re-encoded, then the path exactly as sent (a
// client that signs its raw wire path, e.g. with '=' unescaped, is equally
// bound to it); for other services botocore's normalized double encoding.
std::vector<CanonicalRules> VerificationRulesFor(std::string_view service);

std::optional<AuthError> VerifySignatureWith(const ParsedAuthorization& auth,
                                             std::string_view secret_access_key,
                                             const SignableRequest& request,
                                             std::chrono::system_clock::time_point now,
                                             const VerifyOptions& options,
                                             const std::vector<CanonicalRules>& rules);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_VERIFIER_INTERNAL_H_
