#include "notify/subscription_store.h"

#include <nlohmann/json.hpp>

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS subscriptions(
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  stores TEXT NOT NULL,
  kinds TEXT NOT NULL,
  digest INTEGER NOT NULL,
  secret TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  removed_ms INTEGER
);
)sql";

std::string StoresToJson(const std::vector<std::string>& stores) {
  return nlohmann::json(stores).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string KindsToJson(const std::vector<AlertKind>& kinds) {
  nlohmann::json names = nlohmann::json::array();
  for (AlertKind k : kinds) names.push_back(AlertKindName(k));
  return names.dump();
}

std::vector<std::string> StoresFromJson(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> stores;
  if (!parsed.is_array()) return stores;
  for (const auto& s : parsed) {
    if (s.is_string()) stores.push_back(s.get<std::string>());
  }
  return stores;
}

std::vector<AlertKind> KindsFromJson(std::string_view text) {
  std::vector<AlertKind> kinds;
  for (const std::string& name : StoresFromJson(text)) {
    if (std::optional<AlertKind> kind = ParseAlertKind(name)) kinds.push_back(*kind);
  }
  return kinds;
}

}  // namespace

Result<std::unique_ptr<SubscriptionStore>> SubscriptionStore::Open(
    const std::filesystem::path& path) {
  std::unique_ptr<SubscriptionStore> store(new SubscriptionStore());
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  store->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(store->db_->Exec(kSchema));
  return store;
}

Result<int64_t> SubscriptionStore::Add(const Subscription& s, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> insert = db_->Prepare(
      "INSERT INTO subscriptions(channel, address, stores, kinds, digest, secret, created_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  std::string stores = StoresToJson(s.stores);
  std::string kinds = KindsToJson(s.kinds);
  insert->Bind(1, ChannelName(s.channel))
      .Bind(2, s.address)
      .Bind(3, stores)
      .Bind(4, kinds)
      .Bind(5, int64_t{s.digest ? 1 : 0})
      .Bind(6, s.secret)
      .Bind(7, now_ms);
  INVTRACK_RETURN_IF_ERROR(insert->Run());
  return db_->LastInsertRowId();
}

Status SubscriptionStore::Remove(int64_t id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> update =
      db_->Prepare("UPDATE subscriptions SET removed_ms = ?2 WHERE id = ?1 AND removed_ms IS NULL");
  if (!update.ok()) return update.status();
  update->Bind(1, id).Bind(2, now_ms);
  INVTRACK_RETURN_IF_ERROR(update->Run());
  if (db_->Changes() == 0) {
    return Status::NotFound("no subscription " + std::to_string(id),
                            "see `invtrack subscriptions list`");
  }
  return Status::OK();
}

Result<std::vector<Subscription>> SubscriptionStore::List() {
  return Select("removed_ms IS NULL AND ?1 = ?1", 0);
}

Result<Subscription> SubscriptionStore::Get(int64_t id) {
  Result<std::vector<Subscription>> found = Select("id = ?1", id);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("no subscription " + std::to_string(id));
  return std::move(found->front());
}

Result<std::vector<Subscription>> SubscriptionStore::Select(std::string_view where, int64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select = db_->Prepare(
      "SELECT id, channel, address, stores, kinds, digest, secret, created_ms FROM subscriptions "
      "WHERE " +
      std::string(where) + " ORDER BY id");
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  std::vector<Subscription> out;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Subscription& s = out.emplace_back();
    s.id = select->ColumnInt(0);
    s.channel = ParseChannel(select->ColumnText(1)).value_or(Channel::kEmail);
    s.address = select->ColumnString(2);
    s.stores = StoresFromJson(select->ColumnText(3));
    s.kinds = KindsFromJson(select->ColumnText(4));
    s.digest = select->ColumnInt(5) != 0;
    s.secret = select->ColumnString(6);
    s.created_ms = select->ColumnInt(7);
  }
  return out;
}

}  // namespace invtrack
