// The binary-to-text encodings of the S3 protocol: base64 (Content-MD5,
// checksums) and hex (ETags, x-amz-content-sha256). Percent-encoding is in
// core/url_codec.h.
// Thread-safety: pure functions.
#ifndef INVTRACK_S3_TEXT_CODEC_H_
#define INVTRACK_S3_TEXT_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is canonical, padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

std::string HexEncode(std::string_view bytes);  // lower-case
std::optional<std::string> HexDecode(std::string_view text);

}  // namespace invtrack

#endif  // INVTRACK_S3_TEXT_CODEC_H_
