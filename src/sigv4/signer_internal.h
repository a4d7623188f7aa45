// The signer with its knobs exposed: which canonicalization rules apply and
// which headers are signed. The public SignRequest/PresignQuery pick
// botocore's choices; tests (the AWS SigV4 suite, which signs for a generic
// service with or without path normalization) pick their own. Internal.
// Thread-safety: pure functions.
#ifndef INVTRACK_SIGV4_SIGNER_INTERNAL_H_
#define INVTRACK_SIGV4_SIGNER_INTERNAL_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/canonical_request.h"
#include "sigv4/signer.h"

namespace invtrack::sigv4_internal {

// The rules botocore uses for `service`: S3 signs the path as sent, every
// other service normalizes it and encodes it again.
CanonicalRules SigningRulesFor(std::string_view service);

// Header names botocore signs in `request`: every header except
// authorization, expect, user-agent and x-amzn-trace-id; lower-case,
// sorted, without duplicates.
std::vector<std::string> HeadersToSign(const SignableRequest& request);

struct HeaderSigningOptions {
  CanonicalRules rules;
  bool add_content_sha256_header = true;  // x-amz-content-sha256 (S3)
  bool sign_session_token = true;         // false: token header added after signing
};

// SignRequest with explicit options; returns the intermediate strings too.
SignatureParts SignRequestWith(SignableRequest& request, const AwsCredentials& credentials,
                               const SigningScope& scope, std::string_view payload_sha256,
                               std::chrono::system_clock::time_point now,
                               const HeaderSigningOptions& options);

struct PresignOptions {
  CanonicalRules rules;
  bool sign_all_headers = false;  // false: only host
  std::string payload_hash = kUnsignedPayload;
  bool sign_session_token = true;  // false: token parameter added after signing
};

struct PresignResult {
  std::string query;
  SignatureParts parts;
};

PresignResult PresignQueryWith(const SignableRequest& request, const AwsCredentials& credentials,
                               const SigningScope& scope, std::chrono::seconds expires,
                               std::chrono::system_clock::time_point now,
                               const PresignOptions& options);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_SIGNER_INTERNAL_H_
