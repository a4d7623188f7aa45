#include "adapters/aws/s3_uri.h"

namespace invtrack {

namespace {

std::string Encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

}  // namespace

std::string S3EncodePath(std::string_view key) { return Encode(key, true); }

std::string S3EncodeQueryValue(std::string_view value) { return Encode(value, false); }

std::string S3ObjectPath(std::string_view bucket, std::string_view key) {
  return "/" + S3EncodePath(bucket) + "/" + S3EncodePath(key);
}

}  // namespace invtrack
