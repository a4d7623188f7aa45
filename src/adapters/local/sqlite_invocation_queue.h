// SqliteInvocationQueue: the durable queue of asynchronous invocations (S3
// event notifications waiting for Load-Inventory), kept in the bucket's own
// database so that storing an object and queueing its event commit together.
// Each entry moves pending -> running -> succeeded, or back to pending for a
// retry, or to dead (the dead-letter list) after its last attempt.
// Thread-safety: safe for concurrent use; every method uses its own
// connection or a mutex-guarded one.
#ifndef INVTRACK_ADAPTERS_LOCAL_SQLITE_INVOCATION_QUEUE_H_
#define INVTRACK_ADAPTERS_LOCAL_SQLITE_INVOCATION_QUEUE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/sqlite_db.h"

namespace invtrack {

enum class InvocationState { kPending, kRunning, kSucceeded, kDead };

std::string_view InvocationStateName(InvocationState state);

struct Invocation {
  int64_t id = 0;
  std::string payload;
  InvocationState state = InvocationState::kPending;
  int attempts = 0;        // started attempts, including a running one
  std::string result;      // the handler's response once succeeded
  std::string last_error;  // why the last attempt failed
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

class SqliteInvocationQueue {
 public:
  // Creates the queue's table in `db` if missing.
  static Status EnsureSchema(SqliteDb& db);
  // Adds an invocation inside the caller's open transaction on `db`.
  static Result<int64_t> EnqueueIn(SqliteDb& db, std::string_view payload, int64_t now_ms);

  static Result<std::unique_ptr<SqliteInvocationQueue>> Open(const std::filesystem::path& path);

  Result<int64_t> Enqueue(std::string_view payload, int64_t now_ms);

  // Returns every running invocation to pending. Call once at start-up by
  // the only dispatcher: a running entry then can only be one whose process
  // died mid-invocation.
  Status RecoverAbandoned(int64_t now_ms);

  // Takes the oldest pending invocation due by `now_ms`, marking it running
  // and counting the attempt.
  Result<std::optional<Invocation>> Claim(int64_t now_ms);
  Status Succeed(int64_t id, std::string_view result, int64_t now_ms);
  Status Retry(int64_t id, std::string_view error, int64_t next_attempt_ms, int64_t now_ms);
  Status DeadLetter(int64_t id, std::string_view error, int64_t now_ms);
  // Moves a dead invocation back to pending with a fresh attempt count.
  Status Redrive(int64_t id, int64_t now_ms);

  Result<Invocation> Get(int64_t id) const;
  Result<std::vector<Invocation>> ListDead() const;
  // How many invocations are in `state`.
  Result<int64_t> Count(InvocationState state) const;
  // When the next pending invocation is due, if any.
  Result<std::optional<int64_t>> NextDue() const;

 private:
  explicit SqliteInvocationQueue(std::filesystem::path path) : path_(std::move(path)) {}
  // Runs an UPDATE whose ?1 is the id; `bind` binds the rest. NotFound when
  // no row changed.
  Status Transition(std::string_view sql, int64_t id,
                    const std::function<void(SqliteStatement&)>& bind);
  Result<std::unique_ptr<SqliteDb>> Reader() const;

  std::filesystem::path path_;
  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mutex_
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_SQLITE_INVOCATION_QUEUE_H_
