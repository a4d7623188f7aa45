// ParseAuthorization (declared in verifier.h): reads the credentials of a
// request from the Authorization header or from the presigned X-Amz-*
// query parameters, with S3's error codes and messages for malformed input.
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/canonical_request.h"
#include "sigv4/signer.h"
#include "sigv4/uri_encoding.h"
#include "sigv4/verifier.h"
#include "sigv4/verifier_internal.h"

namespace invtrack {
namespace {

using sigv4_internal::MakeAuthError;

constexpr char kHeaderMalformed[] = "AuthorizationHeaderMalformed";
constexpr char kQueryError[] = "AuthorizationQueryParametersError";
constexpr int64_t kMaxPresignSeconds = 604800;  // one week, S3's limit

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The parts shared by both forms; `code` is the error code of the form.
class CredentialParser {
 public:
  explicit CredentialParser(const char* code) : code_(code) {}

  // "AKID/YYYYMMDD/region/service/aws4_request"
  std::optional<AuthError> Credential(std::string_view credential, ParsedAuthorization& auth) {
    std::vector<std::string_view> parts;
    while (true) {
      size_t slash = credential.find('/');
      parts.push_back(credential.substr(0, slash));
      if (slash == std::string_view::npos) break;
      credential.remove_prefix(slash + 1);
    }
    if (parts.size() != 5) return Malformed();
    for (std::string_view part : parts) {
      if (part.empty()) return Malformed();
    }
    if (parts[4] != "aws4_request") {
      return Error("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                   std::string(parts[4]) + "'.");
    }
    if (parts[1].size() != 8 || !IsDigits(parts[1])) {
      return Error("Invalid credential date \"" + std::string(parts[1]) +
                   "\". It must be in YYYYMMDD format.");
    }
    auth.access_key_id = parts[0];
    auth.scope_date = parts[1];
    auth.region = parts[2];
    auth.service = parts[3];
    return std::nullopt;
  }

  std::optional<AuthError> SignedHeaders(std::string_view list, ParsedAuthorization& auth) {
    if (list.empty()) return Error("SignedHeaders is empty; it must list at least host.");
    bool has_host = false;
    while (true) {
      size_t semicolon = list.find(';');
      std::string name = Lower(list.substr(0, semicolon));
      if (name.empty()) return Error("SignedHeaders contains an empty header name.");
      has_host = has_host || name == "host";
      auth.signed_headers.push_back(std::move(name));
      if (semicolon == std::string_view::npos) break;
      list.remove_prefix(semicolon + 1);
    }
    if (!has_host) return Error("SignedHeaders must include host.");
    return std::nullopt;
  }

  std::optional<AuthError> Signature(std::string_view signature, ParsedAuthorization& auth) {
    if (signature.size() != 64 || !IsHex(signature)) {
      return Error("Signature must be 64 hexadecimal characters, not \"" +
                   std::string(signature.substr(0, 80)) + "\".");
    }
    auth.signature = Lower(signature);
    return std::nullopt;
  }

  // The credential's date must be the day of X-Amz-Date.
  std::optional<AuthError> SameDay(const ParsedAuthorization& auth) {
    if (auth.amz_date.compare(0, 8, auth.scope_date) != 0) {
      return Error("Invalid credential date \"" + auth.scope_date +
                   "\". This date is not the same as X-Amz-Date: \"" + auth.amz_date + "\".");
    }
    return std::nullopt;
  }

  AuthError Error(std::string message) const { return MakeAuthError(400, code_, message); }

 private:
  AuthError Malformed() const {
    return Error(
        "The Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }

  const char* code_;
};

bool IsKnownPayloadHash(std::string_view value) {
  return value == kUnsignedPayload || value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" ||
         value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" ||
         value == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" || (value.size() == 64 && IsHex(value));
}

std::optional<AuthError> ReadPayloadHash(const SignableRequest& request,
                                         ParsedAuthorization& auth) {
  std::optional<std::string_view> hash = request.Header("x-amz-content-sha256");
  if (!hash) {
    // S3 insists on the header; other services hash the body, which the
    // caller then fills in.
    if (auth.service != "s3") return std::nullopt;
    return MakeAuthError(400, "InvalidRequest",
                         "Missing required header for this request: x-amz-content-sha256");
  }
  std::string_view value = Trim(*hash);
  if (!IsKnownPayloadHash(value)) {
    return MakeAuthError(400, "InvalidArgument",
                         "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value or "
                         "the hex SHA-256 of the payload, not \"" +
                             std::string(value.substr(0, 80)) + "\".");
  }
  auth.payload_hash = value;
  return std::nullopt;
}

std::variant<ParsedAuthorization, AuthError> ParseHeader(const SignableRequest& request,
                                                         std::string_view header) {
  CredentialParser parser(kHeaderMalformed);
  header = Trim(header);
  std::string_view algorithm = header.substr(0, header.find(' '));
  if (algorithm != sigv4_internal::kAlgorithm) {
    return parser.Error("Unsupported authorization type \"" + std::string(algorithm.substr(0, 40)) +
                        "\"; only AWS4-HMAC-SHA256 is accepted.");
  }
  std::string_view rest = header.substr(algorithm.size());
  std::map<std::string, std::string_view> fields;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view field = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = field.find('=');
    std::string name(field.substr(0, eq));
    if (eq == std::string_view::npos ||
        (name != "Credential" && name != "SignedHeaders" && name != "Signature")) {
      return parser.Error("The authorization header is malformed; unexpected component \"" +
                          std::string(field.substr(0, 40)) +
                          "\" (expected Credential=, SignedHeaders=, Signature=).");
    }
    if (!fields.emplace(name, field.substr(eq + 1)).second) {
      return parser.Error("The authorization header is malformed; " + name +
                          " appears more than once.");
    }
  }
  for (const char* name : {"Credential", "SignedHeaders", "Signature"}) {
    if (fields.count(name) == 0) {
      return parser.Error(std::string("The authorization header is malformed; it is missing ") +
                          name + "=.");
    }
  }

  ParsedAuthorization auth;
  if (auto error = parser.Credential(fields["Credential"], auth)) return *error;
  if (auto error = parser.SignedHeaders(fields["SignedHeaders"], auth)) return *error;
  if (auto error = parser.Signature(fields["Signature"], auth)) return *error;
  std::optional<std::string_view> date = request.Header("x-amz-date");
  if (!date || !sigv4_internal::ParseAmzDate(Trim(*date))) {
    return MakeAuthError(403, "AccessDenied",
                         "AWS authentication requires a valid Date or x-amz-date header");
  }
  auth.amz_date = Trim(*date);
  if (auto error = parser.SameDay(auth)) return *error;
  if (auto error = ReadPayloadHash(request, auth)) return *error;
  return auth;
}

// Decoded query parameters; the X-Amz-* auth ones must appear once.
using QueryParams = std::multimap<std::string, std::string>;

QueryParams DecodeQuery(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string value = eq == std::string_view::npos
                            ? std::string()
                            : sigv4_internal::PercentDecode(pair.substr(eq + 1), true);
    params.emplace(sigv4_internal::PercentDecode(pair.substr(0, eq), true), std::move(value));
  }
  return params;
}

bool HasQueryAuth(const QueryParams& params) {
  return params.count("X-Amz-Algorithm") > 0 || params.count("X-Amz-Credential") > 0 ||
         params.count("X-Amz-Signature") > 0;
}

std::variant<ParsedAuthorization, AuthError> ParseQuery(const QueryParams& params) {
  CredentialParser parser(kQueryError);
  std::map<std::string, std::string> values;
  for (const char* name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                           "X-Amz-SignedHeaders", "X-Amz-Expires"}) {
    size_t count = params.count(name);
    if (count == 0) {
      return parser.Error(
          std::string("Query-string authentication version 4 requires the X-Amz-Algorithm, "
                      "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                      "X-Amz-Expires parameters; ") +
          name + " is missing.");
    }
    if (count > 1) return parser.Error(std::string(name) + " appears more than once.");
    values[name] = params.find(name)->second;
  }
  if (values["X-Amz-Algorithm"] != sigv4_internal::kAlgorithm) {
    return parser.Error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  }

  ParsedAuthorization auth;
  auth.presigned = true;
  if (auto error = parser.Credential(values["X-Amz-Credential"], auth)) return *error;
  if (auto error = parser.SignedHeaders(values["X-Amz-SignedHeaders"], auth)) return *error;
  if (auto error = parser.Signature(values["X-Amz-Signature"], auth)) return *error;
  if (!sigv4_internal::ParseAmzDate(values["X-Amz-Date"])) {
    return parser.Error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
  }
  auth.amz_date = values["X-Amz-Date"];
  if (auto error = parser.SameDay(auth)) return *error;

  const std::string& expires = values["X-Amz-Expires"];
  if (!expires.empty() && expires[0] == '-' && IsDigits(std::string_view(expires).substr(1))) {
    return parser.Error("X-Amz-Expires must be non-negative.");
  }
  if (!IsDigits(expires)) return parser.Error("X-Amz-Expires should be a number.");
  if (expires.size() > 7 || std::stoll(expires) > kMaxPresignSeconds) {
    return parser.Error("X-Amz-Expires must be less than a week (in seconds) that is 604800.");
  }
  auth.expires_seconds = std::stoll(expires);

  auth.payload_hash = kUnsignedPayload;
  if (auto hash = params.find("X-Amz-Content-Sha256"); hash != params.end()) {
    if (!IsKnownPayloadHash(hash->second)) {
      return parser.Error("X-Amz-Content-Sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256.");
    }
    auth.payload_hash = hash->second;
  }
  return auth;
}

}  // namespace

std::variant<ParsedAuthorization, AuthError> ParseAuthorization(const SignableRequest& request) {
  std::optional<std::string_view> header = request.Header("authorization");
  QueryParams params = DecodeQuery(request.query);
  const bool query_auth = HasQueryAuth(params);
  if (header && query_auth) {
    return MakeAuthError(400, "InvalidArgument",
                         "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                         "parameter, Signature query string parameter or the Authorization "
                         "header should be specified");
  }
  if (header) return ParseHeader(request, *header);
  if (query_auth) return ParseQuery(params);
  return MakeAuthError(403, "AccessDenied",
                       "Access Denied: the request has no Authorization header and no "
                       "X-Amz-Signature query parameter");
}

}  // namespace invtrack
