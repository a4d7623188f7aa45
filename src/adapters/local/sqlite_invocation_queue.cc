#include "adapters/local/sqlite_invocation_queue.h"

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS invocations(
  id INTEGER PRIMARY KEY,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  result TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS invocations_due ON invocations(state, next_attempt_ms, id);
)sql";

constexpr char kColumns[] =
    "SELECT id, payload, state, attempts, result, last_error, created_ms, updated_ms "
    "FROM invocations";

InvocationState ParseState(std::string_view s) {
  if (s == "running") return InvocationState::kRunning;
  if (s == "succeeded") return InvocationState::kSucceeded;
  if (s == "dead") return InvocationState::kDead;
  return InvocationState::kPending;
}

Invocation ReadInvocation(const SqliteStatement& s) {
  Invocation inv;
  inv.id = s.ColumnInt(0);
  inv.payload = s.ColumnString(1);
  inv.state = ParseState(s.ColumnText(2));
  inv.attempts = static_cast<int>(s.ColumnInt(3));
  inv.result = s.ColumnString(4);
  inv.last_error = s.ColumnString(5);
  inv.created_ms = s.ColumnInt(6);
  inv.updated_ms = s.ColumnInt(7);
  return inv;
}

}  // namespace

std::string_view InvocationStateName(InvocationState state) {
  switch (state) {
    case InvocationState::kPending:
      return "pending";
    case InvocationState::kRunning:
      return "running";
    case InvocationState::kSucceeded:
      return "succeeded";
    case InvocationState::kDead:
      return "dead";
  }
  return "unknown";
}

Status SqliteInvocationQueue::EnsureSchema(SqliteDb& db) { return db.Exec(kSchema); }

Result<int64_t> SqliteInvocationQueue::EnqueueIn(SqliteDb& db, std::string_view payload,
                                                 int64_t now_ms) {
  Result<SqliteStatement> insert = db.Prepare(
      "INSERT INTO invocations(payload, next_attempt_ms, created_ms, updated_ms) "
      "VALUES(?1, ?2, ?2, ?2)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, payload).Bind(2, now_ms);
  INVTRACK_RETURN_IF_ERROR(insert->Run());
  return db.LastInsertRowId();
}

Result<std::unique_ptr<SqliteInvocationQueue>> SqliteInvocationQueue::Open(
    const std::filesystem::path& path) {
  std::unique_ptr<SqliteInvocationQueue> queue(new SqliteInvocationQueue(path));
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  queue->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(EnsureSchema(*queue->db_));
  return queue;
}

Result<int64_t> SqliteInvocationQueue::Enqueue(std::string_view payload, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return EnqueueIn(*db_, payload, now_ms);
}

Status SqliteInvocationQueue::RecoverAbandoned(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> update = db_->Prepare(
      "UPDATE invocations SET state = 'pending', next_attempt_ms = ?1, updated_ms = ?1, "
      "last_error = 'the process running it stopped' WHERE state = 'running'");
  if (!update.ok()) return update.status();
  update->Bind(1, now_ms);
  return update->Run();
}

Result<std::optional<Invocation>> SqliteInvocationQueue::Claim(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> select = db_->Prepare(
      std::string(kColumns) +
      " WHERE state = 'pending' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, id LIMIT 1");
  if (!select.ok()) return select.status();
  select->Bind(1, now_ms);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Invocation>();
  Invocation inv = ReadInvocation(*select);
  select->Reset();
  Result<SqliteStatement> update = db_->Prepare(
      "UPDATE invocations SET state = 'running', attempts = attempts + 1, updated_ms = ?2 "
      "WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, inv.id).Bind(2, now_ms);
  INVTRACK_RETURN_IF_ERROR(update->Run());
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  inv.state = InvocationState::kRunning;
  inv.attempts += 1;
  return std::optional<Invocation>(std::move(inv));
}

Status SqliteInvocationQueue::Transition(std::string_view sql, int64_t id,
                                         const std::function<void(SqliteStatement&)>& bind) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> update = db_->Prepare(sql);
  if (!update.ok()) return update.status();
  update->Bind(1, id);
  bind(*update);
  INVTRACK_RETURN_IF_ERROR(update->Run());
  if (db_->Changes() != 1) return Status::NotFound("no such invocation", std::to_string(id));
  return Status::OK();
}

Status SqliteInvocationQueue::Succeed(int64_t id, std::string_view result, int64_t now_ms) {
  return Transition(
      "UPDATE invocations SET state = 'succeeded', result = ?2, updated_ms = ?3 WHERE id = ?1", id,
      [&](SqliteStatement& s) { s.Bind(2, result).Bind(3, now_ms); });
}

Status SqliteInvocationQueue::Retry(int64_t id, std::string_view error, int64_t next_attempt_ms,
                                    int64_t now_ms) {
  return Transition(
      "UPDATE invocations SET state = 'pending', last_error = ?2, next_attempt_ms = ?3, "
      "updated_ms = ?4 WHERE id = ?1",
      id, [&](SqliteStatement& s) { s.Bind(2, error).Bind(3, next_attempt_ms).Bind(4, now_ms); });
}

Status SqliteInvocationQueue::DeadLetter(int64_t id, std::string_view error, int64_t now_ms) {
  return Transition(
      "UPDATE invocations SET state = 'dead', last_error = ?2, updated_ms = ?3 WHERE id = ?1", id,
      [&](SqliteStatement& s) { s.Bind(2, error).Bind(3, now_ms); });
}

Status SqliteInvocationQueue::Redrive(int64_t id, int64_t now_ms) {
  return Transition(
      "UPDATE invocations SET state = 'pending', attempts = 0, next_attempt_ms = ?2, "
      "updated_ms = ?2 WHERE id = ?1 AND state = 'dead'",
      id, [&](SqliteStatement& s) { s.Bind(2, now_ms); });
}

Result<std::unique_ptr<SqliteDb>> SqliteInvocationQueue::Reader() const {
  return SqliteDb::Open(path_, SqliteOptions{.read_only = true});
}

Result<Invocation> SqliteInvocationQueue::Get(int64_t id) const {
  Result<std::unique_ptr<SqliteDb>> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(std::string(kColumns) + " WHERE id = ?1");
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no invocation " + std::to_string(id));
  return ReadInvocation(*select);
}

Result<std::vector<Invocation>> SqliteInvocationQueue::ListDead() const {
  Result<std::unique_ptr<SqliteDb>> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare(std::string(kColumns) + " WHERE state = 'dead' ORDER BY id");
  if (!select.ok()) return select.status();
  std::vector<Invocation> dead;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    dead.push_back(ReadInvocation(*select));
  }
  return dead;
}

Result<int64_t> SqliteInvocationQueue::Count(InvocationState state) const {
  Result<std::unique_ptr<SqliteDb>> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare("SELECT count(*) FROM invocations WHERE state = ?1");
  if (!select.ok()) return select.status();
  select->Bind(1, InvocationStateName(state));
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return select->ColumnInt(0);
}

Result<std::optional<int64_t>> SqliteInvocationQueue::NextDue() const {
  Result<std::unique_ptr<SqliteDb>> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare("SELECT min(next_attempt_ms) FROM invocations WHERE state = 'pending'");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return select->ColumnOptionalInt(0);
}

}  // namespace invtrack
