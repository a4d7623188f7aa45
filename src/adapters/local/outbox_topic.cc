#include "adapters/local/outbox_topic.h"

#include <algorithm>

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS alerts(
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  store TEXT NOT NULL,
  item TEXT NOT NULL,
  count INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  source_sequence TEXT NOT NULL
);
)sql";

constexpr char kAlertColumns[] =
    "SELECT position, id, kind, store, item, count, threshold, subject, message, time_ms, "
    "source_sequence FROM alerts";

StoredAlert ReadAlert(const SqliteStatement& select) {
  StoredAlert stored;
  stored.position = select.ColumnInt(0);
  Alert& a = stored.alert;
  a.id = select.ColumnString(1);
  a.kind = ParseAlertKind(select.ColumnText(2)).value_or(AlertKind::kOut);
  a.store = select.ColumnString(3);
  a.item = select.ColumnString(4);
  a.count = select.ColumnInt(5);
  a.threshold = select.ColumnInt(6);
  a.subject = select.ColumnString(7);
  a.message = select.ColumnString(8);
  a.time_ms = select.ColumnInt(9);
  a.source_sequence = select.ColumnString(10);
  return stored;
}

}  // namespace

Result<std::unique_ptr<OutboxTopic>> OutboxTopic::Open(const std::filesystem::path& path) {
  std::unique_ptr<OutboxTopic> topic(new OutboxTopic(path));
  Result<std::unique_ptr<SqliteDb>> db =
      SqliteDb::Open(path, SqliteOptions{.background_checkpoints = true});
  if (!db.ok()) return db.status();
  topic->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(topic->db_->Exec(kSchema));
  Result<SqliteStatement> insert = topic->db_->Prepare(
      "INSERT INTO alerts(id, kind, store, item, count, threshold, subject, message, time_ms, "
      "source_sequence) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT(id) DO NOTHING");
  if (!insert.ok()) return insert.status();
  topic->insert_ = std::move(insert).value();
  Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::Start(path);
  if (!checkpointer.ok()) return checkpointer.status();
  topic->checkpointer_ = std::move(checkpointer).value();
  return topic;
}

Status OutboxTopic::Publish(std::span<const Alert> alerts, size_t* published) {
  *published = 0;
  std::lock_guard<std::mutex> lock(publish_mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  for (const Alert& a : alerts) {
    insert_.Bind(1, a.id)
        .Bind(2, AlertKindName(a.kind))
        .Bind(3, a.store)
        .Bind(4, a.item)
        .Bind(5, a.count)
        .Bind(6, a.threshold)
        .Bind(7, a.subject)
        .Bind(8, a.message)
        .Bind(9, a.time_ms)
        .Bind(10, a.source_sequence);
    INVTRACK_RETURN_IF_ERROR(insert_.Run());
  }
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  checkpointer_->Notify();
  *published = alerts.size();
  if (listener_ && !alerts.empty()) listener_();
  return Status::OK();
}

Result<SqliteDb*> OutboxTopic::Reader() const {
  if (!reader_) {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path_, SqliteOptions{.read_only = true});
    if (!db.ok()) return db.status();
    reader_ = std::move(db).value();
  }
  return reader_.get();
}

Result<std::vector<StoredAlert>> OutboxTopic::List(int64_t after_position, size_t limit) const {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  Result<SqliteDb*> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(
      std::string(kAlertColumns) + " WHERE position > ?1 ORDER BY position LIMIT ?2");
  if (!select.ok()) return select.status();
  select->Bind(1, after_position).Bind(2, static_cast<int64_t>(limit));
  std::vector<StoredAlert> out;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadAlert(*select));
  }
  return out;
}

Result<std::vector<StoredAlert>> OutboxTopic::Get(std::span<const int64_t> positions) const {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  Result<SqliteDb*> db = Reader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare(std::string(kAlertColumns) + " WHERE position = ?1");
  if (!select.ok()) return select.status();
  std::vector<int64_t> sorted(positions.begin(), positions.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<StoredAlert> out;
  for (int64_t position : sorted) {
    select->Bind(1, position);
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (*row) out.push_back(ReadAlert(*select));
    select->Reset();
  }
  return out;
}

void OutboxTopic::SetPublishListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  listener_ = std::move(listener);
}

Result<int64_t> OutboxTopic::Count() const {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path_, SqliteOptions{.read_only = true});
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare("SELECT count(*) FROM alerts");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return select->ColumnInt(0);
}

}  // namespace invtrack
