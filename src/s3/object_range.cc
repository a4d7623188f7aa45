#include "s3/object_range.h"

#include <charconv>

namespace invtrack {

namespace {

std::optional<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::variant<std::nullopt_t, ByteRange, UnsatisfiableRange> ParseRange(std::string_view header,
                                                                       uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return std::nullopt;
  std::string_view spec = header.substr(kUnit.size());
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // suffix range: the last n bytes
    std::optional<uint64_t> n = ParseNumber(last_text);
    if (!n) return std::nullopt;
    if (*n == 0) return UnsatisfiableRange{};
    uint64_t length = *n < size ? *n : size;
    if (length == 0) return UnsatisfiableRange{};
    return ByteRange{size - length, length};
  }
  std::optional<uint64_t> first = ParseNumber(first_text);
  if (!first) return std::nullopt;
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    std::optional<uint64_t> parsed = ParseNumber(last_text);
    if (!parsed || *parsed < *first) return std::nullopt;
    if (*parsed < last) last = *parsed;
  }
  if (*first >= size) return UnsatisfiableRange{};
  return ByteRange{*first, last - *first + 1};
}

}  // namespace invtrack
