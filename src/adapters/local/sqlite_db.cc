#include "adapters/local/sqlite_db.h"

#include <string>
#include <utility>

namespace invtrack {

Status SqliteDb::StatusFromCode(int rc, std::string_view context, sqlite3* db) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(context, detail);
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(context, detail);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::IOError(context, detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(context, detail);
    default:
      return Status::Internal(context, detail);
  }
}

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      bind_error_(std::move(other.bind_error_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Status SqliteStatement::Error(int rc) const {
  return SqliteDb::StatusFromCode(rc, sqlite3_sql(stmt_), db_);
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  // A null data() (a default string_view) would bind NULL, not ''.
  int rc = sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "",
                             static_cast<int>(text.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  // A null data() would bind NULL instead of an empty blob.
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data() != nullptr ? bytes.data() : "",
                             static_cast<int>(bytes.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status SqliteStatement::Run() {
  Result<bool> stepped = Step();
  Reset();
  if (!stepped.ok()) return stepped.status();
  return Status::OK();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::OK();
}

void SqliteStatement::ResetKeepingBindings() {
  sqlite3_reset(stmt_);
  bind_error_ = Status::OK();
}

int64_t SqliteStatement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<int64_t> SqliteStatement::ColumnOptionalInt(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt(column);
}

// ---- SqliteDb ----

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::filesystem::path& path,
                                                 const SqliteOptions& options) {
  // Memory statistics cost a global mutex on every allocation; invtrack
  // never reads them. Must happen before SQLite initialises, hence once here.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* raw = nullptr;
  int flags =
      options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread; no need for its mutex
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status error = StatusFromCode(rc, "cannot open database " + path.string(), raw);
    sqlite3_close(raw);
    return error;
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  std::string pragmas =
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=OFF;"
      "PRAGMA cache_size=-" +
      std::to_string(options.cache_size_kib) + ";";
  if (!options.read_only) pragmas = "PRAGMA journal_mode=WAL;" + pragmas;
  if (options.background_checkpoints) {
    // The log is truncated back to 64 MiB once checkpointed, so a huge load
    // does not leave a huge file behind.
    pragmas += "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";
    sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  }
  INVTRACK_RETURN_IF_ERROR(db->Exec(pragmas));
  return db;
}

SqliteDb::~SqliteDb() {
  sqlite3_finalize(data_version_);
  sqlite3_close_v2(db_);
}

Result<int64_t> SqliteDb::DataVersion() {
  if (data_version_ == nullptr) {
    int rc = sqlite3_prepare_v3(db_, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                                &data_version_, nullptr);
    if (rc != SQLITE_OK) return StatusFromCode(rc, "PRAGMA data_version", db_);
  }
  int rc = sqlite3_step(data_version_);
  int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(data_version_, 0) : 0;
  sqlite3_reset(data_version_);
  if (rc != SQLITE_ROW) return StatusFromCode(rc, "PRAGMA data_version", db_);
  return version;
}

Status SqliteDb::Exec(std::string_view sql) {
  std::string owned(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Status error = StatusFromCode(rc, owned.substr(0, 80), db_);
    sqlite3_free(message);
    return error;
  }
  return Status::OK();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusFromCode(rc, std::string(sql.substr(0, 80)), db_);
  return SqliteStatement(stmt, db_);
}

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int SqliteDb::Changes() const { return sqlite3_changes(db_); }

// ---- SqliteTransaction ----

Result<std::unique_ptr<SqliteTransaction>> SqliteTransaction::Begin(SqliteDb* db) {
  INVTRACK_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<SqliteTransaction>(new SqliteTransaction(db));
}

SqliteTransaction::~SqliteTransaction() { Rollback(); }

Status SqliteTransaction::Commit() {
  if (!open_) return Status::Aborted("transaction already finished");
  Status s = db_->Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

void SqliteTransaction::Rollback() {
  if (!open_) return;
  open_ = false;
  // A failed COMMIT may already have rolled back; ROLLBACK then just errors.
  (void)db_->Exec("ROLLBACK");
}

}  // namespace invtrack
