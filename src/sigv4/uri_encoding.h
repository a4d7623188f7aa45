// The URI half of a SigV4 canonical request: canonical path and canonical
// query string, and the percent-encoding rules behind them. Internal to the
// sigv4 layer; shared by signer and verifier so both canonicalize alike.
// Thread-safety: pure functions.
#ifndef INVTRACK_SIGV4_URI_ENCODING_H_
#define INVTRACK_SIGV4_URI_ENCODING_H_

#include <string>
#include <string_view>

namespace invtrack::sigv4_internal {

// How a request path becomes the canonical URI.
enum class PathRule {
  // S3 signing, as botocore does it: the path exactly as sent. Only bytes
  // that cannot travel raw in a path (space, non-ASCII, controls, a '%'
  // without two hex digits, ...) are encoded, so a caller that passes an
  // unencoded key still gets a signature that matches the wire.
  kS3AsSent,
  // S3 verification: percent-decode the path and encode every byte except
  // unreserved ones and '/'. Clients that escape more or less than botocore
  // (e.g. leave '=' or '@' raw) canonicalize to the same string.
  kS3Reencoded,
  // Every other AWS service: encode the path as sent once more ("double
  // encoding"; '%' becomes "%25").
  kEncodeAgain,
};

struct CanonicalRules {
  PathRule path_rule = PathRule::kS3Reencoded;
  // Remove "." and ".." segments and empty segments first (RFC 3986 5.2.4
  // plus AWS's slash collapsing). AWS services other than S3 expect this;
  // S3 never normalizes, since "a//b" and "a/./b" are distinct keys.
  bool normalize_path = false;
};

// Unreserved bytes (A-Z a-z 0-9 - . _ ~) stay; all others become %XX
// (upper-case hex). '/' stays too when `keep_slash`.
std::string UriEncode(std::string_view bytes, bool keep_slash);

// "%XX" becomes the byte XX; a '%' without two hex digits stays literal.
// With `plus_is_space` (query strings) '+' becomes ' '.
std::string PercentDecode(std::string_view encoded, bool plus_is_space);

// botocore's remove_dot_segments: drops ".", resolves "..", collapses "//",
// keeps a leading and a trailing '/'.
std::string NormalizePath(std::string_view path);

std::string CanonicalUri(std::string_view wire_path, const CanonicalRules& rules);

// Each parameter decoded and re-encoded (name and value), sorted by name and
// then value, joined as "name=value" with '&' ("name=" when it had no value).
// With `drop_signature`, X-Amz-Signature is left out (presigned URLs).
std::string CanonicalQuery(std::string_view raw_query, bool drop_signature);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_URI_ENCODING_H_
