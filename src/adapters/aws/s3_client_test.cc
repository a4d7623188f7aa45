#include "adapters/aws/s3_client.h"

#include <atomic>
#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "adapters/aws/md5_digest.h"
#include "adapters/aws/scripted_http_server_test_util.h"
#include "sigv4/verifier.h"
#include "test_util.h"

namespace invtrack {
namespace {

using ::invtrack::testing::RecordedRequest;
using ::invtrack::testing::ScriptedHttpServer;
using ::invtrack::testing::ScriptedResponse;
using ::invtrack::testing::TempDir;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

AwsClientOptions OptionsFor(const ScriptedHttpServer& server) {
  AwsClientOptions options;
  options.endpoint = server.endpoint();
  options.credentials = {"AKIDEXAMPLE", kSecret, ""};
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  options.retry.max_backoff = std::chrono::milliseconds(5);
  return options;
}

std::unique_ptr<S3Client> ClientFor(const ScriptedHttpServer& server) {
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(OptionsFor(server));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return std::move(client).value();
}

std::string Md5Base64(std::string_view bytes) {
  Md5Digest md5;
  md5.Update(bytes);
  return Md5Digest::Base64(md5.Finish());
}

std::string Md5Hex(std::string_view bytes) {
  Md5Digest md5;
  md5.Update(bytes);
  return Md5Digest::Hex(md5.Finish());
}

// Checks the request's SigV4 signature with the server-side verifier.
void ExpectValidSignature(const RecordedRequest& recorded) {
  SignableRequest request;
  request.method = recorded.method;
  request.path = recorded.path();
  request.query = recorded.query();
  request.headers = recorded.headers.entries;
  auto parsed = ParseAuthorization(request);
  ASSERT_TRUE(std::holds_alternative<ParsedAuthorization>(parsed))
      << std::get<AuthError>(parsed).message;
  const auto& auth = std::get<ParsedAuthorization>(parsed);
  EXPECT_EQ(auth.access_key_id, "AKIDEXAMPLE");
  std::optional<AuthError> error =
      VerifySignature(auth, kSecret, request, std::chrono::system_clock::now());
  EXPECT_FALSE(error.has_value()) << error->code << ": " << error->message;
}

ScriptedResponse Ok(std::string etag = "\"abc\"") {
  ScriptedResponse response;
  response.headers = {{"ETag", std::move(etag)}};
  return response;
}

ScriptedResponse S3Error(int status, std::string code, std::string message) {
  ScriptedResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/xml"}};
  response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                  "</Code><Message>" + message +
                  "</Message><Resource>/b/k</Resource><RequestId>REQ123</RequestId></Error>";
  return response;
}

TEST(S3ClientTest, PutObjectFromStringSignsTheRealHashAndSendsContentMd5) {
  std::string body = "store,item,count\nBerlin,Echo Dot,12\n";
  ScriptedHttpServer server([&](const RecordedRequest&) {
    ScriptedResponse response = Ok("\"" + Md5Hex(body) + "\"");
    response.headers.emplace_back("x-invtrack-invocation-id", "42");
    return response;
  });
  auto client = ClientFor(server);
  PutObjectOptions options;
  options.content_type = "text/csv";
  options.metadata = {{"origin", "test"}};
  Result<PutObjectResult> put =
      client->PutObjectFromString("inventory", "stores/Berlin/a b+c.csv", body, options);
  ASSERT_OK(put);
  EXPECT_EQ(put->etag, "\"" + Md5Hex(body) + "\"");
  EXPECT_EQ(put->headers.Find("X-Invtrack-Invocation-Id").value_or(""), "42");

  std::vector<RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/inventory/stores/Berlin/a%20b%2Bc.csv");
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.headers.Find("Content-Length").value_or(""), std::to_string(body.size()));
  EXPECT_EQ(r.headers.Find("Content-MD5").value_or(""), Md5Base64(body));
  EXPECT_EQ(r.headers.Find("Content-Type").value_or(""), "text/csv");
  EXPECT_EQ(r.headers.Find("x-amz-meta-origin").value_or(""), "test");
  EXPECT_EQ(r.headers.Find("x-amz-content-sha256").value_or(""), Sha256Hex(body));
  EXPECT_FALSE(r.headers.Find("Expect").has_value());
  std::string authorization(r.headers.Find("Authorization").value_or(""));
  EXPECT_TRUE(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
      << authorization;
  for (const char* name : {"content-md5", "host", "x-amz-content-sha256", "x-amz-date"}) {
    EXPECT_NE(authorization.find(name), std::string::npos) << name << " not signed";
  }
  ExpectValidSignature(r);
}

TEST(S3ClientTest, PutObjectFromFileStreamsUnsignedWithContentMd5AndProgress) {
  TempDir dir;
  std::string content(3 * 1024 * 1024 + 17, 'x');
  for (size_t i = 0; i < content.size(); i += 4099) content[i] = static_cast<char>('a' + i % 26);
  {
    std::ofstream out(dir.Sub("big.csv"), std::ios::binary);
    out << content;
  }
  ScriptedHttpServer server([](const RecordedRequest&) { return Ok(); });
  auto client = ClientFor(server);
  uint64_t last_sent = 0;
  uint64_t last_total = 0;
  int calls = 0;
  PutObjectOptions options;
  options.on_progress = [&](uint64_t sent, uint64_t total) {
    EXPECT_GE(sent, last_sent);
    last_sent = sent;
    last_total = total;
    ++calls;
  };
  ASSERT_OK(client->PutObjectFromFile("inventory", "big.csv", dir.Sub("big.csv"), options));
  std::vector<RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.body.size(), content.size());
  EXPECT_TRUE(r.body == content);
  EXPECT_EQ(r.headers.Find("x-amz-content-sha256").value_or(""), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(r.headers.Find("Content-MD5").value_or(""), Md5Base64(content));
  // Above 1 MiB the server may refuse before the body is sent.
  EXPECT_EQ(r.headers.Find("Expect").value_or(""), "100-continue");
  EXPECT_EQ(last_sent, content.size());
  EXPECT_EQ(last_total, content.size());
  EXPECT_GT(calls, 1);
  ExpectValidSignature(r);
}

TEST(S3ClientTest, PutObjectFromMissingFileNamesIt) {
  ScriptedHttpServer server([](const RecordedRequest&) { return Ok(); });
  auto client = ClientFor(server);
  Result<PutObjectResult> put = client->PutObjectFromFile("b", "k", "/nonexistent/inv.csv");
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsNotFound());
  EXPECT_NE(put.status().message().find("/nonexistent/inv.csv"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST(S3ClientTest, PutObjectFromByteSourceChecksTheEtag) {
  std::string body = "store,item,count\nOslo,Pan,3\n";
  std::string etag = "\"" + Md5Hex(body) + "\"";
  ScriptedHttpServer server([&](const RecordedRequest&) { return Ok(etag); });
  auto client = ClientFor(server);
  StringByteSource source(body);
  ASSERT_OK(client->PutObject("b", "k.csv", &source, body.size()));
  RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.body, body);
  EXPECT_FALSE(r.headers.Find("Content-MD5").has_value());
  EXPECT_EQ(r.headers.Find("x-amz-content-sha256").value_or(""), "UNSIGNED-PAYLOAD");

  etag = "\"00000000000000000000000000000000\"";
  StringByteSource again(body);
  Result<PutObjectResult> put = client->PutObject("b", "k.csv", &again, body.size());
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsCorruption()) << put.status().ToString();
}

TEST(S3ClientTest, ByteSourceShorterThanDeclaredFailsWithoutRetry) {
  ScriptedHttpServer server([](const RecordedRequest&) { return Ok(); });
  auto client = ClientFor(server);
  StringByteSource source("short");
  Result<PutObjectResult> put = client->PutObject("b", "k", &source, 100);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(client->last_error().kind, AwsCallError::Kind::kLocal);
  EXPECT_NE(put.status().message().find("ended after 5 of 100 bytes"), std::string::npos)
      << put.status().ToString();
}

TEST(S3ClientTest, RetriesSlowDownThenSucceeds) {
  std::atomic<int> calls{0};
  ScriptedHttpServer server([&](const RecordedRequest&) {
    if (calls++ < 2) return S3Error(503, "SlowDown", "Please reduce your request rate.");
    return Ok("\"" + Md5Hex("hello") + "\"");
  });
  auto client = ClientFor(server);
  ASSERT_OK(client->PutObjectFromString("b", "k", "hello"));
  std::vector<RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const RecordedRequest& r : requests) EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(client->last_error().kind, AwsCallError::Kind::kNone);
}

TEST(S3ClientTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  ScriptedHttpServer server(
      [](const RecordedRequest&) { return S3Error(500, "InternalError", "We broke."); });
  auto client = ClientFor(server);
  Result<S3ObjectMetadata> head = client->HeadObject("b", "k");
  ASSERT_FALSE(head.ok());
  EXPECT_TRUE(head.status().IsUnavailable()) << head.status().ToString();
  EXPECT_EQ(server.requests().size(), 4u);  // the default policy: 4 attempts
  EXPECT_EQ(client->last_error().http_status, 500);
}

TEST(S3ClientTest, ErrorXmlBecomesAClearStatus) {
  ScriptedHttpServer server(
      [](const RecordedRequest&) { return S3Error(403, "AccessDenied", "Access Denied"); });
  auto client = ClientFor(server);
  Result<PutObjectResult> put = client->PutObjectFromString("inventory", "stores/X/a.csv", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsPermissionDenied());
  EXPECT_EQ(put.status().message(),
            "PUT s3://inventory/stores/X/a.csv: AccessDenied: Access Denied (HTTP 403, request "
            "id REQ123)");
  const AwsCallError& error = client->last_error();
  EXPECT_EQ(error.kind, AwsCallError::Kind::kService);
  EXPECT_EQ(error.code, "AccessDenied");
  EXPECT_EQ(error.message, "Access Denied");
  EXPECT_EQ(error.request_id, "REQ123");
  EXPECT_EQ(server.requests().size(), 1u);  // a 403 is not retried
}

TEST(S3ClientTest, ReusesOneConnection) {
  ScriptedHttpServer server([](const RecordedRequest& r) {
    ScriptedResponse response = Ok("\"" + Md5Hex(r.body) + "\"");
    if (r.method == "GET") response.body = "content";
    return response;
  });
  auto client = ClientFor(server);
  ASSERT_OK(client->PutObjectFromString("b", "k1", "one"));
  ASSERT_OK(client->PutObjectFromString("b", "k2", "two"));
  std::string got;
  StringResponseSink sink(&got);
  ASSERT_OK(client->GetObject("b", "k1", &sink));
  EXPECT_EQ(got, "content");
  ASSERT_OK(client->HeadObject("b", "k1"));
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(S3ClientTest, GetObjectStreamsToAFileAndRetriesABrokenConnection) {
  std::atomic<int> calls{0};
  std::string content(200000, 'z');
  ScriptedHttpServer server([&](const RecordedRequest&) {
    if (calls++ == 0) return ScriptedResponse::Drop();
    ScriptedResponse response = Ok("\"e\"");
    response.headers.emplace_back("Last-Modified", "Tue, 01 Oct 2024 10:00:00 GMT");
    response.headers.emplace_back("Content-Type", "text/csv");
    response.body = content;
    return response;
  });
  auto client = ClientFor(server);
  TempDir dir;
  Result<S3ObjectMetadata> got = client->GetObjectToFile("b", "dir/k.csv", dir.Sub("out.csv"));
  ASSERT_OK(got);
  EXPECT_EQ(got->content_length, content.size());
  EXPECT_EQ(got->content_type, "text/csv");
  EXPECT_EQ(got->last_modified, "Tue, 01 Oct 2024 10:00:00 GMT");
  std::ifstream in(dir.Sub("out.csv"), std::ios::binary);
  std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(written == content);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].target, "/b/dir/k.csv");
}

TEST(S3ClientTest, MissingObjectIsNotFound) {
  ScriptedHttpServer server([](const RecordedRequest& r) {
    if (r.method == "HEAD") return ScriptedResponse::WithStatus(404);
    return S3Error(404, "NoSuchKey", "The specified key does not exist.");
  });
  auto client = ClientFor(server);
  std::string got;
  StringResponseSink sink(&got);
  Result<S3ObjectMetadata> get = client->GetObject("b", "k", &sink);
  ASSERT_FALSE(get.ok());
  EXPECT_TRUE(get.status().IsNotFound());
  EXPECT_EQ(client->last_error().code, "NoSuchKey");
  EXPECT_TRUE(got.empty());  // the error body is not the object's
  Result<S3ObjectMetadata> head = client->HeadObject("b", "k");
  ASSERT_FALSE(head.ok());
  EXPECT_TRUE(head.status().IsNotFound());
  EXPECT_EQ(client->last_error().code, "NotFound");
  // Deleting what is not there succeeds, as S3 does.
  EXPECT_OK(client->DeleteObject("b", "k"));
  EXPECT_EQ(server.requests().back().method, "DELETE");
}

TEST(S3ClientTest, CreateBucketAcceptsABucketWeOwn) {
  ScriptedHttpServer server([](const RecordedRequest&) {
    return S3Error(409, "BucketAlreadyOwnedByYou", "Your previous request succeeded.");
  });
  auto client = ClientFor(server);
  EXPECT_OK(client->CreateBucket("inventory"));
  RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/inventory");
  EXPECT_EQ(r.headers.Find("Content-Length").value_or(""), "0");
  ExpectValidSignature(r);
}

TEST(S3ClientTest, ListObjectsV2ParsesThePage) {
  ScriptedHttpServer server([](const RecordedRequest&) {
    ScriptedResponse response = Ok();
    response.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Name>b</Name><Prefix>stores/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
        "<IsTruncated>true</IsTruncated>"
        "<Contents><Key>stores/a&amp;b.csv</Key><LastModified>2024-10-01T10:00:00.000Z"
        "</LastModified><ETag>&quot;e1&quot;</ETag><Size>12</Size>"
        "<StorageClass>STANDARD</StorageClass></Contents>"
        "<Contents><Key>stores/c.csv</Key><ETag>\"e2\"</ETag><Size>5000000000</Size></Contents>"
        "<CommonPrefixes><Prefix>stores/Berlin/</Prefix></CommonPrefixes>"
        "<NextContinuationToken>tok/en+1</NextContinuationToken></ListBucketResult>";
    return response;
  });
  auto client = ClientFor(server);
  ListObjectsV2Request list;
  list.prefix = "stores/";
  list.delimiter = "/";
  list.max_keys = 2;
  Result<ListObjectsV2Result> page = client->ListObjectsV2("b", list);
  ASSERT_OK(page);
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "stores/a&b.csv");
  EXPECT_EQ(page->objects[0].etag, "\"e1\"");
  EXPECT_EQ(page->objects[0].size, 12u);
  EXPECT_EQ(page->objects[0].last_modified, "2024-10-01T10:00:00.000Z");
  EXPECT_EQ(page->objects[1].size, 5000000000u);
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"stores/Berlin/"});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "tok/en+1");
  RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.target, "/b?delimiter=%2F&list-type=2&max-keys=2&prefix=stores%2F");
  ExpectValidSignature(r);

  ListObjectsV2Request next;
  next.continuation_token = page->next_continuation_token;
  ASSERT_OK(client->ListObjectsV2("b", next));
  EXPECT_EQ(server.requests().at(1).query(), "continuation-token=tok%2Fen%2B1&list-type=2");
}

TEST(S3ClientTest, ConnectionRefusedIsAConnectError) {
  int port;
  {
    ScriptedHttpServer gone([](const RecordedRequest&) { return Ok(); });
    port = gone.port();
  }
  AwsClientOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(port);
  options.credentials = {"AKIDEXAMPLE", kSecret, ""};
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  auto client = std::move(S3Client::Create(options)).value();
  Result<S3ObjectMetadata> head = client->HeadObject("b", "k");
  ASSERT_FALSE(head.ok());
  EXPECT_TRUE(head.status().IsUnavailable());
  EXPECT_EQ(client->last_error().kind, AwsCallError::Kind::kConnect);
  EXPECT_NE(head.status().message().find("cannot connect to " + options.endpoint),
            std::string::npos)
      << head.status().message();
}

TEST(S3ClientTest, SilentServerHitsTheIdleTimeout) {
  ScriptedHttpServer server([](const RecordedRequest&) { return ScriptedResponse::Silent(); });
  AwsClientOptions options = OptionsFor(server);
  options.idle_timeout = std::chrono::milliseconds(1000);
  options.retry.max_attempts = 1;
  auto client = std::move(S3Client::Create(options)).value();
  auto start = std::chrono::steady_clock::now();
  Result<S3ObjectMetadata> head = client->HeadObject("b", "k");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(client->last_error().kind, AwsCallError::Kind::kTimeout) << head.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(S3ClientTest, RejectsBadMetadataAndEndpoints) {
  ScriptedHttpServer server([](const RecordedRequest&) { return Ok(); });
  auto client = ClientFor(server);
  PutObjectOptions options;
  options.metadata = {{"bad name", "v"}};
  EXPECT_TRUE(client->PutObjectFromString("b", "k", "x", options).status().IsInvalidArgument());
  options.metadata = {{"name", "line\r\nInjected: yes"}};
  EXPECT_TRUE(client->PutObjectFromString("b", "k", "x", options).status().IsInvalidArgument());
  EXPECT_TRUE(server.requests().empty());

  AwsClientOptions bad;
  bad.endpoint = "ftp://127.0.0.1:9000";
  EXPECT_TRUE(S3Client::Create(bad).status().IsInvalidArgument());
  bad.endpoint = "http://127.0.0.1:9000/prefix";
  EXPECT_TRUE(S3Client::Create(bad).status().IsInvalidArgument());
  bad.endpoint = "not a url";
  EXPECT_TRUE(S3Client::Create(bad).status().IsInvalidArgument());
}

}  // namespace
}  // namespace invtrack
