// Runs the AWS SigV4 test suite (aws-c-auth's v4 suite, Apache-2.0, in
// ../shared/testdata/aws-sigv4-suite; read-only). Each case directory holds
// request.txt, context.json (credentials, region "us-east-1", service
// "service", time 20150830T123600Z, whether the path is normalized, whether
// the body hash is signed as x-amz-content-sha256, whether a session token
// is left out of the signature) and, for the header form and the query
// (presigned) form, the expected canonical request, string to sign,
// signature and signed request.
//
// Every case is checked with the rules its context asks for (service
// "service": path encoded again, normalized when "normalize" is true): the
// signer must reproduce the canonical request, string to sign, signature,
// Authorization header and presigned query; the verifier must accept the
// signed requests and refuse tampered ones. One exception: in
// post-sts-header-after the session token is added to the presigned URL
// after signing; every query parameter is signed, so that URL is refused.
//
// Which cases apply to S3 (path not normalized, encoded once): all except
// the six whose expected canonical path exists only after normalization:
//   get-relative-normalized, get-relative-relative-normalized,
//   get-slash-dot-slash-normalized, get-slash-normalized,
//   get-slash-pointless-dot-normalized, get-slashes-normalized.
// Their "-unnormalized" twins apply to S3. For the applicable cases the S3
// canonical path (signer: as sent; verifier: decoded and re-encoded) equals
// the expected one, and the S3 verifier accepts the signed request; for the
// six it must differ. kS3OnlyWithNormalization below is that list.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sigv4/canonical_request.h"
#include "sigv4/signer.h"
#include "sigv4/signer_internal.h"
#include "sigv4/uri_encoding.h"
#include "sigv4/verifier.h"
#include "sigv4/verifier_internal.h"
#include "test_util.h"

namespace invtrack {
namespace {

using sigv4_internal::CanonicalRules;
using sigv4_internal::PathRule;

const std::set<std::string> kS3OnlyWithNormalization = {
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-slash-dot-slash-normalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slashes-normalized",
};

std::filesystem::path SuiteDir() {
  return std::filesystem::path(INVTRACK_SOURCE_DIR) / ".." / "shared" / "testdata" /
         "aws-sigv4-suite";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An HTTP request as the suite writes it: request line, headers (a line
// starting with whitespace continues the previous value), blank line, body.
struct SuiteRequest {
  SignableRequest request;
  std::string body;
};

SuiteRequest ParseHttp(const std::string& text) {
  SuiteRequest parsed;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t space = line.find(' ');
  parsed.request.method = line.substr(0, space);
  std::string target = line.substr(space + 1, line.rfind(" HTTP/") - space - 1);
  size_t question = target.find('?');
  parsed.request.path = target.substr(0, question);
  if (question != std::string::npos) parsed.request.query = target.substr(question + 1);
  while (std::getline(in, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      parsed.request.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    parsed.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  parsed.body = rest.str();
  return parsed;
}

struct SuiteCase {
  std::string name;
  std::filesystem::path dir;
  nlohmann::json context;
  SuiteRequest request;

  std::string File(const std::string& file) const { return ReadFile(dir / file); }
  AwsCredentials Credentials() const {
    AwsCredentials credentials;
    credentials.access_key_id = context["credentials"]["access_key_id"];
    credentials.secret_access_key = context["credentials"]["secret_access_key"];
    if (context["credentials"].contains("token")) {
      credentials.session_token = context["credentials"]["token"];
    }
    return credentials;
  }
  SigningScope Scope() const { return {context["region"], context["service"]}; }
  // Rules for the suite's generic service.
  CanonicalRules Rules() const {
    return {PathRule::kEncodeAgain, context.value("normalize", true)};
  }
  bool SignBody() const { return context.value("sign_body", false); }
  bool OmitToken() const { return context.value("omit_session_token", false); }
  std::chrono::seconds Expires() const {
    return std::chrono::seconds(context["expiration_in_seconds"].get<int64_t>());
  }
  std::chrono::system_clock::time_point Now() const {
    // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
    std::string iso = context["timestamp"];
    std::string compact;
    for (char c : iso) {
      if (c != '-' && c != ':') compact.push_back(c);
    }
    return *sigv4_internal::ParseAmzDate(compact);
  }
  bool AppliesToS3() const { return kS3OnlyWithNormalization.count(name) == 0; }
};

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(SuiteDir())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

SuiteCase LoadCase(const std::string& name) {
  SuiteCase c;
  c.name = name;
  c.dir = SuiteDir() / name;
  c.context = nlohmann::json::parse(ReadFile(c.dir / "context.json"));
  c.request = ParseHttp(ReadFile(c.dir / "request.txt"));
  return c;
}

std::string HeaderOf(const SignableRequest& request, std::string_view name) {
  auto value = request.Header(name);
  return value ? std::string(*value) : std::string();
}

// "OK" or "<code>: <message>", so a failed expectation shows the reason.
std::string Outcome(const std::optional<AuthError>& error) {
  return error ? error->code + ": " + error->message : "OK";
}

ParsedAuthorization ParseOrFail(const SignableRequest& request) {
  auto parsed = ParseAuthorization(request);
  if (auto* error = std::get_if<AuthError>(&parsed)) {
    ADD_FAILURE() << error->code << ": " << error->message;
    return {};
  }
  return std::get<ParsedAuthorization>(parsed);
}

class AwsSigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST(AwsSigV4Suite, HasAllCases) {
  ASSERT_TRUE(std::filesystem::is_directory(SuiteDir())) << SuiteDir();
  EXPECT_EQ(CaseNames().size(), 38u);
  for (const std::string& name : kS3OnlyWithNormalization) {
    EXPECT_TRUE(std::filesystem::is_directory(SuiteDir() / name)) << name;
  }
}

TEST_P(AwsSigV4SuiteTest, HeaderFormSignsLikeTheSuite) {
  SuiteCase c = LoadCase(GetParam());
  SignableRequest request = c.request.request;
  sigv4_internal::HeaderSigningOptions options;
  options.rules = c.Rules();
  options.add_content_sha256_header = c.SignBody();
  options.sign_session_token = !c.OmitToken();
  sigv4_internal::SignatureParts parts = sigv4_internal::SignRequestWith(
      request, c.Credentials(), c.Scope(), Sha256Hex(c.request.body), c.Now(), options);

  EXPECT_EQ(parts.canonical_request, c.File("header-canonical-request.txt"));
  EXPECT_EQ(parts.string_to_sign, c.File("header-string-to-sign.txt"));
  EXPECT_EQ(parts.signature, c.File("header-signature.txt"));
  SuiteRequest expected = ParseHttp(c.File("header-signed-request.txt"));
  EXPECT_EQ(HeaderOf(request, "authorization"), HeaderOf(expected.request, "authorization"));
  EXPECT_EQ(HeaderOf(request, "x-amz-date"), "20150830T123600Z");
  EXPECT_EQ(HeaderOf(request, "x-amz-security-token"),
            HeaderOf(expected.request, "x-amz-security-token"));
}

TEST_P(AwsSigV4SuiteTest, QueryFormSignsLikeTheSuite) {
  SuiteCase c = LoadCase(GetParam());
  sigv4_internal::PresignOptions options;
  options.rules = c.Rules();
  options.sign_all_headers = true;  // the suite signs every header in this form too
  options.payload_hash = Sha256Hex(c.request.body);
  options.sign_session_token = !c.OmitToken();
  sigv4_internal::PresignResult result = sigv4_internal::PresignQueryWith(
      c.request.request, c.Credentials(), c.Scope(), c.Expires(), c.Now(), options);

  EXPECT_EQ(result.parts.canonical_request, c.File("query-canonical-request.txt"));
  EXPECT_EQ(result.parts.string_to_sign, c.File("query-string-to-sign.txt"));
  EXPECT_EQ(result.parts.signature, c.File("query-signature.txt"));
  // Same parameters as the suite's URL (the order of a query does not matter).
  SuiteRequest expected = ParseHttp(c.File("query-signed-request.txt"));
  EXPECT_EQ(sigv4_internal::CanonicalQuery(result.query, false),
            sigv4_internal::CanonicalQuery(expected.request.query, false));
}

TEST_P(AwsSigV4SuiteTest, S3CanonicalPathMatchesOnlyWhereS3Applies) {
  SuiteCase c = LoadCase(GetParam());
  std::string creq = c.File("header-canonical-request.txt");
  std::string expected_path = creq.substr(creq.find('\n') + 1);
  expected_path = expected_path.substr(0, expected_path.find('\n'));
  std::string signer_path =
      sigv4_internal::CanonicalUri(c.request.request.path, {PathRule::kS3AsSent, false});
  std::string verifier_path =
      sigv4_internal::CanonicalUri(c.request.request.path, {PathRule::kS3Reencoded, false});
  if (c.AppliesToS3()) {
    EXPECT_EQ(signer_path, expected_path);
    EXPECT_EQ(verifier_path, expected_path);
  } else {
    EXPECT_NE(signer_path, expected_path);
    EXPECT_NE(verifier_path, expected_path);
  }
}

TEST_P(AwsSigV4SuiteTest, VerifierAcceptsHeaderFormAndRefusesTampering) {
  SuiteCase c = LoadCase(GetParam());
  SuiteRequest signed_request = ParseHttp(c.File("header-signed-request.txt"));
  const SignableRequest& request = signed_request.request;
  ParsedAuthorization auth = ParseOrFail(request);
  EXPECT_FALSE(auth.presigned);
  EXPECT_EQ(auth.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(auth.scope_date, "20150830");
  EXPECT_EQ(auth.region, "us-east-1");
  EXPECT_EQ(auth.service, "service");
  EXPECT_EQ(auth.signature, c.File("header-signature.txt"));
  // The suite's service hashes the body itself (no x-amz-content-sha256).
  if (auth.payload_hash.empty()) auth.payload_hash = Sha256Hex(signed_request.body);
  const std::string secret = c.Credentials().secret_access_key;
  const std::vector<CanonicalRules> rules = {c.Rules()};

  EXPECT_EQ(Outcome(sigv4_internal::VerifySignatureWith(auth, secret, request, c.Now(), {}, rules)),
            "OK");
  std::optional<AuthError> as_s3 = sigv4_internal::VerifySignatureWith(
      auth, secret, request, c.Now(), {}, sigv4_internal::VerificationRulesFor("s3"));
  if (c.AppliesToS3()) {
    EXPECT_EQ(Outcome(as_s3), "OK");
  } else {
    ASSERT_TRUE(as_s3.has_value());
    EXPECT_EQ(as_s3->code, "SignatureDoesNotMatch");
  }
  if (c.context.value("normalize", true)) {  // the public verifier's rules for non-S3 services
    EXPECT_EQ(Outcome(VerifySignature(auth, secret, request, c.Now())), "OK");
  }

  auto expect_refused = [&](const SignableRequest& tampered, std::string_view what) {
    std::optional<AuthError> error =
        sigv4_internal::VerifySignatureWith(auth, secret, tampered, c.Now(), {}, rules);
    ASSERT_TRUE(error.has_value()) << what;
    EXPECT_EQ(error->code, "SignatureDoesNotMatch") << what;
    EXPECT_EQ(error->http_status, 403) << what;
  };
  SignableRequest tampered = request;
  for (auto& [name, value] : tampered.headers) {
    if (name == "Host") value = "example.amazonaws.org";
  }
  expect_refused(tampered, "host changed");
  tampered = request;
  tampered.path += "x";
  expect_refused(tampered, "path changed");
  tampered = request;
  tampered.query += tampered.query.empty() ? "extra=1" : "&extra=1";
  expect_refused(tampered, "query parameter added");
  tampered = request;
  tampered.method = request.method == "GET" ? "PUT" : "GET";
  expect_refused(tampered, "method changed");

  std::optional<AuthError> wrong_secret = sigv4_internal::VerifySignatureWith(
      auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", request, c.Now(), {}, rules);
  ASSERT_TRUE(wrong_secret.has_value());
  EXPECT_EQ(wrong_secret->code, "SignatureDoesNotMatch");
}

TEST_P(AwsSigV4SuiteTest, VerifierAcceptsQueryFormAndRefusesTampering) {
  SuiteCase c = LoadCase(GetParam());
  SuiteRequest signed_request = ParseHttp(c.File("query-signed-request.txt"));
  const SignableRequest& request = signed_request.request;
  ParsedAuthorization auth = ParseOrFail(request);
  EXPECT_TRUE(auth.presigned);
  EXPECT_EQ(auth.expires_seconds, 3600);
  EXPECT_EQ(auth.signature, c.File("query-signature.txt"));
  EXPECT_EQ(auth.payload_hash, "UNSIGNED-PAYLOAD");
  // The suite signs the body hash even in the query form (S3 would not).
  auth.payload_hash = Sha256Hex(signed_request.body);
  const std::string secret = c.Credentials().secret_access_key;
  const std::vector<CanonicalRules> rules = {c.Rules()};
  const auto later = c.Now() + std::chrono::seconds(3599);
  if (c.OmitToken()) {
    // The token was appended after signing. A query parameter is always
    // part of the canonical query, so the verifier must refuse the URL.
    std::optional<AuthError> error =
        sigv4_internal::VerifySignatureWith(auth, secret, request, later, {}, rules);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, "SignatureDoesNotMatch");
    return;
  }

  EXPECT_EQ(Outcome(sigv4_internal::VerifySignatureWith(auth, secret, request, later, {}, rules)),
            "OK");
  std::optional<AuthError> expired = sigv4_internal::VerifySignatureWith(
      auth, secret, request, c.Now() + std::chrono::seconds(3601), {}, rules);
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->code, "AccessDenied");
  EXPECT_EQ(expired->message, "Request has expired");

  SignableRequest tampered = request;
  tampered.query += "&extra=1";
  std::optional<AuthError> error =
      sigv4_internal::VerifySignatureWith(auth, secret, tampered, later, {}, rules);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name.push_back(c == '-' ? '_' : c);
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, AwsSigV4SuiteTest, ::testing::ValuesIn(CaseNames()), CaseName);

}  // namespace
}  // namespace invtrack
