#include "adapters/aws/s3_error.h"

#include <string>

#include <pugixml.hpp>

namespace invtrack {

namespace {

// What S3 (and the SDKs) call an error that came without a body.
std::string CodeForStatus(int status) {
  switch (status) {
    case 301:
      return "PermanentRedirect";
    case 304:
      return "NotModified";
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 412:
      return "PreconditionFailed";
    case 416:
      return "InvalidRange";
    case 500:
      return "InternalError";
    case 501:
      return "NotImplemented";
    case 503:
      return "ServiceUnavailable";
    default:
      return "HTTP" + std::to_string(status);
  }
}

}  // namespace

AwsCallError ParseS3Error(const AwsResponse& response) {
  AwsCallError error;
  error.kind = AwsCallError::Kind::kService;
  error.http_status = response.status;
  // A body that is not S3 error XML (a proxy's HTML page, a truncated
  // answer) leaves the fields empty; the status then names the error.
  pugi::xml_document document;
  if (document.load_buffer(response.body.data(), response.body.size())) {
    pugi::xml_node root = document.child("Error");
    error.code = root.child_value("Code");
    error.message = root.child_value("Message");
    error.request_id = root.child_value("RequestId");
  }
  if (error.code.empty()) error.code = CodeForStatus(response.status);
  if (error.request_id.empty()) {
    error.request_id = std::string(response.headers.Find("x-amz-request-id").value_or(""));
  }
  return error;
}

Status S3ErrorStatus(std::string_view what, const AwsCallError& error) {
  std::string text = std::string(what) + ": " + error.code;
  if (!error.message.empty()) text += ": " + error.message;
  text += " (HTTP " + std::to_string(error.http_status);
  if (!error.request_id.empty()) text += ", request id " + error.request_id;
  text += ")";
  int status = error.http_status;
  if (error.code == "BadDigest" || error.code == "InvalidDigest") return Status::Corruption(text);
  if (status == 404) return Status::NotFound(text);
  if (status == 403) return Status::PermissionDenied(text);
  if (status == 409) return Status::AlreadyExists(text);
  if (status >= 500 || status == 429) return Status::Unavailable(text);
  if (status >= 400) return Status::InvalidArgument(text);
  return Status::IOError(text);
}

}  // namespace invtrack
