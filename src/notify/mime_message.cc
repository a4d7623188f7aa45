#include "notify/mime_message.h"

#include <cstdio>
#include <ctime>
#include <string_view>

#include <openssl/evp.h>

namespace invtrack {

namespace {

constexpr std::string_view kHexDigits = "0123456789ABCDEF";
// An encoded-word is at most 75 characters (RFC 2047 section 2):
// "=?UTF-8?B?" + 60 base64 characters + "?=" carries 45 bytes.
constexpr size_t kBytesPerEncodedWord = 45;
// Longer plain subjects are encoded too, so that they can be folded.
constexpr size_t kMaxPlainHeaderText = 900;
constexpr size_t kMaxQuotedPrintableLine = 76;

bool IsPrintableAscii(unsigned char c) { return c >= 0x20 && c <= 0x7E; }

// CR, LF and other control characters become spaces: no input can end a
// header line early.
std::string WithoutControls(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The length of the longest prefix of `bytes` no longer than `limit` that
// does not split a UTF-8 sequence.
size_t Utf8Prefix(std::string_view bytes, size_t limit) {
  if (bytes.size() <= limit) return bytes.size();
  size_t cut = limit;
  // Step back over continuation bytes (10xxxxxx) to a sequence start.
  while (cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80) --cut;
  return cut == 0 ? limit : cut;  // not UTF-8 at all: cut anywhere
}

bool NeedsEncoding(std::string_view value) {
  if (value.size() > kMaxPlainHeaderText) return true;
  if (value.find("=?") != std::string_view::npos) return true;  // would read as a word
  for (char c : value) {
    if (!IsPrintableAscii(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// A display name as a quoted-string or encoded words.
std::string EncodeDisplayName(std::string_view name) {
  std::string clean = WithoutControls(name);
  if (NeedsEncoding(clean)) return EncodeHeaderText(clean);
  std::string out = "\"";
  for (char c : clean) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void AppendQuotedPrintableLine(std::string_view line, std::string& out) {
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    size_t width = literal ? 1 : 3;
    // Leave room for the soft break '=' unless this is the line's end.
    size_t room = last ? kMaxQuotedPrintableLine : kMaxQuotedPrintableLine - 1;
    if (column + width > room) {
      out += "=\r\n";
      column = 0;
    }
    if (literal) {
      out += static_cast<char>(c);
    } else {
      out += '=';
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0x0F];
    }
    column += width;
  }
  out += "\r\n";
}

std::string BoundaryFor(std::string_view id) {
  // "=_" cannot occur in quoted-printable text ('=' is always followed by
  // a hex digit or a line break), so the parts can never contain it.
  std::string boundary = "=_invtrack_";
  for (char c : id) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) boundary += c;
    if (boundary.size() >= 60) break;
  }
  return boundary;
}

void AppendTextPart(std::string& out, std::string_view subtype, std::string_view body) {
  out.append("Content-Type: text/").append(subtype).append("; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(EncodeQuotedPrintable(body));
}

}  // namespace

std::string FormatRfc5322Date(int64_t epoch_ms) {
  time_t seconds = static_cast<time_t>(epoch_ms / 1000);
  if (epoch_ms < 0 && epoch_ms % 1000 != 0) --seconds;
  tm utc{};
  gmtime_r(&seconds, &utc);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[40];
  snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
           utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
           utc.tm_sec);
  return text;
}

std::string EncodeHeaderText(std::string_view value) {
  std::string clean = WithoutControls(value);
  if (!NeedsEncoding(clean)) return clean;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    size_t take = Utf8Prefix(rest, kBytesPerEncodedWord);
    if (!out.empty()) out += "\r\n ";  // folding: the space between words is not shown
    out += "=?UTF-8?B?" + Base64(rest.substr(0, take)) + "?=";
    rest.remove_prefix(take);
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    AppendQuotedPrintableLine(line, out);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string MessageIdFor(std::string_view id) {
  std::string local;
  for (char c : id) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '_' || c == '-')
      local += c;
  }
  // A dot-atom may not start or end with '.' or hold "..".
  std::string dot_atom;
  for (char c : local) {
    if (c == '.' && (dot_atom.empty() || dot_atom.back() == '.')) continue;
    dot_atom += c;
  }
  while (!dot_atom.empty() && dot_atom.back() == '.') dot_atom.pop_back();
  if (dot_atom.empty()) dot_atom = "unnamed";
  return "<" + dot_atom + "@invtrack>";
}

std::string BuildMimeMessage(const MailContent& mail) {
  std::string out;
  AppendHeader(out, "Date", FormatRfc5322Date(mail.date_ms));
  AppendHeader(out, "Message-ID", MessageIdFor(mail.message_id));
  std::string from_address = WithoutControls(mail.from_address);
  if (mail.from_name.empty()) {
    AppendHeader(out, "From", from_address);
  } else {
    AppendHeader(out, "From", EncodeDisplayName(mail.from_name) + " <" + from_address + ">");
  }
  AppendHeader(out, "To", WithoutControls(mail.to_address));
  AppendHeader(out, "Subject", EncodeHeaderText(mail.subject));
  AppendHeader(out, "MIME-Version", "1.0");
  // RFC 3834: tells auto-responders not to answer an alert.
  AppendHeader(out, "Auto-Submitted", "auto-generated");
  if (mail.html.empty()) {
    AppendTextPart(out, "plain", mail.text);
    return out;
  }
  std::string boundary = BoundaryFor(mail.message_id);
  AppendHeader(out, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += "\r\nThis is a multi-part message in MIME format.\r\n";
  // The line break before a delimiter belongs to the delimiter (RFC 2046
  // section 5.1.1): add one so each part keeps its own final line break.
  out += "--" + boundary + "\r\n";
  AppendTextPart(out, "plain", mail.text);
  out += "\r\n--" + boundary + "\r\n";
  AppendTextPart(out, "html", mail.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace invtrack
