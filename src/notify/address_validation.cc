#include "notify/address_validation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>

#include <arpa/inet.h>
#include <curl/curl.h>

namespace invtrack {

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext: what an unquoted local part may hold besides dots.
bool IsAtext(char c) {
  return IsAsciiAlnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string::npos;
}

// Shows a value in a message without letting it break the line.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value.substr(0, 200)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  return out + (value.size() > 200 ? "...'" : "'");
}

Status ValidateDomain(std::string_view domain, std::string_view what) {
  if (domain.empty()) return Status::InvalidArgument(std::string(what) + " has no domain");
  if (domain.size() > 253) return Status::InvalidArgument(std::string(what) + " domain too long");
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63) {
      return Status::InvalidArgument(std::string(what) + " domain " + Quoted(domain) +
                                     " has an empty or over-long label");
    }
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return IsAsciiAlnum(c) || c == '-'; })) {
      return Status::InvalidArgument(std::string(what) + " domain " + Quoted(domain) +
                                     " may hold only letters, digits, '-' and '.'");
    }
    if (label.front() == '-' || label.back() == '-') {
      return Status::InvalidArgument(std::string(what) + " domain " + Quoted(domain) +
                                     " has a label starting or ending with '-'");
    }
    start = end + 1;
  }
  return Status::OK();
}

struct UrlParts {
  std::string scheme;
  std::string host;  // lower case, IPv6 without brackets, no trailing dot
  long port = 0;     // the scheme's default when the URL has none
};

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// Reads one part; nullopt when the URL does not have it.
std::optional<std::string> GetPart(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

Result<UrlParts> ParseWebhookUrl(std::string_view url) {
  if (url.empty()) return Status::InvalidArgument("webhook URL is empty");
  if (url.size() > 2048) return Status::InvalidArgument("webhook URL is longer than 2048 bytes");
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
      return Status::InvalidArgument("webhook URL " + Quoted(url) +
                                     " contains a space, control or non-ASCII character "
                                     "(percent-encode it)");
    }
  }
  // curl reads "https:///x" as host "x"; a user who wrote that meant
  // something else.
  size_t authority = url.find("://");
  if (authority != std::string_view::npos && url.substr(authority + 3).starts_with("/")) {
    return Status::InvalidArgument("webhook URL " + Quoted(url) + " has no host");
  }
  std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
  if (!handle) return Status::Internal("out of memory parsing a URL");
  std::string text(url);
  // No scheme guessing: "example.com/hook" is refused, not read as http.
  CURLUcode parsed = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0);
  if (parsed != CURLUE_OK) {
    return Status::InvalidArgument("webhook URL " + Quoted(url) + " is not a valid URL",
                                   curl_url_strerror(parsed));
  }
  UrlParts parts;
  parts.scheme = GetPart(handle.get(), CURLUPART_SCHEME).value_or("");
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Status::InvalidArgument("webhook URL " + Quoted(url) +
                                   " must start with http:// or https://");
  }
  if (GetPart(handle.get(), CURLUPART_USER) || GetPart(handle.get(), CURLUPART_PASSWORD)) {
    return Status::InvalidArgument("webhook URL " + Quoted(url) +
                                   " must not contain a user name or password (use --secret "
                                   "to sign requests instead)");
  }
  if (GetPart(handle.get(), CURLUPART_FRAGMENT)) {
    return Status::InvalidArgument("webhook URL " + Quoted(url) +
                                   " must not contain a fragment ('#...'): it is never sent");
  }
  std::string host = GetPart(handle.get(), CURLUPART_HOST).value_or("");
  if (host.empty()) return Status::InvalidArgument("webhook URL " + Quoted(url) + " has no host");
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host.front() == '[') {
    host = host.substr(1, host.size() - 2);
    in6_addr ignored{};
    size_t zone = host.find('%');
    if (inet_pton(AF_INET6, host.substr(0, zone).c_str(), &ignored) != 1) {
      return Status::InvalidArgument("webhook URL " + Quoted(url) + " has a bad IPv6 address");
    }
  } else {
    if (host.back() == '.') host.pop_back();
    INVTRACK_RETURN_IF_ERROR(ValidateDomain(host, "webhook URL"));
  }
  parts.host = host;
  std::string port = GetPart(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("");
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), parts.port);
  if (error != std::errc() || end != port.data() + port.size() || parts.port <= 0 ||
      parts.port > 65535) {
    return Status::InvalidArgument("webhook URL " + Quoted(url) + " has a bad port");
  }
  return parts;
}

enum class HostKind { kLoopback, kUnspecified, kOther };

// Canonical text of an IP literal (so "::0:1" equals "::1"), else `host`.
std::string CanonicalHost(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return inet_ntop(AF_INET, &v4, text, sizeof(text));
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    // A v4-mapped address is the IPv4 address.
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      memcpy(&v4, &v6.s6_addr[12], 4);
      return inet_ntop(AF_INET, &v4, text, sizeof(text));
    }
    return inet_ntop(AF_INET6, &v6, text, sizeof(text));
  }
  return host;
}

HostKind ClassifyHost(const std::string& canonical) {
  if (canonical.empty() || canonical == "*" || canonical == "0.0.0.0" || canonical == "::")
    return HostKind::kUnspecified;
  if (canonical == "localhost" || canonical == "::1" ||
      (canonical.size() > 10 && canonical.ends_with(".localhost")))
    return HostKind::kLoopback;
  in_addr v4{};
  if (inet_pton(AF_INET, canonical.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127)
    return HostKind::kLoopback;
  return HostKind::kOther;
}

struct Listener {
  std::string host;  // canonical
  long port = 0;
};

Result<Listener> ParseListener(std::string_view address) {
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return Status::InvalidArgument("listen address " + Quoted(address) + " is not [v6]:port");
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string_view::npos)
      return Status::InvalidArgument("listen address " + Quoted(address) + " is not host:port");
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  Listener listener;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), listener.port);
  if (error != std::errc() || end != port.data() + port.size() || listener.port < 0 ||
      listener.port > 65535)
    return Status::InvalidArgument("listen address " + Quoted(address) + " has a bad port");
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  listener.host = CanonicalHost(lower);
  return listener;
}

}  // namespace

Status ValidateEmailAddress(std::string_view address) {
  if (address.empty()) return Status::InvalidArgument("e-mail address is empty");
  if (address.size() > 254) {
    return Status::InvalidArgument("e-mail address is longer than 254 characters");
  }
  for (char c : address) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
      return Status::InvalidArgument("e-mail address " + Quoted(address) +
                                     " contains a space, control or non-ASCII character");
    }
  }
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) {
    return Status::InvalidArgument("e-mail address " + Quoted(address) + " has no '@'");
  }
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64) {
    return Status::InvalidArgument("e-mail address " + Quoted(address) +
                                   " needs 1 to 64 characters before the '@'");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos ||
      !std::all_of(local.begin(), local.end(), [](char c) { return IsAtext(c) || c == '.'; })) {
    return Status::InvalidArgument("e-mail address " + Quoted(address) +
                                   " has an invalid part before the '@' (letters, digits, "
                                   "!#$%&'*+-/=?^_`{|}~ and single inner dots)");
  }
  return ValidateDomain(domain, "e-mail address");
}

Status ValidatePhoneNumber(std::string_view number) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string_view digits = number.empty() ? number : number.substr(1);
  if (number.empty() || number.front() != '+' || digits.size() < 8 || digits.size() > 15 ||
      !std::all_of(digits.begin(), digits.end(), is_digit) || digits.front() == '0') {
    return Status::InvalidArgument("phone number " + Quoted(number) +
                                   " is not in E.164 form: '+', the country code and number, "
                                   "8 to 15 digits without spaces, e.g. +4915112345678");
  }
  return Status::OK();
}

Status ValidateWebhookUrl(std::string_view url) { return ParseWebhookUrl(url).status(); }

Result<bool> TargetsOwnListener(std::string_view url,
                                const std::vector<std::string>& listen_addresses) {
  Result<UrlParts> parts = ParseWebhookUrl(url);
  if (!parts.ok()) return parts.status();
  std::string target = CanonicalHost(parts->host);
  HostKind target_kind = ClassifyHost(target);
  for (const std::string& address : listen_addresses) {
    Result<Listener> listener = ParseListener(address);
    if (!listener.ok()) return listener.status();
    if (listener->port != parts->port) continue;
    HostKind listener_kind = ClassifyHost(listener->host);
    if (listener_kind == HostKind::kUnspecified) return true;
    if (target_kind == HostKind::kUnspecified) return true;  // 0.0.0.0 reaches this machine
    if (listener_kind == HostKind::kLoopback && target_kind == HostKind::kLoopback) return true;
    if (listener->host == target) return true;
  }
  return false;
}

}  // namespace invtrack
