// AuthError: why a request's signature was refused, as the S3 error code
// and HTTP status a client expects (e.g. 403 SignatureDoesNotMatch).
// Thread-safety: a value type.
#ifndef INVTRACK_SIGV4_AUTH_ERROR_H_
#define INVTRACK_SIGV4_AUTH_ERROR_H_

#include <string>

namespace invtrack {

struct AuthError {
  int http_status = 403;
  std::string code;     // "SignatureDoesNotMatch", "InvalidAccessKeyId", ...
  std::string message;  // human-readable, safe to show the client
};

}  // namespace invtrack

#endif  // INVTRACK_SIGV4_AUTH_ERROR_H_
