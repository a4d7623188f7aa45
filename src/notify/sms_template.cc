#include "notify/sms_template.h"

#include <nlohmann/json.hpp>

#include "core/url_codec.h"

namespace invtrack {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string Escape(std::string_view value, TemplateEscaping escaping) {
  if (escaping == TemplateEscaping::kPercent) return PercentEncode(value, /*keep_slash=*/false);
  // dump() quotes the string; the template supplies its own quotes.
  std::string quoted = nlohmann::json(std::string(value))
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::string_view Trim(std::string_view line) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
  return line;
}

}  // namespace

std::string RenderSmsTemplate(std::string_view pattern, std::string_view to,
                              std::string_view message, TemplateEscaping escaping) {
  static constexpr std::string_view kTo = "{to}";
  static constexpr std::string_view kMessage = "{message}";
  std::string out;
  out.reserve(pattern.size() + to.size() + message.size() * 3);
  size_t i = 0;
  while (i < pattern.size()) {
    std::string_view rest = pattern.substr(i);
    if (rest.starts_with(kTo)) {
      out += Escape(to, escaping);
      i += kTo.size();
    } else if (rest.starts_with(kMessage)) {
      out += Escape(message, escaping);
      i += kMessage.size();
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += IsContinuation(c) ? 0 : 1;
  return count;
}

std::string SmsTextFor(std::string_view text, size_t max_length) {
  std::string joined;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    if (!line.empty()) {
      if (!joined.empty()) joined += '\n';
      joined.append(line);
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (CountCodePoints(joined) <= max_length) return joined;
  // Keep max_length - 1 code points, then the ellipsis.
  size_t kept = 0;
  size_t cut = 0;
  while (cut < joined.size()) {
    if (!IsContinuation(joined[cut])) {
      if (kept == max_length - 1) break;
      ++kept;
    }
    ++cut;
  }
  std::string out(Trim(std::string_view(joined).substr(0, cut)));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out + std::string(kEllipsis);
}

}  // namespace invtrack
