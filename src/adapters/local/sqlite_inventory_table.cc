#include "adapters/local/sqlite_inventory_table.h"

#include <cstring>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "adapters/local/change_segment.h"
#include "core/s3_event.h"

namespace invtrack {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inventory(
  store TEXT NOT NULL,
  item TEXT NOT NULL,
  count INTEGER NOT NULL,
  low_threshold INTEGER,
  upload_id INTEGER NOT NULL,
  PRIMARY KEY(store, item)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads(
  id INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  etag TEXT NOT NULL,
  sequencer TEXT NOT NULL,
  size INTEGER NOT NULL,
  uploader TEXT NOT NULL,
  status TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0,
  changes INTEGER NOT NULL DEFAULT 0,
  problems TEXT NOT NULL DEFAULT '[]',
  time_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_version ON uploads(bucket, key, etag);
CREATE TABLE IF NOT EXISTS object_versions(
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  sequencer TEXT NOT NULL,
  etag TEXT NOT NULL,
  PRIMARY KEY(bucket, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_segments(
  first_seq INTEGER PRIMARY KEY,
  record_count INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  records BLOB NOT NULL
);
)sql";

// The writer's page cache: upserts walk the table's B-tree, and a load's
// dirty pages spill to the log when it is full. Bounded, so that a 1 GiB
// file loads in constant memory.
constexpr int kWriterCacheKib = 16 * 1024;

// Column positions in `inventory`, as the pre-update hook sees them.
constexpr int kStoreColumn = 0;
constexpr int kItemColumn = 1;
constexpr int kCountColumn = 2;
constexpr int kThresholdColumn = 3;
constexpr int kUploadColumn = 4;

std::string RandomLabel() {
  unsigned char bytes[4];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::memset(bytes, 0, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string label;
  for (unsigned char b : bytes) {
    label.push_back(kHex[b >> 4]);
    label.push_back(kHex[b & 15]);
  }
  return label;
}

std::optional<int64_t> ValueOptionalInt(sqlite3_value* value) {
  if (value == nullptr || sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(value);
}

std::string_view ValueText(sqlite3_value* value) {
  const unsigned char* text = sqlite3_value_text(value);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(value))};
}

std::string ProblemsToJson(const std::vector<std::string>& problems) {
  return nlohmann::json(problems).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> ProblemsFromJson(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return {};
  std::vector<std::string> problems;
  for (const auto& p : parsed) {
    if (p.is_string()) problems.push_back(p.get<std::string>());
  }
  return problems;
}

// Tables made before uploads recorded their change range gain the column.
Status AddChangeRangeColumn(SqliteDb& db) {
  Result<SqliteStatement> probe =
      db.Prepare("SELECT 1 FROM pragma_table_info('uploads') WHERE name = 'first_change_seq'");
  if (!probe.ok()) return probe.status();
  Result<bool> present = probe->Step();
  if (!present.ok()) return present.status();
  if (!*present) {
    INVTRACK_RETURN_IF_ERROR(db.Exec("ALTER TABLE uploads ADD COLUMN first_change_seq INTEGER"));
  }
  return db.Exec(
      "CREATE INDEX IF NOT EXISTS uploads_by_change ON uploads(first_change_seq) "
      "WHERE first_change_seq > 0");
}

}  // namespace

// What the pre-update hook needs while a load is active, and the statements
// of the write connection (finalised before it closes).
struct SqliteInventoryTable::Capture {
  bool active = false;
  int64_t upload_id = 0;
  uint64_t segment_first_seq = 1;  // sequence of the segment's first record
  uint64_t load_first_seq = 1;     // sequence of the load's first record
  uint64_t changes = 0;
  ChangeSegmentWriter segment;
  // The row of the Put in progress: the new image is known without asking
  // SQLite for it, which saves four calls per row.
  const StockRow* current = nullptr;
  // Outcome of the Put in progress.
  bool conflict = false;
  int64_t earlier_count = 0;

  SqliteStatement upsert;
  SqliteStatement insert_segment;
  SqliteStatement last_sequence;
  SqliteStatement find_version;
  SqliteStatement insert_upload;
  SqliteStatement finish_upload;
  SqliteStatement save_version;

  static void Hook(void* self, sqlite3* db, int op, const char* db_name, const char* table,
                   sqlite3_int64, sqlite3_int64) {
    auto* capture = static_cast<Capture*>(self);
    if (!capture->active || std::strcmp(table, "inventory") != 0 ||
        std::strcmp(db_name, "main") != 0) {
      return;
    }
    capture->OnChange(db, op);
  }

  void OnChange(sqlite3* db, int op) {
    sqlite3_value* v = nullptr;
    auto old_value = [&](int column) {
      sqlite3_preupdate_old(db, column, &v);
      return v;
    };
    auto new_value = [&](int column) {
      sqlite3_preupdate_new(db, column, &v);
      return v;
    };
    std::optional<ItemState> before;
    std::optional<ItemState> after;
    if (op != SQLITE_INSERT) {
      before = ItemState{sqlite3_value_int64(old_value(kCountColumn)),
                         ValueOptionalInt(old_value(kThresholdColumn))};
    }
    if (op != SQLITE_DELETE) {
      if (current != nullptr) {
        // The upsert keeps the stored threshold when the row has none.
        std::optional<int64_t> threshold = current->low_threshold;
        if (!threshold && before) threshold = before->low_threshold;
        after = ItemState{current->count, threshold};
      } else {
        after = ItemState{sqlite3_value_int64(new_value(kCountColumn)),
                          ValueOptionalInt(new_value(kThresholdColumn))};
      }
    }
    StreamEventName event = StreamEventName::kModify;
    if (op == SQLITE_INSERT) event = StreamEventName::kInsert;
    if (op == SQLITE_DELETE) event = StreamEventName::kRemove;
    if (event == StreamEventName::kModify) {
      bool written_by_this_file = sqlite3_value_int64(old_value(kUploadColumn)) == upload_id;
      if (written_by_this_file && before->count != after->count) {
        conflict = true;
        earlier_count = before->count;
        return;
      }
      // DynamoDB Streams semantics: a write that changes nothing is no event.
      if (before->count == after->count && before->low_threshold == after->low_threshold) return;
    }
    if (current != nullptr && op != SQLITE_DELETE) {
      segment.Add(event, current->store, current->item, before, after);
    } else {
      sqlite3_value* store =
          op == SQLITE_DELETE ? old_value(kStoreColumn) : new_value(kStoreColumn);
      std::string_view store_text = ValueText(store);
      sqlite3_value* item = op == SQLITE_DELETE ? old_value(kItemColumn) : new_value(kItemColumn);
      segment.Add(event, store_text, ValueText(item), before, after);
    }
    ++changes;
  }

  // Stores the pending segment (if any) and starts a new one after it.
  Status FlushSegment(int64_t now_ms) {
    if (segment.empty()) return Status::OK();
    insert_segment.Bind(1, static_cast<int64_t>(segment_first_seq))
        .Bind(2, static_cast<int64_t>(segment.record_count()))
        .Bind(3, now_ms)
        .BindBlob(4, segment.bytes());
    INVTRACK_RETURN_IF_ERROR(insert_segment.Run());
    segment_first_seq += segment.record_count();
    segment.Clear();
    return Status::OK();
  }
};

// A file being applied: holds the write lock and the open transaction.
class SqliteInventoryTable::Load final : public InventoryLoad {
 public:
  Load(SqliteInventoryTable* table, std::unique_lock<std::mutex> lock,
       std::unique_ptr<SqliteTransaction> transaction, FileVersion version)
      : table_(table),
        lock_(std::move(lock)),
        transaction_(std::move(transaction)),
        version_(std::move(version)) {}

  ~Load() override {
    table_->capture_->active = false;
    transaction_.reset();  // rolls back unless committed
    table_->capture_->segment.Clear();
  }

  Result<PutOutcome> Put(const StockRow& row) override {
    Capture& c = *table_->capture_;
    c.conflict = false;
    c.current = &row;
    c.upsert.Bind(1, row.store)
        .Bind(2, row.item)
        .Bind(3, row.count)
        .Bind(4, row.low_threshold)
        .Bind(5, c.upload_id);
    Result<bool> stepped = c.upsert.Step();
    c.upsert.ResetKeepingBindings();  // all five values are bound again next time
    c.current = nullptr;
    if (!stepped.ok()) return stepped.status();
    if (c.conflict) return PutOutcome{true, c.earlier_count};
    ++rows_;
    if (c.segment.record_count() >= kSegmentRecords) {
      INVTRACK_RETURN_IF_ERROR(c.FlushSegment(table_->clock_->NowMillis()));
    }
    return PutOutcome{};
  }

  Result<LoadStats> Commit() override {
    Capture& c = *table_->capture_;
    const int64_t now = table_->clock_->NowMillis();
    INVTRACK_RETURN_IF_ERROR(c.FlushSegment(now));
    c.active = false;
    LoadStats stats{rows_, c.changes};
    c.finish_upload.Bind(1, static_cast<int64_t>(stats.rows))
        .Bind(2, static_cast<int64_t>(stats.changes))
        .Bind(3, now)
        .Bind(4, c.upload_id)
        .Bind(5, static_cast<int64_t>(stats.changes ? c.load_first_seq : 0));
    INVTRACK_RETURN_IF_ERROR(c.finish_upload.Run());
    INVTRACK_RETURN_IF_ERROR(table_->RecordVersionSeen(version_));
    INVTRACK_RETURN_IF_ERROR(transaction_->Commit());
    table_->checkpointer_->Notify();
    return stats;
  }

 private:
  SqliteInventoryTable* table_;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<SqliteTransaction> transaction_;
  FileVersion version_;
  uint64_t rows_ = 0;
};

Result<std::unique_ptr<SqliteInventoryTable>> SqliteInventoryTable::Open(
    const std::filesystem::path& path, const Clock* clock) {
  std::unique_ptr<SqliteInventoryTable> table(new SqliteInventoryTable(path, clock));
  INVTRACK_RETURN_IF_ERROR(table->Init());
  return table;
}

SqliteInventoryTable::SqliteInventoryTable(std::filesystem::path path, const Clock* clock)
    : path_(std::move(path)), clock_(clock) {}

SqliteInventoryTable::~SqliteInventoryTable() {
  if (write_db_) sqlite3_preupdate_hook(write_db_->raw(), nullptr, nullptr);
  capture_.reset();  // finalise statements before the connection closes
}

Status SqliteInventoryTable::Init() {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(
      path_, SqliteOptions{.cache_size_kib = kWriterCacheKib, .background_checkpoints = true});
  if (!db.ok()) return db.status();
  write_db_ = std::move(db).value();
  INVTRACK_RETURN_IF_ERROR(write_db_->Exec(kSchema));
  INVTRACK_RETURN_IF_ERROR(AddChangeRangeColumn(*write_db_));
  INVTRACK_RETURN_IF_ERROR(write_db_->Exec(
      "INSERT OR IGNORE INTO meta(name, value) VALUES('stream_label', '" + RandomLabel() + "')"));
  {
    Result<SqliteStatement> label =
        write_db_->Prepare("SELECT value FROM meta WHERE name = 'stream_label'");
    if (!label.ok()) return label.status();
    Result<bool> row = label->Step();
    if (!row.ok()) return row.status();
    stream_label_ = label->ColumnString(0);
  }

  capture_ = std::make_unique<Capture>();
  struct {
    SqliteStatement* target;
    const char* sql;
  } statements[] = {
      {&capture_->upsert,
       "INSERT INTO inventory(store, item, count, low_threshold, upload_id) "
       "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(store, item) DO UPDATE SET "
       "count = excluded.count, "
       "low_threshold = COALESCE(excluded.low_threshold, low_threshold), "
       "upload_id = excluded.upload_id"},
      {&capture_->insert_segment,
       "INSERT INTO stream_segments(first_seq, record_count, created_ms, records) "
       "VALUES(?1, ?2, ?3, ?4)"},
      {&capture_->last_sequence,
       "SELECT first_seq + record_count - 1 FROM stream_segments "
       "ORDER BY first_seq DESC LIMIT 1"},
      {&capture_->find_version,
       "SELECT sequencer, etag FROM object_versions WHERE bucket = ?1 AND key = ?2"},
      {&capture_->insert_upload,
       "INSERT INTO uploads(bucket, key, etag, sequencer, size, uploader, status, rows, "
       "changes, problems, time_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?9)"},
      {&capture_->finish_upload,
       "UPDATE uploads SET status = 'applied', rows = ?1, changes = ?2, time_ms = ?3, "
       "first_change_seq = ?5 WHERE id = ?4"},
      {&capture_->save_version,
       "INSERT INTO object_versions(bucket, key, sequencer, etag) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT(bucket, key) DO UPDATE SET sequencer = excluded.sequencer, "
       "etag = excluded.etag"},
  };
  for (auto& s : statements) {
    Result<SqliteStatement> prepared = write_db_->Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.target = std::move(prepared).value();
  }
  sqlite3_preupdate_hook(write_db_->raw(), &Capture::Hook, capture_.get());
  Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::Start(path_);
  if (!checkpointer.ok()) return checkpointer.status();
  checkpointer_ = std::move(checkpointer).value();
  return Status::OK();
}

Status SqliteInventoryTable::RecordVersionSeen(const FileVersion& version) {
  // The mark only moves forward: a rejection of an older version recorded
  // after a newer one was applied must not make the newer one look unseen.
  SqliteStatement& find = capture_->find_version;
  find.Bind(1, version.bucket).Bind(2, version.key);
  Result<bool> seen = find.Step();
  const bool older =
      seen.ok() && *seen && CompareSequencers(version.sequencer, find.ColumnText(0)) < 0;
  find.Reset();
  if (!seen.ok()) return seen.status();
  if (older) return Status::OK();
  SqliteStatement& save = capture_->save_version;
  save.Bind(1, version.bucket)
      .Bind(2, version.key)
      .Bind(3, version.sequencer)
      .Bind(4, version.etag);
  return save.Run();
}

Result<LoadStart> SqliteInventoryTable::BeginLoad(const FileVersion& version) {
  std::unique_lock<std::mutex> lock(write_mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction =
      SqliteTransaction::Begin(write_db_.get());
  if (!transaction.ok()) return transaction.status();
  Capture& c = *capture_;

  c.find_version.Bind(1, version.bucket).Bind(2, version.key);
  Result<bool> seen = c.find_version.Step();
  if (!seen.ok()) {
    c.find_version.Reset();
    return seen.status();
  }
  if (*seen) {
    int order = CompareSequencers(version.sequencer, c.find_version.ColumnText(0));
    bool same_etag = c.find_version.ColumnText(1) == version.etag;
    c.find_version.Reset();
    if (order == 0 && same_etag) return LoadStart{VersionCheck::kAlreadyApplied, nullptr};
    if (order <= 0) return LoadStart{VersionCheck::kSuperseded, nullptr};
  } else {
    c.find_version.Reset();
  }

  c.insert_upload.Bind(1, version.bucket)
      .Bind(2, version.key)
      .Bind(3, version.etag)
      .Bind(4, version.sequencer)
      .Bind(5, static_cast<int64_t>(version.size))
      .Bind(6, version.uploader)
      .Bind(7, std::string_view("loading"))
      .Bind(8, std::string_view("[]"))
      .Bind(9, clock_->NowMillis());
  INVTRACK_RETURN_IF_ERROR(c.insert_upload.Run());

  Result<bool> has_segments = c.last_sequence.Step();
  if (!has_segments.ok()) {
    c.last_sequence.Reset();
    return has_segments.status();
  }
  uint64_t last = *has_segments ? static_cast<uint64_t>(c.last_sequence.ColumnInt(0)) : 0;
  c.last_sequence.Reset();

  c.upload_id = write_db_->LastInsertRowId();
  c.segment_first_seq = last + 1;
  c.load_first_seq = last + 1;
  c.changes = 0;
  c.segment.Clear();
  c.active = true;
  return LoadStart{
      VersionCheck::kNew,
      std::make_unique<Load>(this, std::move(lock), std::move(transaction).value(), version)};
}

Status SqliteInventoryTable::RecordRejection(const FileVersion& version,
                                             const std::vector<std::string>& problems) {
  std::unique_lock<std::mutex> lock(write_mutex_);
  Result<std::unique_ptr<SqliteTransaction>> transaction =
      SqliteTransaction::Begin(write_db_.get());
  if (!transaction.ok()) return transaction.status();
  Capture& c = *capture_;
  std::string report = ProblemsToJson(problems);
  c.insert_upload.Bind(1, version.bucket)
      .Bind(2, version.key)
      .Bind(3, version.etag)
      .Bind(4, version.sequencer)
      .Bind(5, static_cast<int64_t>(version.size))
      .Bind(6, version.uploader)
      .Bind(7, std::string_view("rejected"))
      .Bind(8, report)
      .Bind(9, clock_->NowMillis());
  INVTRACK_RETURN_IF_ERROR(c.insert_upload.Run());
  INVTRACK_RETURN_IF_ERROR(RecordVersionSeen(version));
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  checkpointer_->Notify();
  return Status::OK();
}

Result<std::unique_ptr<SqliteDb>> SqliteInventoryTable::OpenReader() const {
  return SqliteDb::Open(path_, SqliteOptions{.read_only = true});
}

Status SqliteInventoryTable::ScanItems(
    const ItemQuery& query, const std::function<bool(const InventoryItem&)>& visit) const {
  Result<std::unique_ptr<SqliteDb>> db = OpenReader();
  if (!db.ok()) return db.status();
  std::string sql =
      "SELECT i.store, i.item, i.count, i.low_threshold, u.time_ms, u.key, u.etag "
      "FROM inventory i JOIN uploads u ON u.id = i.upload_id";
  if (query.store) sql += " WHERE i.store = ?1";
  sql += " ORDER BY i.store, i.item";
  Result<SqliteStatement> select = (*db)->Prepare(sql);
  if (!select.ok()) return select.status();
  if (query.store) select->Bind(1, *query.store);
  InventoryItem item;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    item.store = select->ColumnText(0);
    item.item = select->ColumnText(1);
    item.count = select->ColumnInt(2);
    item.low_threshold = select->ColumnOptionalInt(3);
    item.updated_ms = select->ColumnInt(4);
    item.source_key = select->ColumnText(5);
    item.source_etag = select->ColumnText(6);
    if (!visit(item)) break;
  }
  return Status::OK();
}

namespace {

constexpr char kUploadColumns[] =
    "SELECT id, bucket, key, etag, sequencer, size, uploader, status, rows, changes, problems, "
    "time_ms, first_change_seq FROM uploads";

UploadRecord ReadUpload(const SqliteStatement& s) {
  UploadRecord u;
  u.id = s.ColumnInt(0);
  u.version = FileVersion{s.ColumnString(1),
                          s.ColumnString(2),
                          s.ColumnString(3),
                          s.ColumnString(4),
                          static_cast<uint64_t>(s.ColumnInt(5)),
                          s.ColumnString(6)};
  u.status = s.ColumnString(7);
  u.rows = static_cast<uint64_t>(s.ColumnInt(8));
  u.changes = static_cast<uint64_t>(s.ColumnInt(9));
  u.problems = ProblemsFromJson(s.ColumnText(10));
  u.time_ms = s.ColumnInt(11);
  u.first_change_seq = static_cast<uint64_t>(s.ColumnOptionalInt(12).value_or(0));
  return u;
}

}  // namespace

Result<std::optional<UploadRecord>> SqliteInventoryTable::FindUploadOfChange(
    uint64_t sequence) const {
  Result<std::unique_ptr<SqliteDb>> db = OpenReader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare(std::string(kUploadColumns) +
                     " WHERE first_change_seq > 0 AND first_change_seq <= ?1 "
                     "ORDER BY first_change_seq DESC LIMIT 1");
  if (!select.ok()) return select.status();
  select->Bind(1, static_cast<int64_t>(sequence));
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<UploadRecord>();
  UploadRecord upload = ReadUpload(*select);
  if (sequence >= upload.first_change_seq + upload.changes) return std::optional<UploadRecord>();
  return std::optional<UploadRecord>(std::move(upload));
}

Result<TableSummary> SqliteInventoryTable::Summary() const {
  Result<std::unique_ptr<SqliteDb>> db = OpenReader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(
      "SELECT (SELECT count(DISTINCT store) FROM inventory), (SELECT count(*) FROM inventory), "
      "(SELECT count(*) FROM uploads WHERE status = 'applied'), "
      "(SELECT count(*) FROM uploads WHERE status = 'rejected'), "
      "(SELECT coalesce(max(first_seq + record_count - 1), 0) FROM stream_segments)");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  return TableSummary{select->ColumnInt(0), select->ColumnInt(1), select->ColumnInt(2),
                      select->ColumnInt(3), static_cast<uint64_t>(select->ColumnInt(4))};
}

Result<std::vector<UploadRecord>> SqliteInventoryTable::ListUploads(size_t limit) const {
  Result<std::unique_ptr<SqliteDb>> db = OpenReader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(
      std::string(kUploadColumns) + " WHERE status != 'loading' ORDER BY id DESC LIMIT ?1");
  if (!select.ok()) return select.status();
  select->Bind(1, static_cast<int64_t>(limit));
  std::vector<UploadRecord> uploads;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    uploads.push_back(ReadUpload(*select));
  }
  return uploads;
}

Result<std::optional<UploadRecord>> SqliteInventoryTable::FindUpload(
    const FileVersion& version) const {
  Result<std::unique_ptr<SqliteDb>> db = OpenReader();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select =
      (*db)->Prepare(std::string(kUploadColumns) +
                     " WHERE bucket = ?1 AND key = ?2 AND etag = ?3 AND status != 'loading'"
                     " ORDER BY id DESC LIMIT 1");
  if (!select.ok()) return select.status();
  select->Bind(1, version.bucket).Bind(2, version.key).Bind(3, version.etag);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<UploadRecord>();
  return std::optional<UploadRecord>(ReadUpload(*select));
}

}  // namespace invtrack
