// The verifier: round trips with the signer, time limits, and one clear 4xx
// for each way the credentials of a request can be malformed.
#include "sigv4/verifier.h"

#include <chrono>
#include <string>
#include <variant>

#include <gtest/gtest.h>
#include <strings.h>

#include "sigv4/canonical_request.h"
#include "sigv4/digest.h"
#include "sigv4/signer.h"
#include "test_util.h"

namespace invtrack {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

AwsCredentials Credentials() { return {"AKIAIOSFODNN7EXAMPLE", kSecret, ""}; }

std::chrono::system_clock::time_point SignTime() {
  return *sigv4_internal::ParseAmzDate("20260115T101500Z");
}

SignableRequest Request(std::string method, std::string path, std::string query = "") {
  SignableRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers = {{"Host", "localhost:9000"}, {"Content-Type", "text/csv"}};
  return request;
}

SignableRequest Signed(SignableRequest request, const AwsCredentials& credentials = Credentials()) {
  SignRequest(request, credentials, {}, kEmptySha256, SignTime());
  return request;
}

SignableRequest Presigned(SignableRequest request, seconds expires = seconds(600),
                          const AwsCredentials& credentials = Credentials()) {
  request.query = PresignQuery(request, credentials, {}, expires, SignTime());
  return request;
}

// "OK" or "<status> <code>: <message>".
std::string Verify(const SignableRequest& request, std::chrono::system_clock::time_point now,
                   std::string_view secret = kSecret) {
  auto parsed = ParseAuthorization(request);
  if (auto* error = std::get_if<AuthError>(&parsed)) {
    return std::to_string(error->http_status) + " " + error->code + ": " + error->message;
  }
  std::optional<AuthError> error =
      VerifySignature(std::get<ParsedAuthorization>(parsed), secret, request, now);
  if (!error) return "OK";
  return std::to_string(error->http_status) + " " + error->code + ": " + error->message;
}

void SetHeader(SignableRequest& request, std::string_view name, std::string value) {
  for (auto& [header_name, header_value] : request.headers) {
    if (::strcasecmp(header_name.c_str(), std::string(name).c_str()) == 0) header_value = value;
  }
}

AuthError ParseError(const SignableRequest& request) {
  auto parsed = ParseAuthorization(request);
  if (!std::holds_alternative<AuthError>(parsed)) {
    ADD_FAILURE() << "parsed without error";
    return {};
  }
  return std::get<AuthError>(parsed);
}

void ExpectParseError(const SignableRequest& request, int status, std::string_view code,
                      std::string_view needle) {
  AuthError error = ParseError(request);
  EXPECT_EQ(error.http_status, status) << error.message;
  EXPECT_EQ(error.code, code) << error.message;
  EXPECT_NE(error.message.find(needle), std::string::npos)
      << "\"" << error.message << "\" does not mention \"" << needle << "\"";
}

TEST(DeriveSigningKeyTest, AwsDocumentationExample) {
  EXPECT_EQ(sigv4_internal::HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                       "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(ParseAuthorizationTest, ReadsTheHeaderForm) {
  auto parsed = ParseAuthorization(Signed(Request("PUT", "/bucket/a.csv")));
  ASSERT_TRUE(std::holds_alternative<ParsedAuthorization>(parsed));
  const auto& auth = std::get<ParsedAuthorization>(parsed);
  EXPECT_FALSE(auth.presigned);
  EXPECT_EQ(auth.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(auth.scope_date, "20260115");
  EXPECT_EQ(auth.region, "us-east-1");
  EXPECT_EQ(auth.service, "s3");
  EXPECT_EQ(auth.signed_headers, (std::vector<std::string>{"content-type", "host",
                                                           "x-amz-content-sha256", "x-amz-date"}));
  EXPECT_EQ(auth.amz_date, "20260115T101500Z");
  EXPECT_EQ(auth.payload_hash, kEmptySha256);
  EXPECT_EQ(auth.signature.size(), 64u);
}

TEST(ParseAuthorizationTest, ReadsTheQueryForm) {
  auto parsed = ParseAuthorization(Presigned(Request("GET", "/bucket/a.csv"), seconds(900)));
  ASSERT_TRUE(std::holds_alternative<ParsedAuthorization>(parsed));
  const auto& auth = std::get<ParsedAuthorization>(parsed);
  EXPECT_TRUE(auth.presigned);
  EXPECT_EQ(auth.expires_seconds, 900);
  EXPECT_EQ(auth.signed_headers, std::vector<std::string>{"host"});
  EXPECT_EQ(auth.payload_hash, "UNSIGNED-PAYLOAD");
}

TEST(VerifySignatureTest, HeaderFormRoundTrip) {
  EXPECT_EQ(
      Verify(Signed(Request("PUT", "/bucket/stores/berlin/inventory%202026.csv")), SignTime()),
      "OK");
}

TEST(VerifySignatureTest, PresignedRoundTripWithOwnParameters) {
  SignableRequest request =
      Presigned(Request("GET", "/bucket/a%20b.csv", "response-content-type=text%2Fplain&x=1"));
  EXPECT_EQ(Verify(request, SignTime() + seconds(10)), "OK");
}

TEST(VerifySignatureTest, PresignedUrlExpires) {
  SignableRequest request = Presigned(Request("GET", "/bucket/a.csv"), seconds(600));
  EXPECT_EQ(Verify(request, SignTime() + seconds(600)), "OK");
  EXPECT_EQ(Verify(request, SignTime() + seconds(601)), "403 AccessDenied: Request has expired");
}

TEST(VerifySignatureTest, PresignedUrlFromTheFarFutureIsNotValidYet) {
  SignableRequest request = Presigned(Request("GET", "/bucket/a.csv"));
  EXPECT_EQ(Verify(request, SignTime() - minutes(14)), "OK");
  EXPECT_EQ(Verify(request, SignTime() - minutes(16)),
            "403 AccessDenied: Request is not valid yet");
}

TEST(VerifySignatureTest, ClockSkewInBothDirections) {
  SignableRequest request = Signed(Request("GET", "/bucket/a.csv"));
  EXPECT_EQ(Verify(request, SignTime() + minutes(14)), "OK");
  EXPECT_EQ(Verify(request, SignTime() - minutes(14)), "OK");
  for (auto now : {SignTime() + minutes(16), SignTime() - minutes(16)}) {
    std::string outcome = Verify(request, now);
    EXPECT_EQ(outcome.rfind("403 RequestTimeTooSkewed: ", 0), 0u) << outcome;
  }
}

TEST(VerifySignatureTest, CustomSkew) {
  SignableRequest request = Signed(Request("GET", "/bucket/a.csv"));
  auto parsed = std::get<ParsedAuthorization>(ParseAuthorization(request));
  VerifyOptions strict{seconds(30)};
  EXPECT_FALSE(VerifySignature(parsed, kSecret, request, SignTime() + seconds(29), strict));
  auto error = VerifySignature(parsed, kSecret, request, SignTime() + seconds(31), strict);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "RequestTimeTooSkewed");
}

TEST(VerifySignatureTest, WrongSecret) {
  const std::string mismatch =
      "403 SignatureDoesNotMatch: The request signature we calculated does not match the "
      "signature you provided. Check your key and signing method.";
  EXPECT_EQ(Verify(Signed(Request("GET", "/b/k")), SignTime(), "not-the-secret"), mismatch);
  EXPECT_EQ(Verify(Presigned(Request("GET", "/b/k")), SignTime(), "not-the-secret"), mismatch);
}

TEST(VerifySignatureTest, TamperedRequestsAreRefused) {
  const SignableRequest request = Signed(Request("PUT", "/bucket/a.csv", "x=1"));
  auto refused = [&](SignableRequest tampered, const char* what) {
    std::string outcome = Verify(tampered, SignTime());
    EXPECT_EQ(outcome.rfind("403 SignatureDoesNotMatch", 0), 0u) << what << ": " << outcome;
  };
  SignableRequest tampered = request;
  tampered.path = "/bucket/b.csv";
  refused(tampered, "path");
  tampered = request;
  tampered.query = "x=2";
  refused(tampered, "query");
  tampered = request;
  SetHeader(tampered, "content-type", "text/plain");
  refused(tampered, "signed header");
  tampered = request;
  SetHeader(tampered, "x-amz-content-sha256", Sha256Hex("other body"));
  refused(tampered, "payload hash");
  tampered = request;
  std::erase_if(tampered.headers, [](const auto& h) { return h.first == "Content-Type"; });
  refused(tampered, "signed header removed");
}

TEST(VerifySignatureTest, UnsignedHeadersMayBeAdded) {
  SignableRequest request = Signed(Request("GET", "/bucket/a.csv"));
  request.headers.emplace_back("User-Agent", "curl/8");
  EXPECT_EQ(Verify(request, SignTime()), "OK");
}

TEST(VerifySignatureTest, SessionTokenIsSigned) {
  AwsCredentials credentials = Credentials();
  credentials.session_token = "IQoJb3JpZ2luX2VjEJr//////////token+/=";
  SignableRequest request = Signed(Request("GET", "/bucket/a.csv"), credentials);
  EXPECT_EQ(Verify(request, SignTime()), "OK");
  SetHeader(request, "x-amz-security-token", "another-token");
  EXPECT_EQ(Verify(request, SignTime()).rfind("403 SignatureDoesNotMatch", 0), 0u);

  SignableRequest presigned = Presigned(Request("GET", "/bucket/a.csv"), seconds(60), credentials);
  EXPECT_NE(presigned.query.find("X-Amz-Security-Token="), std::string::npos);
  EXPECT_EQ(Verify(presigned, SignTime()), "OK");
  presigned.query.replace(presigned.query.find("X-Amz-Security-Token=") + 21, 4, "ABCD");
  EXPECT_EQ(Verify(presigned, SignTime()).rfind("403 SignatureDoesNotMatch", 0), 0u);
}

TEST(VerifySignatureTest, ClientsThatEncodeThePathDifferentlyStillVerify) {
  // Signed over the fully encoded path; sent with '=', '@' and lower-case
  // escapes as some clients do.
  SignableRequest request = Signed(Request("GET", "/bucket/a%3Db%40c%2Cd"));
  for (const char* wire : {"/bucket/a=b@c,d", "/bucket/a%3db%40c%2cd", "/bucket/a%3Db@c%2Cd"}) {
    SignableRequest sent = request;
    sent.path = wire;
    EXPECT_EQ(Verify(sent, SignTime()), "OK") << wire;
  }
  // Signed over the raw wire path (botocore's S3 rule for a caller that did
  // not escape '$'): accepted through the as-sent fallback.
  EXPECT_EQ(Verify(Signed(Request("GET", "/bucket/test$file.text")), SignTime()), "OK");
  // Encoding is not decoding: a different key is a different signature.
  SignableRequest other = request;
  other.path = "/bucket/a%3Db%40c%2Cx";
  EXPECT_EQ(Verify(other, SignTime()).rfind("403 SignatureDoesNotMatch", 0), 0u);
}

TEST(VerifySignatureTest, QueryEncodedDifferentlyStillVerifies) {
  SignableRequest request =
      Signed(Request("GET", "/bucket", "prefix=stores%2Fberlin%2F&list-type=2"));
  request.query = "list-type=2&prefix=stores/berlin/";
  EXPECT_EQ(Verify(request, SignTime()), "OK");
}

TEST(ParseAuthorizationTest, NoCredentialsIsAccessDenied) {
  ExpectParseError(Request("GET", "/bucket/a.csv"), 403, "AccessDenied", "no Authorization");
}

TEST(ParseAuthorizationTest, HeaderAndQueryTogetherIsRefused) {
  SignableRequest request = Signed(Request("GET", "/bucket/a.csv"));
  request.query = Presigned(Request("GET", "/bucket/a.csv")).query;
  ExpectParseError(request, 400, "InvalidArgument", "Only one auth mechanism");
}

struct MalformedHeaderCase {
  const char* authorization;
  const char* needle;
};

TEST(ParseAuthorizationTest, MalformedAuthorizationHeaders) {
  const std::string good_credential = "Credential=AKID/20260115/us-east-1/s3/aws4_request";
  const std::string good_signature = "Signature=" + std::string(64, 'a');
  const std::string rest = ", SignedHeaders=host;x-amz-date, " + good_signature;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"AWS AKID:c2lnbmF0dXJl", "Unsupported authorization type"},
      {"AWS4-HMAC-SHA1 " + good_credential + rest, "Unsupported authorization type"},
      {"AWS4-HMAC-SHA256", "missing Credential="},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_signature, "missing SignedHeaders="},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=host", "missing Signature="},
      {"AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1/s3" + rest, "mal-formed"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1//aws4_request" + rest, "mal-formed"},
      {"AWS4-HMAC-SHA256 Credential=AKID/x/20260115/us-east-1/s3/aws4_request" + rest,
       "mal-formed"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1/s3/aws5_request" + rest,
       "valid terminator"},
      {"AWS4-HMAC-SHA256 Credential=AKID/2026-1-5/us-east-1/s3/aws4_request" + rest, "YYYYMMDD"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20260114/us-east-1/s3/aws4_request" + rest,
       "not the same as X-Amz-Date"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=x-amz-date, " + good_signature,
       "must include host"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=host;;x-amz-date, " +
           good_signature,
       "empty header name"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=host, Signature=abc",
       "64 hexadecimal"},
      {"AWS4-HMAC-SHA256 " + good_credential +
           ", SignedHeaders=host, Signature=" + std::string(64, 'g'),
       "64 hexadecimal"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_credential + rest, "more than once"},
      {"AWS4-HMAC-SHA256 " + good_credential + rest + ", Extra=1", "unexpected component"},
  };
  for (const auto& [authorization, needle] : cases) {
    SCOPED_TRACE(authorization);
    SignableRequest request = Request("GET", "/bucket/a.csv");
    request.headers.emplace_back("x-amz-date", "20260115T101500Z");
    request.headers.emplace_back("x-amz-content-sha256", kEmptySha256);
    request.headers.emplace_back("Authorization", authorization);
    ExpectParseError(request, 400, "AuthorizationHeaderMalformed", needle);
  }
}

TEST(ParseAuthorizationTest, HeaderFormNeedsDateAndContentHash) {
  SignableRequest no_date = Signed(Request("GET", "/bucket/a.csv"));
  std::erase_if(no_date.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  ExpectParseError(no_date, 403, "AccessDenied", "x-amz-date");

  SignableRequest bad_date = Signed(Request("GET", "/bucket/a.csv"));
  SetHeader(bad_date, "x-amz-date", "2026-01-15T10:15:00Z");
  ExpectParseError(bad_date, 403, "AccessDenied", "x-amz-date");

  SignableRequest no_hash = Signed(Request("GET", "/bucket/a.csv"));
  std::erase_if(no_hash.headers, [](const auto& h) { return h.first == "X-Amz-Content-SHA256"; });
  ExpectParseError(no_hash, 400, "InvalidRequest", "x-amz-content-sha256");

  SignableRequest bad_hash = Signed(Request("GET", "/bucket/a.csv"));
  SetHeader(bad_hash, "x-amz-content-sha256", "STREAMING-SOMETHING");
  ExpectParseError(bad_hash, 400, "InvalidArgument", "x-amz-content-sha256");
}

TEST(ParseAuthorizationTest, MalformedPresignedQueries) {
  const std::string query = Presigned(Request("GET", "/bucket/a.csv")).query;
  auto with = [&](const std::string& name, const std::string& value) {
    // Replaces the parameter's value (or drops it when `value` is "-").
    std::string out;
    size_t start = 0;
    while (start < query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string pair = query.substr(start, amp - start);
      start = amp + 1;
      if (pair.rfind(name + "=", 0) == 0) {
        if (value == "-") continue;
        pair = name + "=" + value;
      }
      out += (out.empty() ? "" : "&") + pair;
    }
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("X-Amz-Signature", "-"), "X-Amz-Signature is missing"},
      {with("X-Amz-Date", "-"), "X-Amz-Date is missing"},
      {with("X-Amz-Expires", "-"), "X-Amz-Expires is missing"},
      {with("X-Amz-SignedHeaders", "-"), "X-Amz-SignedHeaders is missing"},
      {with("X-Amz-Credential", "-"), "X-Amz-Credential is missing"},
      {with("X-Amz-Algorithm", "-"), "X-Amz-Algorithm is missing"},
      {with("X-Amz-Algorithm", "AWS4-HMAC-SHA1"), "only supports"},
      {with("X-Amz-Expires", "604801"), "less than a week"},
      {with("X-Amz-Expires", "99999999999999999999"), "less than a week"},
      {with("X-Amz-Expires", "ten"), "should be a number"},
      {with("X-Amz-Expires", "-5"), "non-negative"},
      {with("X-Amz-Date", "2026-01-15"), "ISO8601"},
      {with("X-Amz-Date", "20261315T101500Z"), "ISO8601"},
      {with("X-Amz-Credential", "AKID%2F20260115%2Fus-east-1%2Fs3"), "mal-formed"},
      {with("X-Amz-Credential", "AKID%2F20260116%2Fus-east-1%2Fs3%2Faws4_request"),
       "not the same as X-Amz-Date"},
      {with("X-Amz-SignedHeaders", "range"), "must include host"},
      {with("X-Amz-Signature", "xyz"), "64 hexadecimal"},
      {query + "&X-Amz-Date=20260115T101500Z", "more than once"},
  };
  for (const auto& [bad_query, needle] : cases) {
    SCOPED_TRACE(bad_query);
    SignableRequest request = Request("GET", "/bucket/a.csv", bad_query);
    ExpectParseError(request, 400, "AuthorizationQueryParametersError", needle);
  }
}

TEST(ParseAuthorizationTest, MaximumPresignLifetimeIsAccepted) {
  SignableRequest request = Presigned(Request("GET", "/bucket/a.csv"), seconds(604800));
  EXPECT_EQ(Verify(request, SignTime() + seconds(604800)), "OK");
}

}  // namespace
}  // namespace invtrack
