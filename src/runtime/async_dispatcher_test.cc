#include "runtime/async_dispatcher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/in_memory_ports.h"
#include "test_util.h"

namespace invtrack {
namespace {

using testing::FixedClock;
using testing::TempDir;

// A handler scripted per call: fails the first `failures` calls (with
// "failure N"), then answers "done:<payload>".
class ScriptedHandler {
 public:
  explicit ScriptedHandler(int failures) : failures_(failures) {}

  Result<std::string> operator()(std::string_view payload) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++calls_;
    payloads_.emplace_back(payload);
    if (calls_ <= failures_) return Status::Unavailable("failure " + std::to_string(calls_));
    return "done:" + std::string(payload);
  }

  int calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  std::vector<std::string> payloads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return payloads_;
  }

 private:
  mutable std::mutex mutex_;
  int failures_;
  int calls_ = 0;
  std::vector<std::string> payloads_;
};

class AsyncDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteInvocationQueue>> queue =
        SqliteInvocationQueue::Open(dir_.path() / "bucket.db");
    ASSERT_OK(queue);
    queue_ = std::move(queue).value();
  }

  std::unique_ptr<AsyncDispatcher> Make(AsyncHandler handler, AsyncRetryPolicy policy = {}) {
    auto dispatcher =
        std::make_unique<AsyncDispatcher>(queue_.get(), std::move(handler), &clock_, policy);
    dispatcher->OnFinished([this](int64_t id) {
      std::lock_guard<std::mutex> lock(finished_mutex_);
      finished_.push_back(id);
      finished_cv_.notify_all();
    });
    return dispatcher;
  }

  int64_t Enqueue(std::string_view payload) {
    Result<int64_t> id = queue_->Enqueue(payload, clock_.NowMillis());
    EXPECT_OK(id);
    return id.ok() ? *id : -1;
  }

  // RunOnce, expecting it to succeed; returns whether something ran.
  bool RunOnce(AsyncDispatcher& dispatcher) {
    Result<bool> ran = dispatcher.RunOnce();
    EXPECT_OK(ran);
    return ran.ok() && *ran;
  }

  Invocation Get(int64_t id) {
    Result<Invocation> got = queue_->Get(id);
    EXPECT_OK(got);
    return got.ok() ? *got : Invocation{};
  }

  std::vector<int64_t> Finished() {
    std::lock_guard<std::mutex> lock(finished_mutex_);
    return finished_;
  }

  // Waits (bounded) until `id` has been reported finished.
  bool WaitFinished(int64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(finished_mutex_);
    return finished_cv_.wait_for(lock, timeout, [&] {
      return std::find(finished_.begin(), finished_.end(), id) != finished_.end();
    });
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<SqliteInvocationQueue> queue_;
  std::mutex finished_mutex_;
  std::condition_variable finished_cv_;
  std::vector<int64_t> finished_;
};

TEST_F(AsyncDispatcherTest, NothingToRun) {
  ScriptedHandler handler(0);
  auto dispatcher = Make(std::ref(handler));
  EXPECT_FALSE(RunOnce(*dispatcher));
  EXPECT_EQ(handler.calls(), 0);
  EXPECT_TRUE(Finished().empty());
}

TEST_F(AsyncDispatcherTest, SuccessStoresResponse) {
  ScriptedHandler handler(0);
  auto dispatcher = Make(std::ref(handler));
  int64_t id = Enqueue("event-1");
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_EQ(handler.payloads(), std::vector<std::string>{"event-1"});
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kSucceeded);
  EXPECT_EQ(inv.result, "done:event-1");
  EXPECT_EQ(inv.attempts, 1);
  EXPECT_EQ(Finished(), std::vector<int64_t>{id});
  EXPECT_FALSE(RunOnce(*dispatcher));
}

TEST_F(AsyncDispatcherTest, RunsInvocationsInOrder) {
  ScriptedHandler handler(0);
  auto dispatcher = Make(std::ref(handler));
  int64_t a = Enqueue("a");
  int64_t b = Enqueue("b");
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_FALSE(RunOnce(*dispatcher));
  EXPECT_EQ(handler.payloads(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Finished(), (std::vector<int64_t>{a, b}));
}

TEST_F(AsyncDispatcherTest, FailsTwiceThenSucceedsHonouringDelays) {
  ScriptedHandler handler(2);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{2, {1000, 2000}, 100});
  int64_t id = Enqueue("p");

  EXPECT_TRUE(RunOnce(*dispatcher));  // attempt 1 fails
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kPending);
  EXPECT_EQ(inv.attempts, 1);
  EXPECT_NE(inv.last_error.find("failure 1"), std::string::npos) << inv.last_error;
  Result<std::optional<int64_t>> due = queue_->NextDue();
  ASSERT_OK(due);
  EXPECT_EQ(*due, clock_.NowMillis() + 1000);
  EXPECT_TRUE(Finished().empty());

  EXPECT_FALSE(RunOnce(*dispatcher));  // not due yet
  clock_.Advance(999);
  EXPECT_FALSE(RunOnce(*dispatcher));
  clock_.Advance(1);
  EXPECT_TRUE(RunOnce(*dispatcher));  // attempt 2 fails
  inv = Get(id);
  EXPECT_EQ(inv.attempts, 2);
  EXPECT_NE(inv.last_error.find("failure 2"), std::string::npos) << inv.last_error;

  clock_.Advance(1999);  // the second delay is 2000
  EXPECT_FALSE(RunOnce(*dispatcher));
  EXPECT_EQ(handler.calls(), 2);
  clock_.Advance(1);
  EXPECT_TRUE(RunOnce(*dispatcher));  // attempt 3 succeeds
  inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kSucceeded);
  EXPECT_EQ(inv.attempts, 3);
  EXPECT_EQ(inv.result, "done:p");
  EXPECT_EQ(handler.calls(), 3);
  EXPECT_EQ(Finished(), std::vector<int64_t>{id});
}

TEST_F(AsyncDispatcherTest, AlwaysFailingGoesDeadAfterOnePlusMaxRetries) {
  ScriptedHandler handler(1000);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{2, {10, 20}, 100});
  int64_t id = Enqueue("p");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(RunOnce(*dispatcher)) << "attempt " << attempt;
    clock_.Advance(20);
  }
  EXPECT_FALSE(RunOnce(*dispatcher));
  clock_.Advance(100000);
  EXPECT_FALSE(RunOnce(*dispatcher));
  EXPECT_EQ(handler.calls(), 3);

  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kDead);
  EXPECT_EQ(inv.attempts, 3);
  EXPECT_NE(inv.last_error.find("failure 3"), std::string::npos) << inv.last_error;
  EXPECT_NE(inv.last_error.find("Unavailable"), std::string::npos) << inv.last_error;
  Result<std::vector<Invocation>> dead = queue_->ListDead();
  ASSERT_OK(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].id, id);
  EXPECT_EQ(Finished(), std::vector<int64_t>{id});
}

TEST_F(AsyncDispatcherTest, ZeroRetriesDeadAfterFirstFailure) {
  ScriptedHandler handler(1000);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{0, {1000}, 100});
  int64_t id = Enqueue("p");
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_EQ(Get(id).state, InvocationState::kDead);
  EXPECT_EQ(Get(id).attempts, 1);
  EXPECT_EQ(handler.calls(), 1);
}

TEST_F(AsyncDispatcherTest, LastDelayRepeats) {
  ScriptedHandler handler(1000);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{4, {10, 30}, 100});
  int64_t id = Enqueue("p");
  const std::vector<int64_t> expected_delays = {10, 30, 30, 30};
  for (int64_t delay : expected_delays) {
    ASSERT_TRUE(RunOnce(*dispatcher));
    clock_.Advance(delay - 1);
    EXPECT_FALSE(RunOnce(*dispatcher)) << "delay " << delay;
    clock_.Advance(1);
  }
  EXPECT_TRUE(RunOnce(*dispatcher));  // the fifth and last attempt
  EXPECT_EQ(Get(id).state, InvocationState::kDead);
  EXPECT_EQ(Get(id).attempts, 5);
  EXPECT_EQ(handler.calls(), 5);
}

TEST_F(AsyncDispatcherTest, NoDelaysRetriesImmediately) {
  ScriptedHandler handler(1);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{2, {}, 100});
  int64_t id = Enqueue("p");
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_TRUE(RunOnce(*dispatcher));  // same clock reading
  EXPECT_EQ(Get(id).state, InvocationState::kSucceeded);
  EXPECT_EQ(Get(id).attempts, 2);
}

TEST_F(AsyncDispatcherTest, HandlerThrowingIsAFailure) {
  int calls = 0;
  auto dispatcher = Make(
      [&](std::string_view) -> Result<std::string> {
        ++calls;
        if (calls == 1) throw std::runtime_error("kaboom");
        return std::string("recovered");
      },
      AsyncRetryPolicy{2, {5}, 100});
  int64_t id = Enqueue("p");
  EXPECT_TRUE(RunOnce(*dispatcher));
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kPending);
  EXPECT_NE(inv.last_error.find("kaboom"), std::string::npos) << inv.last_error;
  clock_.Advance(5);
  EXPECT_TRUE(RunOnce(*dispatcher));
  inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kSucceeded);
  EXPECT_EQ(inv.result, "recovered");
  EXPECT_EQ(inv.attempts, 2);
}

TEST_F(AsyncDispatcherTest, HandlerAlwaysThrowingGoesDead) {
  auto dispatcher = Make(
      [](std::string_view) -> Result<std::string> { throw std::logic_error("broken handler"); },
      AsyncRetryPolicy{1, {0}, 100});
  int64_t id = Enqueue("p");
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_TRUE(RunOnce(*dispatcher));
  EXPECT_FALSE(RunOnce(*dispatcher));
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kDead);
  EXPECT_EQ(inv.attempts, 2);
  EXPECT_NE(inv.last_error.find("broken handler"), std::string::npos) << inv.last_error;
  EXPECT_EQ(Finished(), std::vector<int64_t>{id});
}

TEST_F(AsyncDispatcherTest, RedrivenInvocationRunsAgainWithFreshAttempts) {
  ScriptedHandler handler(1);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{0, {}, 100});
  int64_t id = Enqueue("p");
  EXPECT_TRUE(RunOnce(*dispatcher));
  ASSERT_EQ(Get(id).state, InvocationState::kDead);
  ASSERT_OK(queue_->Redrive(id, clock_.NowMillis()));
  EXPECT_TRUE(RunOnce(*dispatcher));
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kSucceeded);
  EXPECT_EQ(inv.attempts, 1);
  EXPECT_EQ(Finished(), (std::vector<int64_t>{id, id}));
}

TEST_F(AsyncDispatcherTest, FailureDoesNotBlockLaterInvocations) {
  int calls = 0;
  auto dispatcher = Make(
      [&](std::string_view payload) -> Result<std::string> {
        ++calls;
        if (payload == "bad") return Status::Unavailable("nope");
        return std::string(payload);
      },
      AsyncRetryPolicy{2, {1000}, 100});
  int64_t bad = Enqueue("bad");
  int64_t good = Enqueue("good");
  EXPECT_TRUE(RunOnce(*dispatcher));  // bad fails, waits 1000
  EXPECT_TRUE(RunOnce(*dispatcher));  // good runs meanwhile
  EXPECT_EQ(Get(good).state, InvocationState::kSucceeded);
  EXPECT_EQ(Get(bad).state, InvocationState::kPending);
  EXPECT_EQ(calls, 2);
}

TEST_F(AsyncDispatcherTest, BackgroundThreadRetriesUntilSuccess) {
  ScriptedHandler handler(2);
  // A long poll interval: only Notify can wake the thread in time.
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{2, {0}, 60000});
  dispatcher->Start();
  int64_t id = Enqueue("bg");
  dispatcher->Notify();
  bool finished = WaitFinished(id);
  dispatcher->Stop();
  ASSERT_TRUE(finished) << "the dispatcher did not finish the invocation in time";
  Invocation inv = Get(id);
  EXPECT_EQ(inv.state, InvocationState::kSucceeded);
  EXPECT_EQ(inv.attempts, 3);
  EXPECT_EQ(inv.result, "done:bg");
  EXPECT_EQ(handler.calls(), 3);

  // Stopped: new work is left alone.
  int64_t later = Enqueue("later");
  dispatcher->Notify();
  EXPECT_EQ(Get(later).state, InvocationState::kPending);
}

TEST_F(AsyncDispatcherTest, BackgroundThreadDeadLettersAndCanRestart) {
  ScriptedHandler handler(1000);
  auto dispatcher = Make(std::ref(handler), AsyncRetryPolicy{1, {0}, 60000});
  dispatcher->Start();
  int64_t id = Enqueue("doomed");
  dispatcher->Notify();
  ASSERT_TRUE(WaitFinished(id));
  dispatcher->Stop();
  EXPECT_EQ(Get(id).state, InvocationState::kDead);
  EXPECT_EQ(Get(id).attempts, 2);

  // Start again after Stop, and stop promptly although the poll is long.
  dispatcher->Start();
  auto stop_started = std::chrono::steady_clock::now();
  dispatcher->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace invtrack
