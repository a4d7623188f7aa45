#include "adapters/aws/aws_http_client.h"

#include <atomic>

#include <gtest/gtest.h>

#include "adapters/aws/scripted_http_server_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

using ::invtrack::testing::RecordedRequest;
using ::invtrack::testing::ScriptedHttpServer;
using ::invtrack::testing::ScriptedResponse;

AwsClientOptions OptionsFor(const ScriptedHttpServer& server) {
  AwsClientOptions options;
  options.endpoint = server.endpoint();
  options.credentials = {"AKIDEXAMPLE", "secret", "session-token-1"};
  options.scope = {.region = "eu-central-1", .service = "dynamodb"};
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  return options;
}

TEST(AwsHttpClientTest, NonIdempotentRequestIsNotRetriedOnA503) {
  std::atomic<int> calls{0};
  ScriptedHttpServer server([&](const RecordedRequest&) {
    ++calls;
    return ScriptedResponse::WithStatus(503, "{\"__type\":\"Throttled\"}");
  });
  auto client = std::move(AwsHttpClient::Create(OptionsFor(server))).value();
  std::string json = "{\"TableName\":\"inventory\"}";
  StringOutgoingBody body(json);
  AwsRequest request;
  request.method = "POST";
  request.headers.Add("Content-Type", "application/x-amz-json-1.0");
  request.headers.Add("X-Amz-Target", "DynamoDB_20120810.DescribeTable");
  request.body = &body;
  request.idempotent = false;
  Result<AwsResponse> response = client->Send(request);
  ASSERT_OK(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "{\"__type\":\"Throttled\"}");
  EXPECT_EQ(calls.load(), 1);

  RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.body, json);
  EXPECT_EQ(r.headers.Find("Content-Type").value_or(""), "application/x-amz-json-1.0");
  EXPECT_EQ(r.headers.Find("x-amz-security-token").value_or(""), "session-token-1");
  std::string authorization(r.headers.Find("Authorization").value_or(""));
  EXPECT_NE(authorization.find("/eu-central-1/dynamodb/aws4_request"), std::string::npos)
      << authorization;
  EXPECT_NE(authorization.find("x-amz-target"), std::string::npos) << authorization;
}

TEST(AwsHttpClientTest, RetryableAnswerIsRetriedAndCountsAttempts) {
  std::atomic<int> calls{0};
  ScriptedHttpServer server([&](const RecordedRequest&) {
    if (calls++ == 0) return ScriptedResponse::WithStatus(429);
    return ScriptedResponse::WithStatus(200, "done");
  });
  auto client = std::move(AwsHttpClient::Create(OptionsFor(server))).value();
  AwsRequest request;
  request.path = "/x";
  Result<AwsResponse> response = client->Send(request);
  ASSERT_OK(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->attempts, 2);
}

TEST(AwsHttpClientTest, ErrorBodiesDoNotReachTheSink) {
  ScriptedHttpServer server([](const RecordedRequest&) {
    return ScriptedResponse::WithStatus(400, "<Error><Code>Bad</Code></Error>");
  });
  auto client = std::move(AwsHttpClient::Create(OptionsFor(server))).value();
  std::string sunk;
  StringResponseSink sink(&sunk);
  AwsRequest request;
  request.sink = &sink;
  Result<AwsResponse> response = client->Send(request);
  ASSERT_OK(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "<Error><Code>Bad</Code></Error>");
  EXPECT_TRUE(sunk.empty());
}

TEST(AwsHttpClientTest, SinkErrorAbortsWithoutRetry) {
  ScriptedHttpServer server([](const RecordedRequest&) {
    return ScriptedResponse::WithStatus(200, std::string(100000, 'a'));
  });
  auto client = std::move(AwsHttpClient::Create(OptionsFor(server))).value();
  CallbackResponseSink sink([](std::string_view) { return Status::IOError("disk full"); });
  AwsRequest request;
  request.sink = &sink;
  Result<AwsResponse> response = client->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "disk full");
  EXPECT_EQ(client->last_error().kind, AwsCallError::Kind::kLocal);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(AwsHttpClientTest, KnowsItsEndpoint) {
  AwsClientOptions options;
  options.endpoint = "http://localhost:9000/";
  auto client = std::move(AwsHttpClient::Create(options)).value();
  EXPECT_EQ(client->endpoint(), "http://localhost:9000");
  EXPECT_EQ(client->authority(), "localhost:9000");
  options.endpoint = "https://s3.eu-central-1.amazonaws.com";
  client = std::move(AwsHttpClient::Create(options)).value();
  EXPECT_EQ(client->authority(), "s3.eu-central-1.amazonaws.com");
}

}  // namespace
}  // namespace invtrack
