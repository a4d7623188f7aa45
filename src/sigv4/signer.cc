#include "sigv4/signer.h"

#include <algorithm>

#include <strings.h>

#include "sigv4/digest.h"
#include "sigv4/signer_internal.h"
#include "sigv4/uri_encoding.h"
#include "sigv4/verifier.h"

namespace invtrack {
namespace sigv4_internal {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void RemoveHeader(SignableRequest& request, std::string_view name) {
  std::erase_if(request.headers, [name](const auto& header) {
    return header.first.size() == name.size() &&
           ::strncasecmp(header.first.data(), name.data(), name.size()) == 0;
  });
}

void ReplaceHeader(SignableRequest& request, std::string name, std::string value) {
  RemoveHeader(request, name);
  request.headers.emplace_back(std::move(name), std::move(value));
}

std::string AuthorizationValue(std::string_view access_key_id, std::string_view scope,
                               std::string_view signed_headers, std::string_view signature) {
  std::string value = kAlgorithm;
  value.append(" Credential=").append(access_key_id).append("/").append(scope);
  value.append(", SignedHeaders=").append(signed_headers);
  value.append(", Signature=").append(signature);
  return value;
}

void AppendParam(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query.push_back('&');
  query.append(name).append("=").append(UriEncode(value, /*keep_slash=*/false));
}

}  // namespace

CanonicalRules SigningRulesFor(std::string_view service) {
  if (service == "s3") return {PathRule::kS3AsSent, /*normalize_path=*/false};
  return {PathRule::kEncodeAgain, /*normalize_path=*/true};
}

std::vector<std::string> HeadersToSign(const SignableRequest& request) {
  std::vector<std::string> names;
  for (const auto& header : request.headers) {
    std::string name = Lower(header.first);
    if (name == "authorization" || name == "expect" || name == "user-agent" ||
        name == "x-amzn-trace-id") {
      continue;
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

SignatureParts SignRequestWith(SignableRequest& request, const AwsCredentials& credentials,
                               const SigningScope& scope, std::string_view payload_sha256,
                               std::chrono::system_clock::time_point now,
                               const HeaderSigningOptions& options) {
  const std::string amz_date = FormatAmzDate(now);
  const std::string credential_scope =
      CredentialScope(std::string_view(amz_date).substr(0, 8), scope.region, scope.service);

  RemoveHeader(request, "Authorization");
  RemoveHeader(request, "X-Amz-Security-Token");
  ReplaceHeader(request, "X-Amz-Date", amz_date);
  if (options.add_content_sha256_header) {
    ReplaceHeader(request, "X-Amz-Content-SHA256", std::string(payload_sha256));
  }
  const bool has_token = !credentials.session_token.empty();
  if (has_token && options.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  SignatureInputs inputs;
  inputs.query = request.query;
  inputs.signed_headers = HeadersToSign(request);
  inputs.payload_hash = payload_sha256;
  inputs.rules = options.rules;
  inputs.amz_date = amz_date;
  inputs.scope = credential_scope;
  const std::string signing_key = DeriveSigningKey(
      credentials.secret_access_key, inputs.amz_date.substr(0, 8), scope.region, scope.service);
  SignatureParts parts = SignatureFor(request, inputs, signing_key);

  if (has_token && !options.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  request.headers.emplace_back(
      "Authorization",
      AuthorizationValue(credentials.access_key_id, credential_scope,
                         JoinSignedHeaders(inputs.signed_headers), parts.signature));
  return parts;
}

PresignResult PresignQueryWith(const SignableRequest& request, const AwsCredentials& credentials,
                               const SigningScope& scope, std::chrono::seconds expires,
                               std::chrono::system_clock::time_point now,
                               const PresignOptions& options) {
  const std::string amz_date = FormatAmzDate(now);
  const std::string credential_scope =
      CredentialScope(std::string_view(amz_date).substr(0, 8), scope.region, scope.service);
  std::vector<std::string> signed_headers =
      options.sign_all_headers ? HeadersToSign(request) : std::vector<std::string>{"host"};

  // Botocore's order: the request's own parameters, then the auth ones.
  PresignResult result;
  std::string& query = result.query;
  query = request.query;
  AppendParam(query, "X-Amz-Algorithm", kAlgorithm);
  AppendParam(query, "X-Amz-Credential", credentials.access_key_id + "/" + credential_scope);
  AppendParam(query, "X-Amz-Date", amz_date);
  AppendParam(query, "X-Amz-Expires", std::to_string(expires.count()));
  AppendParam(query, "X-Amz-SignedHeaders", JoinSignedHeaders(signed_headers));
  const bool has_token = !credentials.session_token.empty();
  if (has_token && options.sign_session_token) {
    AppendParam(query, "X-Amz-Security-Token", credentials.session_token);
  }

  SignatureInputs inputs;
  inputs.query = query;
  inputs.signed_headers = std::move(signed_headers);
  inputs.payload_hash = options.payload_hash;
  inputs.rules = options.rules;
  inputs.amz_date = amz_date;
  inputs.scope = credential_scope;
  const std::string signing_key = DeriveSigningKey(
      credentials.secret_access_key, inputs.amz_date.substr(0, 8), scope.region, scope.service);
  result.parts = SignatureFor(request, inputs, signing_key);

  if (has_token && !options.sign_session_token) {
    AppendParam(query, "X-Amz-Security-Token", credentials.session_token);
  }
  AppendParam(query, "X-Amz-Signature", result.parts.signature);
  return result;
}

}  // namespace sigv4_internal

std::string Sha256Hex(std::string_view bytes) {
  return sigv4_internal::HexEncode(sigv4_internal::Sha256(bytes));
}

void SignRequest(SignableRequest& request, const AwsCredentials& credentials,
                 const SigningScope& scope, std::string_view payload_sha256,
                 std::chrono::system_clock::time_point now) {
  sigv4_internal::HeaderSigningOptions options;
  options.rules = sigv4_internal::SigningRulesFor(scope.service);
  options.add_content_sha256_header = scope.service == "s3";
  (void)sigv4_internal::SignRequestWith(request, credentials, scope, payload_sha256, now, options);
}

std::string PresignQuery(const SignableRequest& request, const AwsCredentials& credentials,
                         const SigningScope& scope, std::chrono::seconds expires,
                         std::chrono::system_clock::time_point now) {
  sigv4_internal::PresignOptions options;
  options.rules = sigv4_internal::SigningRulesFor(scope.service);
  return sigv4_internal::PresignQueryWith(request, credentials, scope, expires, now, options).query;
}

}  // namespace invtrack
