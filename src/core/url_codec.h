// Percent-encoding (RFC 3986), and the form S3 event notifications use for
// object keys: application/x-www-form-urlencoded, so a space is '+' and a
// literal '+' is "%2B". Pure functions.
#ifndef INVTRACK_CORE_URL_CODEC_H_
#define INVTRACK_CORE_URL_CODEC_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

// "%XX" becomes the byte XX, and with `plus_is_space` '+' becomes ' '. A
// '%' not followed by two hex digits is an InvalidArgument.
Result<std::string> PercentDecode(std::string_view encoded, bool plus_is_space);

// Escapes every byte as %XX except unreserved characters (A-Z a-z 0-9
// - . _ ~) and, when `keep_slash`, '/'.
std::string PercentEncode(std::string_view bytes, bool keep_slash);

// PercentDecode with '+' as ' ' (keys in S3 event notifications).
inline Result<std::string> FormUrlDecode(std::string_view encoded) {
  return PercentDecode(encoded, true);
}

// Encodes every byte except ALPHA / DIGIT / "-._~" and '/' as %XX, with a
// space as '+', the way S3 writes keys into event notifications.
std::string FormUrlEncodeKey(std::string_view key);

}  // namespace invtrack

#endif  // INVTRACK_CORE_URL_CODEC_H_
