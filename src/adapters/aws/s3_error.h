// S3's error answers: the XML <Error> document (Code, Message, RequestId)
// turned into an AwsCallError and into a Status a person can act on.
// Thread-safety: pure functions.
#ifndef INVTRACK_ADAPTERS_AWS_S3_ERROR_H_
#define INVTRACK_ADAPTERS_AWS_S3_ERROR_H_

#include <string_view>

#include "adapters/aws/aws_call_error.h"
#include "adapters/aws/aws_http_client.h"
#include "core/status.h"

namespace invtrack {

// The error of a non-2xx answer. Without an XML body (HEAD answers have
// none) the code is derived from the status, e.g. 404 -> "NotFound".
AwsCallError ParseS3Error(const AwsResponse& response);

// "<what>: <Code>: <Message> (HTTP <status>, request id <id>)" with a code
// that fits: NotFound (404), PermissionDenied (403), AlreadyExists (409),
// Corruption (BadDigest), Unavailable (5xx, 429), InvalidArgument (other
// 4xx), IOError otherwise. `what` names the call, e.g. "PUT s3://b/k".
Status S3ErrorStatus(std::string_view what, const AwsCallError& error);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_S3_ERROR_H_
