#include "runtime/checkpoint_store.h"

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS checkpoints(
  consumer TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_failures(
  id INTEGER PRIMARY KEY,
  consumer TEXT NOT NULL,
  first_sequence INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  records TEXT NOT NULL,
  error TEXT NOT NULL,
  time_ms INTEGER NOT NULL
);
)sql";

constexpr char kSetCheckpoint[] =
    "INSERT INTO checkpoints(consumer, sequence) VALUES(?1, ?2) "
    "ON CONFLICT(consumer) DO UPDATE SET sequence = max(sequence, excluded.sequence)";

}  // namespace

Result<std::unique_ptr<CheckpointStore>> CheckpointStore::Open(const std::filesystem::path& path) {
  std::unique_ptr<CheckpointStore> store(new CheckpointStore());
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  store->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(store->db_->Exec(kSchema));
  Result<SqliteStatement> set = store->db_->Prepare(kSetCheckpoint);
  if (!set.ok()) return set.status();
  store->set_ = std::move(set).value();
  return store;
}

Result<uint64_t> CheckpointStore::Get(std::string_view consumer) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select =
      db_->Prepare("SELECT sequence FROM checkpoints WHERE consumer = ?1");
  if (!select.ok()) return select.status();
  select->Bind(1, consumer);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return *row ? static_cast<uint64_t>(select->ColumnInt(0)) : 0;
}

Status CheckpointStore::Set(std::string_view consumer, uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex_);
  set_.Bind(1, consumer).Bind(2, static_cast<int64_t>(sequence));
  return set_.Run();
}

Status CheckpointStore::RecordFailure(const StreamFailure& failure) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> insert = db_->Prepare(
      "INSERT INTO stream_failures(consumer, first_sequence, last_sequence, records, error, "
      "time_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, failure.consumer)
      .Bind(2, static_cast<int64_t>(failure.first_sequence))
      .Bind(3, static_cast<int64_t>(failure.last_sequence))
      .Bind(4, failure.records_json)
      .Bind(5, failure.error)
      .Bind(6, failure.time_ms);
  INVTRACK_RETURN_IF_ERROR(insert->Run());
  set_.Bind(1, failure.consumer).Bind(2, static_cast<int64_t>(failure.last_sequence));
  INVTRACK_RETURN_IF_ERROR(set_.Run());
  return (*transaction)->Commit();
}

Result<std::vector<StreamFailure>> CheckpointStore::ListFailures() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      "SELECT id, consumer, first_sequence, last_sequence, records, error, time_ms "
      "FROM stream_failures ORDER BY id");
  if (!select.ok()) return select.status();
  std::vector<StreamFailure> failures;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    failures.push_back(StreamFailure{
        select->ColumnInt(0), select->ColumnString(1), static_cast<uint64_t>(select->ColumnInt(2)),
        static_cast<uint64_t>(select->ColumnInt(3)), select->ColumnString(4),
        select->ColumnString(5), select->ColumnInt(6)});
  }
  return failures;
}

}  // namespace invtrack
