// VerifySignature: time checks, then the signature recomputed from the
// request with the secret. ParseAuthorization is in authorization_parser.cc.
#include "sigv4/verifier.h"

#include "sigv4/canonical_request.h"
#include "sigv4/digest.h"
#include "sigv4/verifier_internal.h"

namespace invtrack {
namespace sigv4_internal {
namespace {

std::optional<AuthError> CheckTime(const ParsedAuthorization& auth,
                                   std::chrono::system_clock::time_point now,
                                   const VerifyOptions& options) {
  std::optional<std::chrono::system_clock::time_point> signed_at = ParseAmzDate(auth.amz_date);
  if (!signed_at) {
    return MakeAuthError(403, "AccessDenied",
                         "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (auth.presigned) {
    // A URL from a client whose clock runs ahead is fine within the skew.
    if (*signed_at > now + options.max_skew) {
      return MakeAuthError(403, "AccessDenied", "Request is not valid yet");
    }
    if (now > *signed_at + std::chrono::seconds(auth.expires_seconds)) {
      return MakeAuthError(403, "AccessDenied", "Request has expired");
    }
    return std::nullopt;
  }
  if (*signed_at > now + options.max_skew || *signed_at < now - options.max_skew) {
    return MakeAuthError(403, "RequestTimeTooSkewed",
                         "The difference between the request time (" + auth.amz_date +
                             ") and the current time is too large.");
  }
  return std::nullopt;
}

}  // namespace

std::vector<CanonicalRules> VerificationRulesFor(std::string_view service) {
  if (service == "s3") {
    return {{PathRule::kS3Reencoded, false}, {PathRule::kS3AsSent, false}};
  }
  return {{PathRule::kEncodeAgain, true}};
}

std::optional<AuthError> VerifySignatureWith(const ParsedAuthorization& auth,
                                             std::string_view secret_access_key,
                                             const SignableRequest& request,
                                             std::chrono::system_clock::time_point now,
                                             const VerifyOptions& options,
                                             const std::vector<CanonicalRules>& rules) {
  if (std::optional<AuthError> error = CheckTime(auth, now, options)) return error;
  if (auth.payload_hash.empty()) {
    return MakeAuthError(400, "InvalidRequest",
                         "Missing required header for this request: x-amz-content-sha256");
  }
  for (const std::string& name : auth.signed_headers) {
    if (!request.Header(name)) {
      return MakeAuthError(403, "SignatureDoesNotMatch",
                           std::string(kSignatureMismatchMessage) + " (signed header \"" + name +
                               "\" is not in the request)");
    }
  }

  const std::string scope = CredentialScope(auth.scope_date, auth.region, auth.service);
  const std::string signing_key =
      DeriveSigningKey(secret_access_key, auth.scope_date, auth.region, auth.service);
  SignatureInputs inputs;
  inputs.query = request.query;
  inputs.drop_signature_param = auth.presigned;
  inputs.signed_headers = auth.signed_headers;
  inputs.payload_hash = auth.payload_hash;
  inputs.amz_date = auth.amz_date;
  inputs.scope = scope;

  std::string previous_uri;
  for (const CanonicalRules& rule : rules) {
    // Only recompute when this rule canonicalizes the path differently.
    std::string uri = CanonicalUri(request.path, rule);
    if (!previous_uri.empty() && uri == previous_uri) continue;
    previous_uri = uri;
    inputs.rules = rule;
    if (ConstantTimeEquals(SignatureFor(request, inputs, signing_key).signature, auth.signature)) {
      return std::nullopt;
    }
  }
  return MakeAuthError(403, "SignatureDoesNotMatch", kSignatureMismatchMessage);
}

}  // namespace sigv4_internal

std::optional<AuthError> VerifySignature(const ParsedAuthorization& auth,
                                         std::string_view secret_access_key,
                                         const SignableRequest& request,
                                         std::chrono::system_clock::time_point now,
                                         const VerifyOptions& options) {
  return sigv4_internal::VerifySignatureWith(auth, secret_access_key, request, now, options,
                                             sigv4_internal::VerificationRulesFor(auth.service));
}

}  // namespace invtrack
