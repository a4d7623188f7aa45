#include "sigv4/canonical_request.h"

#include <ctime>

#include <strings.h>

#include "sigv4/digest.h"

namespace invtrack::sigv4_internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool ParseDigits(std::string_view text, int& out) {
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalHeaders(const SignableRequest& request,
                             const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& [header_name, value] : request.headers) {
      if (!EqualsIgnoreCase(header_name, name)) continue;
      if (!first) out.push_back(',');
      out.append(CanonicalHeaderValue(value));
      first = false;
    }
    out.push_back('\n');
  }
  return out;
}

std::string JoinSignedHeaders(const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    if (!out.empty()) out.push_back(';');
    out.append(name);
  }
  return out;
}

SignatureParts SignatureFor(const SignableRequest& request, const SignatureInputs& inputs,
                            std::string_view signing_key) {
  SignatureParts parts;
  std::string& creq = parts.canonical_request;
  creq.append(request.method).push_back('\n');
  creq.append(CanonicalUri(request.path, inputs.rules)).push_back('\n');
  creq.append(CanonicalQuery(inputs.query, inputs.drop_signature_param)).push_back('\n');
  creq.append(CanonicalHeaders(request, inputs.signed_headers)).push_back('\n');
  creq.append(JoinSignedHeaders(inputs.signed_headers)).push_back('\n');
  creq.append(inputs.payload_hash);

  std::string& sts = parts.string_to_sign;
  sts.append(kAlgorithm).push_back('\n');
  sts.append(inputs.amz_date).push_back('\n');
  sts.append(inputs.scope).push_back('\n');
  sts.append(HexEncode(Sha256(creq)));

  parts.signature = HexEncode(HmacSha256(signing_key, sts));
  return parts;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope;
  scope.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  int year, month, day, hour, minute, second;
  if (!ParseDigits(text.substr(0, 4), year) || !ParseDigits(text.substr(4, 2), month) ||
      !ParseDigits(text.substr(6, 2), day) || !ParseDigits(text.substr(9, 2), hour) ||
      !ParseDigits(text.substr(11, 2), minute) || !ParseDigits(text.substr(13, 2), second)) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

}  // namespace invtrack::sigv4_internal
