#include "adapters/local/threshold_store.h"

namespace invtrack {

namespace {

// '' stands for "no store" / "no item", so that (store, item) can be the
// primary key (NULLs are never equal in a key).
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS thresholds(
  store TEXT NOT NULL,
  item TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  PRIMARY KEY(store, item)
) WITHOUT ROWID;
)sql";

std::string_view KeyPart(const std::optional<std::string>& part) {
  return part ? std::string_view(*part) : std::string_view();
}

std::optional<std::string> FromKeyPart(std::string_view part) {
  if (part.empty()) return std::nullopt;
  return std::string(part);
}

Status CheckScope(const std::optional<std::string>& store, const std::optional<std::string>& item) {
  if (store && store->empty()) return Status::InvalidArgument("a store name cannot be empty");
  if (item && item->empty()) return Status::InvalidArgument("an item name cannot be empty");
  if (item && !store) return Status::InvalidArgument("an item threshold needs its store");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<ThresholdStore>> ThresholdStore::Open(const std::filesystem::path& path) {
  std::unique_ptr<ThresholdStore> store(new ThresholdStore());
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  store->db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(store->db_->Exec(kSchema));
  return store;
}

Status ThresholdStore::Set(const ThresholdSetting& setting) {
  INVTRACK_RETURN_IF_ERROR(CheckScope(setting.store, setting.item));
  if (setting.threshold < 0) {
    return Status::InvalidArgument("a threshold is a whole number >= 0");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> upsert = db_->Prepare(
      "INSERT INTO thresholds(store, item, threshold) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(store, item) DO UPDATE SET threshold = excluded.threshold");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, KeyPart(setting.store)).Bind(2, KeyPart(setting.item)).Bind(3, setting.threshold);
  INVTRACK_RETURN_IF_ERROR(upsert->Run());
  ++own_writes_;
  return Status::OK();
}

Status ThresholdStore::Unset(const std::optional<std::string>& store,
                             const std::optional<std::string>& item) {
  INVTRACK_RETURN_IF_ERROR(CheckScope(store, item));
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> remove =
      db_->Prepare("DELETE FROM thresholds WHERE store = ?1 AND item = ?2");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, KeyPart(store)).Bind(2, KeyPart(item));
  INVTRACK_RETURN_IF_ERROR(remove->Run());
  if (db_->Changes() == 0) return Status::NotFound("no such threshold setting");
  ++own_writes_;
  return Status::OK();
}

Result<std::vector<ThresholdSetting>> ThresholdStore::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<SqliteStatement> select =
      db_->Prepare("SELECT store, item, threshold FROM thresholds ORDER BY store, item");
  if (!select.ok()) return select.status();
  std::vector<ThresholdSetting> settings;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    settings.push_back(ThresholdSetting{FromKeyPart(select->ColumnText(0)),
                                        FromKeyPart(select->ColumnText(1)), select->ColumnInt(2)});
  }
  return settings;
}

Status ThresholdStore::ApplyTo(StockPolicy* policy) {
  Result<std::vector<ThresholdSetting>> settings = List();
  if (!settings.ok()) return settings.status();
  for (const ThresholdSetting& s : *settings) {
    if (!s.store) {
      policy->SetDefaultThreshold(s.threshold);
    } else if (!s.item) {
      policy->SetStoreThreshold(*s.store, s.threshold);
    } else {
      policy->SetItemThreshold(*s.store, *s.item, s.threshold);
    }
  }
  return Status::OK();
}

Result<bool> ThresholdStore::Changed() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<int64_t> data_version = db_->DataVersion();
  if (!data_version.ok()) return data_version.status();
  int64_t version = *data_version;
  bool changed = seen_version_ != version || seen_own_writes_ != own_writes_;
  seen_version_ = version;
  seen_own_writes_ = own_writes_;
  return changed;
}

void ThresholdStore::MarkStale() {
  std::lock_guard<std::mutex> lock(mutex_);
  seen_version_.reset();
}

}  // namespace invtrack
