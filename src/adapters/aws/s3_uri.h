// Percent-encoding of S3 object keys and query values, exactly as SigV4
// canonicalizes them (RFC 3986 unreserved characters stay, everything else
// is %XX with upper-case hex), so what is sent is what is signed.
// Thread-safety: pure functions.
#ifndef INVTRACK_ADAPTERS_AWS_S3_URI_H_
#define INVTRACK_ADAPTERS_AWS_S3_URI_H_

#include <string>
#include <string_view>

namespace invtrack {

// For a path: '/' is kept, so "stores/Berlin/a b.csv" -> "stores/Berlin/a%20b.csv".
std::string S3EncodePath(std::string_view key);

// For a query parameter's name or value: '/' is encoded too.
std::string S3EncodeQueryValue(std::string_view value);

// "/bucket/encoded-key": the path-style address of an object.
std::string S3ObjectPath(std::string_view bucket, std::string_view key);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_S3_URI_H_
