#include "adapters/local/sqlite_invocation_queue.h"

#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace invtrack {
namespace {

using testing::TempDir;

constexpr int64_t kT0 = 1764086400000;

class SqliteInvocationQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  std::filesystem::path db_path() const { return dir_.path() / "bucket.db"; }

  void Reopen() {
    queue_.reset();
    Result<std::unique_ptr<SqliteInvocationQueue>> queue = SqliteInvocationQueue::Open(db_path());
    ASSERT_OK(queue);
    queue_ = std::move(queue).value();
  }

  int64_t Enqueue(std::string_view payload, int64_t now = kT0) {
    Result<int64_t> id = queue_->Enqueue(payload, now);
    EXPECT_OK(id);
    return id.ok() ? *id : -1;
  }

  std::optional<Invocation> Claim(int64_t now) {
    Result<std::optional<Invocation>> claimed = queue_->Claim(now);
    EXPECT_OK(claimed);
    return claimed.ok() ? *claimed : std::nullopt;
  }

  Invocation Get(int64_t id) {
    Result<Invocation> got = queue_->Get(id);
    EXPECT_OK(got);
    return got.ok() ? *got : Invocation{};
  }

  std::optional<int64_t> NextDue() {
    Result<std::optional<int64_t>> due = queue_->NextDue();
    EXPECT_OK(due);
    return due.ok() ? *due : std::optional<int64_t>(-1);
  }

  TempDir dir_;
  std::unique_ptr<SqliteInvocationQueue> queue_;
};

TEST(InvocationStateNameTest, Names) {
  EXPECT_EQ(InvocationStateName(InvocationState::kPending), "pending");
  EXPECT_EQ(InvocationStateName(InvocationState::kRunning), "running");
  EXPECT_EQ(InvocationStateName(InvocationState::kSucceeded), "succeeded");
  EXPECT_EQ(InvocationStateName(InvocationState::kDead), "dead");
}

TEST_F(SqliteInvocationQueueTest, EmptyQueue) {
  EXPECT_FALSE(Claim(kT0).has_value());
  EXPECT_EQ(NextDue(), std::nullopt);
  Result<std::vector<Invocation>> dead = queue_->ListDead();
  ASSERT_OK(dead);
  EXPECT_TRUE(dead->empty());
}

TEST_F(SqliteInvocationQueueTest, EnqueueThenGet) {
  int64_t id = Enqueue("{\"Records\":[]}");
  EXPECT_GT(id, 0);
  Invocation inv = Get(id);
  EXPECT_EQ(inv.id, id);
  EXPECT_EQ(inv.payload, "{\"Records\":[]}");
  EXPECT_EQ(inv.state, InvocationState::kPending);
  EXPECT_EQ(inv.attempts, 0);
  EXPECT_EQ(inv.result, "");
  EXPECT_EQ(inv.last_error, "");
  EXPECT_EQ(inv.created_ms, kT0);
  EXPECT_EQ(inv.updated_ms, kT0);
  EXPECT_EQ(NextDue(), kT0);

  int64_t second = Enqueue("two", kT0 + 5);
  EXPECT_GT(second, id);
}

TEST_F(SqliteInvocationQueueTest, GetOfUnknownIdIsNotFound) {
  Result<Invocation> got = queue_->Get(999);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
}

TEST_F(SqliteInvocationQueueTest, TransitionsOfUnknownIdAreNotFound) {
  EXPECT_TRUE(queue_->Succeed(999, "r", kT0).IsNotFound());
  EXPECT_TRUE(queue_->Retry(999, "e", kT0, kT0).IsNotFound());
  EXPECT_TRUE(queue_->DeadLetter(999, "e", kT0).IsNotFound());
  EXPECT_TRUE(queue_->Redrive(999, kT0).IsNotFound());
}

TEST_F(SqliteInvocationQueueTest, ClaimThenSucceed) {
  int64_t id = Enqueue("payload");
  std::optional<Invocation> claimed = Claim(kT0 + 10);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, id);
  EXPECT_EQ(claimed->payload, "payload");
  EXPECT_EQ(claimed->state, InvocationState::kRunning);
  EXPECT_EQ(claimed->attempts, 1);

  Invocation stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kRunning);
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.updated_ms, kT0 + 10);
  // A running invocation is not claimable again, nor due.
  EXPECT_FALSE(Claim(kT0 + 1000000).has_value());
  EXPECT_EQ(NextDue(), std::nullopt);

  ASSERT_OK(queue_->Succeed(id, "{\"files\":[]}", kT0 + 20));
  stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kSucceeded);
  EXPECT_EQ(stored.result, "{\"files\":[]}");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.updated_ms, kT0 + 20);
  EXPECT_EQ(stored.created_ms, kT0);
  EXPECT_FALSE(Claim(kT0 + 1000000).has_value());
}

TEST_F(SqliteInvocationQueueTest, ClaimTakesOldestDueFirst) {
  int64_t a = Enqueue("a", kT0);
  int64_t b = Enqueue("b", kT0);
  int64_t later = Enqueue("later", kT0 + 500);
  EXPECT_FALSE(Claim(kT0 - 1).has_value());  // nothing due yet

  std::optional<Invocation> first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, a);
  std::optional<Invocation> second = Claim(kT0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->id, b);
  EXPECT_FALSE(Claim(kT0 + 499).has_value());
  EXPECT_EQ(NextDue(), kT0 + 500);
  std::optional<Invocation> third = Claim(kT0 + 500);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->id, later);
}

TEST_F(SqliteInvocationQueueTest, RetryIsNotClaimableBeforeNextAttempt) {
  int64_t id = Enqueue("p");
  ASSERT_TRUE(Claim(kT0).has_value());
  ASSERT_OK(queue_->Retry(id, "Unavailable: table busy", kT0 + 1000, kT0 + 1));

  Invocation stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kPending);
  EXPECT_EQ(stored.last_error, "Unavailable: table busy");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.updated_ms, kT0 + 1);
  EXPECT_EQ(NextDue(), kT0 + 1000);

  EXPECT_FALSE(Claim(kT0 + 999).has_value());
  std::optional<Invocation> again = Claim(kT0 + 1000);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->last_error, "Unavailable: table busy");
}

TEST_F(SqliteInvocationQueueTest, RetryDelaysDoNotBlockOthers) {
  int64_t slow = Enqueue("slow", kT0);
  int64_t fast = Enqueue("fast", kT0 + 1);
  ASSERT_EQ(Claim(kT0 + 1)->id, slow);
  ASSERT_OK(queue_->Retry(slow, "e", kT0 + 10000, kT0 + 1));
  std::optional<Invocation> next = Claim(kT0 + 2);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, fast);
}

TEST_F(SqliteInvocationQueueTest, DeadLetterThenRedrive) {
  int64_t id = Enqueue("p");
  int64_t other = Enqueue("q");
  ASSERT_TRUE(Claim(kT0).has_value());
  ASSERT_OK(queue_->DeadLetter(id, "Internal: boom", kT0 + 3));

  Invocation stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kDead);
  EXPECT_EQ(stored.last_error, "Internal: boom");
  Result<std::vector<Invocation>> dead = queue_->ListDead();
  ASSERT_OK(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].id, id);
  EXPECT_EQ((*dead)[0].payload, "p");
  EXPECT_EQ((*dead)[0].attempts, 1);

  // Dead entries are not claimed.
  std::optional<Invocation> next = Claim(kT0 + 100000);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, other);
  EXPECT_FALSE(Claim(kT0 + 100000).has_value());

  ASSERT_OK(queue_->Redrive(id, kT0 + 50));
  stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kPending);
  EXPECT_EQ(stored.attempts, 0);
  EXPECT_EQ(stored.updated_ms, kT0 + 50);
  EXPECT_EQ(NextDue(), kT0 + 50);
  dead = queue_->ListDead();
  ASSERT_OK(dead);
  EXPECT_TRUE(dead->empty());

  std::optional<Invocation> redriven = Claim(kT0 + 50);
  ASSERT_TRUE(redriven.has_value());
  EXPECT_EQ(redriven->id, id);
  EXPECT_EQ(redriven->attempts, 1);
}

TEST_F(SqliteInvocationQueueTest, RedriveOnlyMovesDeadInvocations) {
  int64_t pending = Enqueue("p");
  EXPECT_TRUE(queue_->Redrive(pending, kT0).IsNotFound());
  ASSERT_TRUE(Claim(kT0).has_value());
  EXPECT_TRUE(queue_->Redrive(pending, kT0).IsNotFound());  // running
  ASSERT_OK(queue_->Succeed(pending, "ok", kT0));
  EXPECT_TRUE(queue_->Redrive(pending, kT0).IsNotFound());  // succeeded
  EXPECT_EQ(Get(pending).state, InvocationState::kSucceeded);
}

TEST_F(SqliteInvocationQueueTest, ListDeadInIdOrder) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(Enqueue("p" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Claim(kT0).has_value());
  ASSERT_OK(queue_->DeadLetter(ids[3], "e3", kT0));
  ASSERT_OK(queue_->Succeed(ids[1], "ok", kT0));
  ASSERT_OK(queue_->DeadLetter(ids[0], "e0", kT0));
  ASSERT_OK(queue_->DeadLetter(ids[2], "e2", kT0));
  Result<std::vector<Invocation>> dead = queue_->ListDead();
  ASSERT_OK(dead);
  ASSERT_EQ(dead->size(), 3u);
  EXPECT_EQ((*dead)[0].id, ids[0]);
  EXPECT_EQ((*dead)[1].id, ids[2]);
  EXPECT_EQ((*dead)[2].id, ids[3]);
  EXPECT_EQ((*dead)[2].last_error, "e3");
}

TEST_F(SqliteInvocationQueueTest, RecoverAbandonedReturnsRunningToPending) {
  int64_t running = Enqueue("running");
  int64_t done = Enqueue("done");
  int64_t waiting = Enqueue("waiting", kT0 + 1);
  ASSERT_EQ(Claim(kT0)->id, running);
  ASSERT_EQ(Claim(kT0)->id, done);
  ASSERT_OK(queue_->Succeed(done, "ok", kT0));

  // The process "dies"; a new one opens the queue and recovers.
  Reopen();
  ASSERT_OK(queue_->RecoverAbandoned(kT0 + 100));
  Invocation recovered = Get(running);
  EXPECT_EQ(recovered.state, InvocationState::kPending);
  EXPECT_EQ(recovered.attempts, 1);  // the interrupted attempt still counts
  EXPECT_FALSE(recovered.last_error.empty());
  EXPECT_EQ(recovered.updated_ms, kT0 + 100);
  EXPECT_EQ(Get(done).state, InvocationState::kSucceeded);
  EXPECT_EQ(Get(waiting).state, InvocationState::kPending);
  EXPECT_EQ(Get(waiting).updated_ms, kT0 + 1);

  std::optional<Invocation> first = Claim(kT0 + 100);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, waiting);  // due earlier
  std::optional<Invocation> again = Claim(kT0 + 100);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, running);
  EXPECT_EQ(again->attempts, 2);

  // Nothing running: recovering is a no-op.
  ASSERT_OK(queue_->Succeed(again->id, "ok", kT0));
  ASSERT_OK(queue_->Succeed(first->id, "ok", kT0));
  ASSERT_OK(queue_->RecoverAbandoned(kT0 + 200));
  EXPECT_EQ(NextDue(), std::nullopt);
}

TEST_F(SqliteInvocationQueueTest, EnqueueInCommitsWithTheCallersTransaction) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(db_path());
  ASSERT_OK(db);
  ASSERT_OK(SqliteInvocationQueue::EnsureSchema(**db));
  int64_t id = 0;
  {
    Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db->get());
    ASSERT_OK(transaction);
    Result<int64_t> enqueued = SqliteInvocationQueue::EnqueueIn(**db, "in-tx", kT0);
    ASSERT_OK(enqueued);
    id = *enqueued;
    // Not visible to others before the commit.
    EXPECT_TRUE(queue_->Get(id).status().IsNotFound());
    ASSERT_OK((*transaction)->Commit());
  }
  Invocation stored = Get(id);
  EXPECT_EQ(stored.payload, "in-tx");
  EXPECT_EQ(stored.state, InvocationState::kPending);
  EXPECT_EQ(Claim(kT0)->id, id);
}

TEST_F(SqliteInvocationQueueTest, EnqueueInRolledBackLeavesNothing) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(db_path());
  ASSERT_OK(db);
  ASSERT_OK(SqliteInvocationQueue::EnsureSchema(**db));
  int64_t id = 0;
  {
    Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db->get());
    ASSERT_OK(transaction);
    Result<int64_t> enqueued = SqliteInvocationQueue::EnqueueIn(**db, "doomed", kT0);
    ASSERT_OK(enqueued);
    id = *enqueued;
    (*transaction)->Rollback();
  }
  EXPECT_TRUE(queue_->Get(id).status().IsNotFound());
  EXPECT_FALSE(Claim(kT0 + 1000000).has_value());
  EXPECT_EQ(NextDue(), std::nullopt);

  // Dropping the transaction object without Commit rolls back too.
  {
    Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db->get());
    ASSERT_OK(transaction);
    ASSERT_OK(SqliteInvocationQueue::EnqueueIn(**db, "doomed too", kT0));
  }
  EXPECT_FALSE(Claim(kT0 + 1000000).has_value());
}

TEST_F(SqliteInvocationQueueTest, StatePersistsAcrossReopen) {
  int64_t id = Enqueue("p");
  ASSERT_TRUE(Claim(kT0).has_value());
  ASSERT_OK(queue_->DeadLetter(id, "gone", kT0));
  Reopen();
  Invocation stored = Get(id);
  EXPECT_EQ(stored.state, InvocationState::kDead);
  EXPECT_EQ(stored.last_error, "gone");
  EXPECT_EQ(stored.payload, "p");
}

TEST_F(SqliteInvocationQueueTest, ConcurrentClaimsNeverShareAnInvocation) {
  constexpr int kInvocations = 60;
  for (int i = 0; i < kInvocations; ++i) Enqueue("p" + std::to_string(i));
  constexpr int kThreads = 3;
  std::vector<std::vector<int64_t>> claimed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (true) {
        Result<std::optional<Invocation>> c = queue_->Claim(kT0);
        if (!c.ok() || !c->has_value()) break;
        claimed[t].push_back((*c)->id);
        EXPECT_OK(queue_->Succeed((*c)->id, "ok", kT0));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kInvocations));
  EXPECT_EQ(all.size(), static_cast<size_t>(kInvocations));
}

}  // namespace
}  // namespace invtrack
