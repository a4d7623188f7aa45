// SignableRequest: the parts of an HTTP request that AWS Signature Version 4
// covers, as they travel on the wire. Used by both the signer (clients) and
// the verifier (the S3 endpoint), so both build the canonical request from
// the same code.
// Thread-safety: a value type.
#ifndef INVTRACK_SIGV4_SIGNABLE_REQUEST_H_
#define INVTRACK_SIGV4_SIGNABLE_REQUEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace invtrack {

struct SignableRequest {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // as on the wire (percent-encoded), e.g. "/bucket/a%20b.csv"
  std::string query;   // raw query string without the '?', possibly empty
  // Header names as sent (any case), values as sent; repeated names allowed.
  std::vector<std::pair<std::string, std::string>> headers;

  // The first value of header `name` (case-insensitive), if present.
  std::optional<std::string_view> Header(std::string_view name) const;
};

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_SIGNABLE_REQUEST_H_
