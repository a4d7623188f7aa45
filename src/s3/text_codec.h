// The encodings the S3 protocol is made of: percent-encoding of keys in
// paths, queries and `encoding-type=url` listings, base64 (Content-MD5,
// checksums) and hex (ETags, x-amz-content-sha256).
// Thread-safety: pure functions.
#ifndef INVTRACK_S3_TEXT_CODEC_H_
#define INVTRACK_S3_TEXT_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

// Decodes %XX escapes; with `plus_is_space` also '+' (query strings).
// nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Escapes every byte except unreserved characters (A-Z a-z 0-9 - . _ ~)
// and, when `keep_slash`, '/'.
std::string PercentEncode(std::string_view bytes, bool keep_slash);

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is canonical, padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

std::string HexEncode(std::string_view bytes);  // lower-case
std::optional<std::string> HexDecode(std::string_view text);

}  // namespace invtrack

#endif  // INVTRACK_S3_TEXT_CODEC_H_
