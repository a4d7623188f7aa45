// AwsCallError: why the last call of an AWS client failed, in a form callers
// can act on (the kind of transport failure, or the service's error code)
// beyond the Status message they show.
// Thread-safety: a value type.
#ifndef INVTRACK_ADAPTERS_AWS_AWS_CALL_ERROR_H_
#define INVTRACK_ADAPTERS_AWS_AWS_CALL_ERROR_H_

#include <string>

namespace invtrack {

struct AwsCallError {
  enum class Kind {
    kNone,
    kConnect,    // nothing listens there (refused, unresolvable, connect timeout)
    kTimeout,    // connected, then nothing moved for the idle timeout
    kTransport,  // the connection broke mid-request
    kLocal,      // our own side: reading the body or writing the sink failed
    kService,    // the service answered with an error status
  };
  Kind kind = Kind::kNone;
  int http_status = 0;     // kService
  std::string code;        // kService: e.g. "NoSuchKey", "AccessDenied"
  std::string message;     // the service's message, or the transport's
  std::string request_id;  // kService, when the service sent one
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_AWS_CALL_ERROR_H_
