// The signer against AWS's published S3 examples (the "Signature
// Calculations for the Authorization Header" and "Query Parameters" pages:
// key AKIAIOSFODNN7EXAMPLE, 20130524T000000Z, us-east-1, bucket
// examplebucket), plus the choices botocore makes that those pages do not
// show (what is signed, re-signing, session tokens, other services).
#include "sigv4/signer.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "sigv4/canonical_request.h"
#include "sigv4/verifier.h"
#include "test_util.h"

namespace invtrack {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

AwsCredentials ExampleCredentials() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}

std::chrono::system_clock::time_point ExampleTime() {
  return *sigv4_internal::ParseAmzDate("20130524T000000Z");
}

SignableRequest ExampleRequest(std::string method, std::string path, std::string query = "") {
  SignableRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  return request;
}

std::string Authorization(const SignableRequest& request) {
  auto value = request.Header("authorization");
  return value ? std::string(*value) : std::string("(none)");
}

std::string ExpectedAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
         "SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

TEST(Sha256HexTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_EQ(Sha256Hex("Welcome to Amazon S3."),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

TEST(SignRequestTest, AwsExampleGetObject) {
  SignableRequest request = ExampleRequest("GET", "/test.txt");
  request.headers.emplace_back("Range", "bytes=0-9");
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256, ExampleTime());
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
  EXPECT_EQ(request.Header("x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(request.Header("x-amz-content-sha256"), kEmptySha256);
}

TEST(SignRequestTest, AwsExamplePutObjectWithEncodedKey) {
  // The key is "test$file.text"; on the wire (and signed) as "%24".
  SignableRequest request = ExampleRequest("PUT", "/test%24file.text");
  request.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  request.headers.emplace_back("x-amz-storage-class", "REDUCED_REDUNDANCY");
  SignRequest(request, ExampleCredentials(), {}, Sha256Hex("Welcome to Amazon S3."), ExampleTime());
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
}

TEST(SignRequestTest, AwsExampleGetBucketLifecycleValuelessParameter) {
  SignableRequest request = ExampleRequest("GET", "/", "lifecycle");
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256, ExampleTime());
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("host;x-amz-content-sha256;x-amz-date",
                            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST(SignRequestTest, AwsExampleListObjectsSortsParameters) {
  SignableRequest request = ExampleRequest("GET", "/", "prefix=J&max-keys=2");
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256, ExampleTime());
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("host;x-amz-content-sha256;x-amz-date",
                            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST(SignRequestTest, AwsExampleStreamingSeedSignature) {
  SignableRequest request;
  request.method = "PUT";
  request.path = "/examplebucket/chunkObject.txt";
  request.headers = {{"Host", "s3.amazonaws.com"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", "66560"},
                     {"Content-Length", "66824"}};
  SignRequest(request, ExampleCredentials(), {}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
              ExampleTime());
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("content-encoding;content-length;host;x-amz-content-sha256;"
                            "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
                            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
}

TEST(SignRequestTest, ResigningReplacesEarlierAuthHeaders) {
  SignableRequest request = ExampleRequest("GET", "/test.txt");
  request.headers.emplace_back("Range", "bytes=0-9");
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256,
              ExampleTime() - std::chrono::hours(1));
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256, ExampleTime());
  EXPECT_EQ(request.headers.size(), 5u);  // host, range, x-amz-date, -content-sha256, auth
  EXPECT_EQ(
      Authorization(request),
      ExpectedAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
}

TEST(SignRequestTest, UserAgentAndTraceIdAreNotSigned) {
  SignableRequest request = ExampleRequest("GET", "/test.txt");
  request.headers.emplace_back("User-Agent", "invtrack/0.1");
  request.headers.emplace_back("X-Amzn-Trace-Id", "Root=1-abc");
  SignRequest(request, ExampleCredentials(), {}, kEmptySha256, ExampleTime());
  EXPECT_NE(Authorization(request).find("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"),
            std::string::npos)
      << Authorization(request);
}

TEST(SignRequestTest, SessionTokenIsSentAndSigned) {
  AwsCredentials credentials = ExampleCredentials();
  credentials.session_token = "FQoGZXIvYXdzE/token+with=chars";
  SignableRequest request = ExampleRequest("GET", "/test.txt");
  SignRequest(request, credentials, {}, kEmptySha256, ExampleTime());
  EXPECT_EQ(request.Header("x-amz-security-token"), credentials.session_token);
  EXPECT_NE(Authorization(request).find(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos)
      << Authorization(request);
}

TEST(SignRequestTest, OtherServicesGetNoContentHeaderAndANormalizedPath) {
  SignableRequest plain = ExampleRequest("GET", "/a/b");
  SignableRequest dotted = ExampleRequest("GET", "/a/./c/../b");
  SigningScope scope{"eu-west-1", "dynamodb"};
  SignRequest(plain, ExampleCredentials(), scope, kEmptySha256, ExampleTime());
  SignRequest(dotted, ExampleCredentials(), scope, kEmptySha256, ExampleTime());
  EXPECT_FALSE(plain.Header("x-amz-content-sha256").has_value());
  EXPECT_EQ(Authorization(plain), Authorization(dotted));
  EXPECT_NE(Authorization(plain).find("/20130524/eu-west-1/dynamodb/aws4_request"),
            std::string::npos);
}

TEST(PresignQueryTest, AwsExamplePresignedGet) {
  SignableRequest request = ExampleRequest("GET", "/test.txt");
  EXPECT_EQ(PresignQuery(request, ExampleCredentials(), {}, std::chrono::hours(24), ExampleTime()),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(PresignQueryTest, KeepsExistingParametersAndSignsOnlyHost) {
  SignableRequest request = ExampleRequest("PUT", "/test.txt", "versionId=3%2F4");
  request.headers.emplace_back("Content-Type", "text/csv");
  std::string query =
      PresignQuery(request, ExampleCredentials(), {}, std::chrono::minutes(5), ExampleTime());
  EXPECT_EQ(query.rfind("versionId=3%2F4&X-Amz-Algorithm=AWS4-HMAC-SHA256&", 0), 0u) << query;
  EXPECT_NE(query.find("&X-Amz-Expires=300&X-Amz-SignedHeaders=host&"), std::string::npos);
}

TEST(PresignQueryTest, SessionTokenIsAnEncodedParameter) {
  AwsCredentials credentials = ExampleCredentials();
  credentials.session_token = "tok/en+=";
  std::string query = PresignQuery(ExampleRequest("GET", "/test.txt"), credentials, {},
                                   std::chrono::minutes(5), ExampleTime());
  EXPECT_NE(query.find("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature="), std::string::npos)
      << query;
}

}  // namespace
}  // namespace invtrack
