#include "notify/delivery_store.h"

#include "notify/subscription_store.h"

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS deliveries(
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  subscription_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  sent_ms INTEGER NOT NULL DEFAULT 0,
  claimed INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(next_attempt_ms, id)
  WHERE state = 'pending' AND claimed = 0;
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries(state, id);
CREATE TABLE IF NOT EXISTS delivery_alerts(
  alert_position INTEGER NOT NULL,
  delivery_id INTEGER NOT NULL,
  PRIMARY KEY(alert_position, delivery_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS digest_pending(
  subscription_id INTEGER NOT NULL,
  upload_id INTEGER NOT NULL,
  store TEXT NOT NULL,
  file_key TEXT NOT NULL,
  alert_position INTEGER NOT NULL,
  last_change_seq INTEGER NOT NULL,
  PRIMARY KEY(subscription_id, upload_id, store, alert_position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fanout_cursor(
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr char kDeliveryColumns[] =
    "SELECT d.id, d.subscription_id, d.state, d.attempts, d.next_attempt_ms, d.last_error, "
    "d.created_ms, d.sent_ms, d.message_id, d.subject, d.text, d.html, d.json";

Delivery ReadDelivery(const SqliteStatement& s) {
  Delivery d;
  d.id = s.ColumnInt(0);
  d.subscription_id = s.ColumnInt(1);
  d.state = ParseDeliveryState(s.ColumnText(2)).value_or(DeliveryState::kPending);
  d.attempts = static_cast<int>(s.ColumnInt(3));
  d.next_attempt_ms = s.ColumnInt(4);
  d.last_error = s.ColumnString(5);
  d.created_ms = s.ColumnInt(6);
  d.sent_ms = s.ColumnInt(7);
  d.notification.id = s.ColumnString(8);
  d.notification.subject = s.ColumnString(9);
  d.notification.text = s.ColumnString(10);
  d.notification.html = s.ColumnString(11);
  d.notification.json = s.ColumnString(12);
  d.notification.created_ms = d.created_ms;
  return d;
}

// Steps `select` to the end, collecting one value per row.
template <typename Row, typename Read>
Result<std::vector<Row>> CollectRows(SqliteStatement& select, Read read) {
  std::vector<Row> rows;
  while (true) {
    Result<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows.push_back(read(select));
  }
  return rows;
}

DeliveryView ReadView(const SqliteStatement& s) {
  DeliveryView view;
  view.delivery = ReadDelivery(s);
  view.channel = ParseChannel(s.ColumnText(13)).value_or(Channel::kEmail);
  view.address = s.ColumnString(14);
  return view;
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kSent:
      return "sent";
    case DeliveryState::kDead:
      return "dead";
  }
  return "pending";
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view name) {
  for (DeliveryState s : {DeliveryState::kPending, DeliveryState::kSent, DeliveryState::kDead}) {
    if (DeliveryStateName(s) == name) return s;
  }
  return std::nullopt;
}

Result<std::unique_ptr<DeliveryStore>> DeliveryStore::Open(const std::filesystem::path& path) {
  // Deliveries are listed with their subscription's address: make sure
  // that table exists too.
  Result<std::unique_ptr<SubscriptionStore>> subscriptions = SubscriptionStore::Open(path);
  if (!subscriptions.ok()) return subscriptions.status();
  std::unique_ptr<DeliveryStore> store(new DeliveryStore());
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  store->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(store->db_->Exec(kSchema));
  return store;
}

Result<int64_t> DeliveryStore::FanoutPosition() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select =
      db_->Prepare("SELECT position FROM fanout_cursor WHERE name = 'alerts'");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return *row ? select->ColumnInt(0) : int64_t{0};
}

Status DeliveryStore::CommitFanout(const FanoutBatch& batch, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> insert = db_->Prepare(
      "INSERT INTO deliveries(message_id, subscription_id, state, next_attempt_ms, created_ms, "
      "subject, text, html, json) VALUES(?1, ?2, 'pending', ?3, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT(message_id) DO NOTHING");
  Result<SqliteStatement> link = db_->Prepare(
      "INSERT OR IGNORE INTO delivery_alerts(alert_position, delivery_id) VALUES(?1, ?2)");
  Result<SqliteStatement> wait = db_->Prepare(
      "INSERT OR IGNORE INTO digest_pending(subscription_id, upload_id, store, file_key, "
      "alert_position, last_change_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  Result<SqliteStatement> flush = db_->Prepare(
      "DELETE FROM digest_pending WHERE subscription_id = ?1 AND upload_id = ?2 AND store = ?3");
  Result<SqliteStatement> cursor = db_->Prepare(
      "INSERT INTO fanout_cursor(name, position) VALUES('alerts', ?1) "
      "ON CONFLICT(name) DO UPDATE SET position = excluded.position");
  for (auto* s : {&insert, &link, &wait, &flush, &cursor}) {
    if (!s->ok()) return s->status();
  }
  for (const NewDelivery& d : batch.deliveries) {
    const Notification& n = d.notification;
    insert->Bind(1, n.id)
        .Bind(2, d.subscription_id)
        .Bind(3, now_ms)
        .Bind(4, n.subject)
        .Bind(5, n.text)
        .Bind(6, n.html)
        .Bind(7, n.json);
    INVTRACK_RETURN_IF_ERROR(insert->Run());
    if (db_->Changes() == 0) continue;  // made before a crash, or by a redelivered alert
    int64_t delivery_id = db_->LastInsertRowId();
    for (int64_t position : d.alert_positions) {
      link->Bind(1, position).Bind(2, delivery_id);
      INVTRACK_RETURN_IF_ERROR(link->Run());
    }
  }
  for (const DigestAlert& a : batch.digest_alerts) {
    wait->Bind(1, a.subscription_id)
        .Bind(2, a.upload_id)
        .Bind(3, a.store)
        .Bind(4, a.file_key)
        .Bind(5, a.alert_position)
        .Bind(6, static_cast<int64_t>(a.last_change_seq));
    INVTRACK_RETURN_IF_ERROR(wait->Run());
  }
  for (const DigestGroup& g : batch.flushed_digests) {
    flush->Bind(1, g.subscription_id).Bind(2, g.upload_id).Bind(3, g.store);
    INVTRACK_RETURN_IF_ERROR(flush->Run());
  }
  cursor->Bind(1, batch.new_position);
  INVTRACK_RETURN_IF_ERROR(cursor->Run());
  return (*transaction)->Commit();
}

Result<std::vector<DigestGroup>> DeliveryStore::ReadyDigests(uint64_t checked_through) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A file's rows share its last_change_seq; a group is ready when all of
  // them are.
  Result<SqliteStatement> select = db_->Prepare(
      "SELECT subscription_id, upload_id, store, alert_position, file_key FROM digest_pending "
      "WHERE (subscription_id, upload_id, store) IN ("
      "  SELECT subscription_id, upload_id, store FROM digest_pending "
      "  GROUP BY subscription_id, upload_id, store HAVING max(last_change_seq) <= ?1) "
      "ORDER BY subscription_id, upload_id, store, alert_position");
  if (!select.ok()) return select.status();
  select->Bind(1, static_cast<int64_t>(checked_through));
  std::vector<DigestGroup> groups;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    int64_t subscription = select->ColumnInt(0);
    int64_t upload = select->ColumnInt(1);
    std::string_view store = select->ColumnText(2);
    if (groups.empty() || groups.back().subscription_id != subscription ||
        groups.back().upload_id != upload || groups.back().store != store) {
      groups.push_back(
          DigestGroup{subscription, upload, std::string(store), select->ColumnString(4), {}});
    }
    groups.back().alert_positions.push_back(select->ColumnInt(3));
  }
  return groups;
}

Result<std::vector<Delivery>> DeliveryStore::ClaimDue(int64_t now_ms, size_t limit,
                                                      std::span<const int64_t> skip_subscriptions) {
  std::string skip;
  for (int64_t id : skip_subscriptions) skip += (skip.empty() ? "" : ",") + std::to_string(id);
  if (!skip.empty()) skip = " AND d.subscription_id NOT IN (" + skip + ")";
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> select =
      db_->Prepare(std::string(kDeliveryColumns) +
                   " FROM deliveries d INDEXED BY deliveries_due "
                   "WHERE d.state = 'pending' AND d.claimed = 0 AND "
                   "d.next_attempt_ms <= ?1" +
                   skip + " ORDER BY d.next_attempt_ms, d.id LIMIT ?2");
  if (!select.ok()) return select.status();
  select->Bind(1, now_ms).Bind(2, static_cast<int64_t>(limit));
  Result<std::vector<Delivery>> due = CollectRows<Delivery>(*select, ReadDelivery);
  if (!due.ok() || due->empty()) return due;
  Result<SqliteStatement> claim = db_->Prepare("UPDATE deliveries SET claimed = 1 WHERE id = ?1");
  if (!claim.ok()) return claim.status();
  for (const Delivery& d : *due) {
    claim->Bind(1, d.id);
    INVTRACK_RETURN_IF_ERROR(claim->Run());
  }
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  return due;
}

Result<std::optional<int64_t>> DeliveryStore::NextAttemptMs() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      // The due index, walked from its start. Left to itself, SQLite picks
      // the state index and sorts every pending delivery (O(n) per call).
      "SELECT next_attempt_ms FROM deliveries INDEXED BY deliveries_due "
      "WHERE state = 'pending' AND claimed = 0 "
      "ORDER BY next_attempt_ms LIMIT 1");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return *row ? select->ColumnOptionalInt(0) : std::nullopt;
}

Status DeliveryStore::ReleaseClaims() {
  std::lock_guard<std::mutex> lock(mutex_);
  return db_->Exec("UPDATE deliveries SET claimed = 0 WHERE claimed = 1");
}

Status DeliveryStore::Apply(std::span<const DeliveryChange> changes) {
  if (changes.empty()) return Status::OK();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> update = db_->Prepare(
      "UPDATE deliveries SET state = ?2, attempts = ?3, next_attempt_ms = ?4, last_error = ?5, "
      "sent_ms = ?6, claimed = 0 WHERE id = ?1");
  if (!update.ok()) return update.status();
  for (const DeliveryChange& c : changes) {
    update->Bind(1, c.id)
        .Bind(2, DeliveryStateName(c.state))
        .Bind(3, int64_t{c.attempts})
        .Bind(4, c.next_attempt_ms)
        .Bind(5, c.last_error)
        .Bind(6, c.sent_ms);
    INVTRACK_RETURN_IF_ERROR(update->Run());
  }
  return (*transaction)->Commit();
}

Result<std::vector<DeliveryView>> DeliveryStore::List(const DeliveryFilter& filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      std::string(kDeliveryColumns) +
      ", s.channel, s.address FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id "
      "WHERE (?1 = '' OR d.state = ?1) ORDER BY d.id DESC LIMIT ?2");
  if (!select.ok()) return select.status();
  select->Bind(1, filter.state ? DeliveryStateName(*filter.state) : std::string_view())
      .Bind(2, static_cast<int64_t>(filter.limit));
  return CollectRows<DeliveryView>(*select, ReadView);
}

Result<std::map<int64_t, std::vector<DeliveryView>>> DeliveryStore::ForAlerts(
    std::span<const int64_t> alert_positions) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      std::string(kDeliveryColumns) +
      ", s.channel, s.address FROM delivery_alerts a JOIN deliveries d ON d.id = a.delivery_id "
      "JOIN subscriptions s ON s.id = d.subscription_id WHERE a.alert_position = ?1 "
      "ORDER BY d.id");
  if (!select.ok()) return select.status();
  std::map<int64_t, std::vector<DeliveryView>> out;
  for (int64_t position : alert_positions) {
    select->Bind(1, position);
    Result<std::vector<DeliveryView>> views = CollectRows<DeliveryView>(*select, ReadView);
    select->Reset();
    if (!views.ok()) return views.status();
    if (!views->empty()) out[position] = std::move(views).value();
  }
  return out;
}

Result<int64_t> DeliveryStore::Redrive(std::span<const int64_t> ids, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) return transaction.status();
  constexpr char kRevive[] =
      "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_ms = ?1, "
      "claimed = 0, last_error = 'redriven after: ' || last_error WHERE state = 'dead'";
  int64_t revived = 0;
  if (ids.empty()) {
    Result<SqliteStatement> all = db_->Prepare(kRevive);
    if (!all.ok()) return all.status();
    all->Bind(1, now_ms);
    INVTRACK_RETURN_IF_ERROR(all->Run());
    revived = db_->Changes();
  } else {
    Result<SqliteStatement> one = db_->Prepare(std::string(kRevive) + " AND id = ?2");
    if (!one.ok()) return one.status();
    for (int64_t id : ids) {
      one->Bind(1, now_ms).Bind(2, id);
      INVTRACK_RETURN_IF_ERROR(one->Run());
      if (db_->Changes() == 0) {
        return Status::NotFound("delivery " + std::to_string(id) + " is not dead",
                                "see `invtrack deliveries list --state dead`");
      }
      ++revived;
    }
  }
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  return revived;
}

Result<std::map<DeliveryState, int64_t>> DeliveryStore::CountByState() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select =
      db_->Prepare("SELECT state, count(*) FROM deliveries GROUP BY state");
  if (!select.ok()) return select.status();
  std::map<DeliveryState, int64_t> counts;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (auto state = ParseDeliveryState(select->ColumnText(0))) {
      counts[*state] = select->ColumnInt(1);
    }
  }
  return counts;
}

}  // namespace invtrack
