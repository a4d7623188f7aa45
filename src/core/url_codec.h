// URL encoding as S3 event notifications use it for object keys:
// application/x-www-form-urlencoded, so a space is '+' and a literal '+' is
// "%2B". Pure functions.
#ifndef INVTRACK_CORE_URL_CODEC_H_
#define INVTRACK_CORE_URL_CODEC_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

// '+' becomes ' ', "%XX" becomes the byte XX. A '%' not followed by two hex
// digits is an InvalidArgument.
Result<std::string> FormUrlDecode(std::string_view encoded);

// Encodes every byte except ALPHA / DIGIT / "-._~" and '/' as %XX, with a
// space as '+', the way S3 writes keys into event notifications.
std::string FormUrlEncodeKey(std::string_view key);

}  // namespace invtrack

#endif  // INVTRACK_CORE_URL_CODEC_H_
