// SigV4 verification on the server side: parse the Authorization header or
// the presigned query parameters, then check the signature with the secret
// of the access key found there.
//
// Error codes follow S3: AccessDenied (no credentials / expired presigned
// URL), AuthorizationHeaderMalformed (400), AuthorizationQueryParametersError
// (400), InvalidAccessKeyId (403, decided by the caller after lookup),
// SignatureDoesNotMatch (403), RequestTimeTooSkewed (403).
// Thread-safety: free functions over value types.
#ifndef INVTRACK_SIGV4_VERIFIER_H_
#define INVTRACK_SIGV4_VERIFIER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sigv4/auth_error.h"
#include "sigv4/signable_request.h"

namespace invtrack {

struct ParsedAuthorization {
  bool presigned = false;
  std::string access_key_id;
  std::string scope_date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;                    // lower-case hex
  std::string amz_date;                     // YYYYMMDDTHHMMSSZ (x-amz-date / X-Amz-Date)
  int64_t expires_seconds = 0;              // presigned only
  // x-amz-content-sha256 for header auth (hex, UNSIGNED-PAYLOAD or a
  // STREAMING-* value); UNSIGNED-PAYLOAD for presigned URLs.
  std::string payload_hash;
};

struct VerifyOptions {
  std::chrono::seconds max_skew{15 * 60};
};

// Finds and parses the credentials of `request`. No credentials at all gives
// AccessDenied; a malformed header or query gives the 400 codes above.
std::variant<ParsedAuthorization, AuthError> ParseAuthorization(const SignableRequest& request);

// Checks time (skew, or presigned expiry) and the signature computed with
// `secret_access_key`. Returns nothing when the request is authentic.
std::optional<AuthError> VerifySignature(const ParsedAuthorization& auth,
                                         std::string_view secret_access_key,
                                         const SignableRequest& request,
                                         std::chrono::system_clock::time_point now,
                                         const VerifyOptions& options = {});

// The SigV4 signing key for a scope (kSecret -> kDate -> kRegion -> kService
// -> "aws4_request"), 32 raw bytes. Chunked uploads reuse it per chunk.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view scope_date,
                             std::string_view region, std::string_view service);

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_VERIFIER_H_
