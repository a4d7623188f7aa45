// DeriveSigningKey (declared in verifier.h): the HMAC chain both sides use.
#include "sigv4/digest.h"
#include "sigv4/verifier.h"

namespace invtrack {

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view scope_date,
                             std::string_view region, std::string_view service) {
  using sigv4_internal::HmacSha256;
  std::string key = "AWS4";
  key.append(secret_access_key);
  key = HmacSha256(key, scope_date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, "aws4_request");
}

}  // namespace invtrack
