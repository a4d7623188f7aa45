#include "lambda/lambda_handler.h"

namespace invtrack {

std::string ErrorTypeFor(const Status& status) {
  if (status.IsPermissionDenied()) return "Function.AccessDenied";
  if (status.IsNotFound()) return "Function.NotFound";
  if (status.IsUnavailable()) return "Function.Unavailable";
  if (status.IsAborted()) return "Function.Aborted";
  if (status.IsInvalidArgument()) return "Function.InvalidArgument";
  return "Function.Error";
}

}  // namespace invtrack
