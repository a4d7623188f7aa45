#include "notify/webhook_sender.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "notify/http_receiver_test_util.h"
#include "notify/webhook_signature.h"

namespace invtrack {
namespace {

using testing::RecordingReceiver;

constexpr int64_t kNow = 1764110000;

Notification SampleNotification(std::string id = "a1b2c3-OUT.s4") {
  Notification n;
  n.id = id;
  n.subject = "Inventory Alert!";
  n.text = "Berlin is out of stock of Widget\n";
  n.json = R"({"id":")" + id + R"(","alerts":[{"store":"Berlin","item":"Widget","kind":"OUT"}]})";
  n.created_ms = kNow * 1000;
  return n;
}

Subscription WebhookTo(std::string url, std::string secret = "") {
  Subscription s;
  s.id = 7;
  s.channel = Channel::kWebhook;
  s.address = std::move(url);
  s.secret = std::move(secret);
  return s;
}

WebhookSettings ShortTimeouts() {
  WebhookSettings settings;
  settings.connect_timeout_ms = 2'000;
  settings.timeout_ms = 500;
  return settings;
}

TEST(WebhookSenderTest, PostsSignedJsonThatTheReceiverCanVerify) {
  RecordingReceiver receiver;
  WebhookSender sender(WebhookSettings{}, [] { return kNow; });
  Notification n = SampleNotification();
  SendResult result = sender.Send(WebhookTo(receiver.Url("/hooks/inv?x=1"), "whsec_test"), n);
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.detail;
  EXPECT_NE(result.detail.find("HTTP 200"), std::string::npos) << result.detail;

  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const testing::ReceivedRequest& got = requests[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/hooks/inv?x=1");
  EXPECT_EQ(got.body, n.json);
  EXPECT_EQ(got.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(got.Header("X-Invtrack-Id").value_or(""), "a1b2c3-OUT.s4");
  EXPECT_EQ(got.Header("X-Invtrack-Timestamp").value_or(""), std::to_string(kNow));
  std::string signature = got.Header("X-Invtrack-Signature").value_or("");
  // What a receiver does: recompute over the timestamp it was sent.
  int64_t timestamp = std::stoll(got.Header("X-Invtrack-Timestamp").value_or("0"));
  EXPECT_TRUE(VerifyWebhookSignature("whsec_test", timestamp, got.body, signature)) << signature;
  EXPECT_FALSE(VerifyWebhookSignature("wrong", timestamp, got.body, signature));
  EXPECT_FALSE(got.Header("Expect").has_value());
}

TEST(WebhookSenderTest, NoSignatureWithoutASecret) {
  RecordingReceiver receiver;
  WebhookSender sender(WebhookSettings{});
  EXPECT_EQ(sender.Send(WebhookTo(receiver.Url("/h")), SampleNotification()).outcome,
            SendOutcome::kSent);
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].Header("X-Invtrack-Signature").has_value());
  EXPECT_TRUE(requests[0].Header("X-Invtrack-Timestamp").has_value());
}

TEST(WebhookSenderTest, SameIdOnEveryRetry) {
  RecordingReceiver receiver;
  receiver.AnswerWith(503);
  WebhookSender sender(WebhookSettings{});
  Notification n = SampleNotification("same-id.1");
  EXPECT_EQ(sender.Send(WebhookTo(receiver.Url("/h")), n).outcome, SendOutcome::kRetry);
  receiver.AnswerWith(200);
  EXPECT_EQ(sender.Send(WebhookTo(receiver.Url("/h")), n).outcome, SendOutcome::kSent);
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("X-Invtrack-Id"), requests[1].Header("X-Invtrack-Id"));
  EXPECT_EQ(requests[0].body, requests[1].body);
}

TEST(WebhookSenderTest, MapsEachStatusToAnOutcome) {
  RecordingReceiver receiver;
  WebhookSender sender(WebhookSettings{});
  struct Case {
    int status;
    SendOutcome outcome;
  } cases[] = {
      {200, SendOutcome::kSent},      {201, SendOutcome::kSent},
      {202, SendOutcome::kSent},      {204, SendOutcome::kSent},
      {408, SendOutcome::kRetry},     {429, SendOutcome::kRetry},
      {500, SendOutcome::kRetry},     {502, SendOutcome::kRetry},
      {503, SendOutcome::kRetry},     {504, SendOutcome::kRetry},
      {400, SendOutcome::kPermanent}, {401, SendOutcome::kPermanent},
      {403, SendOutcome::kPermanent}, {404, SendOutcome::kPermanent},
      {410, SendOutcome::kPermanent}, {422, SendOutcome::kPermanent},
  };
  for (const Case& c : cases) {
    receiver.AnswerWith(c.status);
    SendResult result = sender.Send(WebhookTo(receiver.Url("/h")), SampleNotification());
    EXPECT_EQ(result.outcome, c.outcome) << c.status << ": " << result.detail;
    EXPECT_NE(result.detail.find("HTTP " + std::to_string(c.status) + " from 127.0.0.1"),
              std::string::npos)
        << result.detail;
    if (c.status >= 400) {
      EXPECT_NE(result.detail.find("refused by test"), std::string::npos) << result.detail;
    }
  }
}

TEST(WebhookSenderTest, RedirectsAreNotFollowed) {
  RecordingReceiver receiver;
  WebhookSender sender(WebhookSettings{});
  for (int status : {301, 302, 307, 308}) {
    receiver.AnswerWith(status, receiver.Url("/elsewhere"));
    SendResult result = sender.Send(WebhookTo(receiver.Url("/h")), SampleNotification());
    EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << status;
    EXPECT_NE(result.detail.find("redirects are not followed"), std::string::npos) << result.detail;
    EXPECT_NE(result.detail.find("/elsewhere"), std::string::npos) << result.detail;
  }
  for (const auto& request : receiver.requests()) EXPECT_EQ(request.target, "/h");
}

TEST(WebhookSenderTest, HungReceiverIsRetriedAfterTheTimeout) {
  RecordingReceiver receiver;
  receiver.Hang();
  WebhookSender sender(ShortTimeouts());
  SendResult result = sender.Send(WebhookTo(receiver.Url("/h")), SampleNotification());
  // Send gave up while the receiver was still holding the request.
  EXPECT_EQ(receiver.answered(), 0);
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
  EXPECT_NE(result.detail.find("no answer from 127.0.0.1 within 500 ms"), std::string::npos)
      << result.detail;
  receiver.Release();
}

TEST(WebhookSenderTest, RefusedConnectionIsRetried) {
  WebhookSender sender(ShortTimeouts());
  std::string url = "http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/h";
  SendResult result = sender.Send(WebhookTo(url), SampleNotification());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry) << result.detail;
  EXPECT_NE(result.detail.find("cannot reach 127.0.0.1"), std::string::npos) << result.detail;
}

TEST(WebhookSenderTest, InvalidUrlIsPermanentWithoutARequest) {
  WebhookSender sender(ShortTimeouts());
  for (const char* url : {"ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "not a url"}) {
    SendResult result = sender.Send(WebhookTo(url), SampleNotification());
    EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << url;
    EXPECT_FALSE(result.detail.empty());
  }
}

TEST(WebhookSenderTest, ConcurrentSendsAllArriveOnce) {
  RecordingReceiver receiver;
  WebhookSender sender(WebhookSettings{});
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> sent{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Notification n = SampleNotification("n" + std::to_string(t) + "-" + std::to_string(i));
        if (sender.Send(WebhookTo(receiver.Url("/h"), "k"), n).outcome == SendOutcome::kSent)
          ++sent;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(sent.load(), kThreads * kPerThread);
  std::set<std::string> ids;
  for (const auto& request : receiver.requests()) {
    ids.insert(request.Header("X-Invtrack-Id").value_or(""));
    int64_t timestamp = std::stoll(request.Header("X-Invtrack-Timestamp").value_or("0"));
    EXPECT_TRUE(VerifyWebhookSignature("k", timestamp, request.body,
                                       request.Header("X-Invtrack-Signature").value_or("")));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace invtrack
