// The SigV4 canonical request and string to sign, built from a
// SignableRequest. Internal to the sigv4 layer; the signer and the verifier
// both call SignatureFor, so they cannot disagree on canonicalization.
// Thread-safety: pure functions.
#ifndef INVTRACK_SIGV4_CANONICAL_REQUEST_H_
#define INVTRACK_SIGV4_CANONICAL_REQUEST_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/signable_request.h"
#include "sigv4/uri_encoding.h"

namespace invtrack::sigv4_internal {

inline constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
inline constexpr char kEmptySha256Hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Trims the value and collapses each run of whitespace (including the line
// breaks of folded headers) into one space, as botocore does.
std::string CanonicalHeaderValue(std::string_view value);

// "name:value\n" for each of `signed_headers` (lower-case, in the given
// order), values of repeated headers joined by ','. A header missing from
// the request contributes "name:\n".
std::string CanonicalHeaders(const SignableRequest& request,
                             const std::vector<std::string>& signed_headers);

// "a;b;c"
std::string JoinSignedHeaders(const std::vector<std::string>& signed_headers);

// Everything the signature covers besides the request itself.
struct SignatureInputs {
  std::string_view query;  // raw query string to canonicalize
  bool drop_signature_param = false;
  std::vector<std::string> signed_headers;  // lower-case
  std::string_view payload_hash;
  CanonicalRules rules;
  std::string_view amz_date;  // YYYYMMDDTHHMMSSZ
  std::string_view scope;     // date/region/service/aws4_request
};

struct SignatureParts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
};

SignatureParts SignatureFor(const SignableRequest& request, const SignatureInputs& inputs,
                            std::string_view signing_key);

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// YYYYMMDDTHHMMSSZ in UTC.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);
// Parses YYYYMMDDTHHMMSSZ; nullopt unless it is exactly that and a real date.
std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_CANONICAL_REQUEST_H_
