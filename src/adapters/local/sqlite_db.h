// SqliteDb, SqliteStatement, SqliteTransaction: a thin RAII layer over the
// SQLite C API that turns result codes into Status values. Every local
// adapter keeps its state in SQLite (WAL mode) through these.
//
// Thread-safety: one SqliteDb (connection) per thread; open several
// connections to the same file for concurrency, which SQLite arbitrates.
#ifndef INVTRACK_ADAPTERS_LOCAL_SQLITE_DB_H_
#define INVTRACK_ADAPTERS_LOCAL_SQLITE_DB_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "core/result.h"
#include "core/status.h"

namespace invtrack {

class SqliteDb;

// A prepared statement. Bind indexes are 1-based, column indexes 0-based.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // The bound text/blob is not copied: it must stay alive until Reset().
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::optional<int64_t> value);  // nullopt binds NULL
  SqliteStatement& BindNull(int index);

  // Advances the statement: true when a row is available, false when done.
  Result<bool> Step();
  // Steps once, expecting no row (INSERT/UPDATE/DELETE), then resets.
  Status Run();
  void Reset();  // also clears bindings
  // Resets without clearing bindings: for hot loops that rebind every value.
  void ResetKeepingBindings();

  int64_t ColumnInt(int column) const;
  bool ColumnIsNull(int column) const;
  std::string_view ColumnText(int column) const;  // valid until the next Step/Reset
  std::string ColumnString(int column) const { return std::string(ColumnText(column)); }
  std::optional<int64_t> ColumnOptionalInt(int column) const;

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Status Error(int rc) const;

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  Status bind_error_;
};

struct SqliteOptions {
  bool read_only = false;
  int busy_timeout_ms = 10000;
  // Page cache per connection. Small by default: most connections append or
  // scan, where a cache does not help; the inventory writer asks for more.
  int cache_size_kib = 2 * 1024;
  // A WalCheckpointer copies the log back; this connection neither
  // checkpoints when a commit crosses the auto-checkpoint size nor on close.
  bool background_checkpoints = false;
};

class SqliteDb {
 public:
  // Opens or creates `path` in WAL mode with synchronous=NORMAL (durable at
  // checkpoints, never corrupt) and foreign keys on.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::filesystem::path& path,
                                                const SqliteOptions& options = {});
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);

  int64_t LastInsertRowId() const;
  int Changes() const;

  // `PRAGMA data_version`: changes whenever another connection commits to
  // the file (not for this connection's own commits). Caches of what a
  // table holds compare it per request, so its statement is prepared once.
  Result<int64_t> DataVersion();

  sqlite3* raw() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Maps a SQLite result code to a Status (BUSY/LOCKED -> Unavailable,
  // CONSTRAINT -> AlreadyExists, IOERR/FULL -> IOError, CORRUPT/NOTADB ->
  // Corruption).
  static Status StatusFromCode(int rc, std::string_view context, sqlite3* db);

 private:
  SqliteDb(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::filesystem::path path_;
  sqlite3_stmt* data_version_ = nullptr;  // prepared on first DataVersion()
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless
// Commit() succeeded. IMMEDIATE takes the write lock up front, so a busy
// database is reported at Begin, not half-way through the work.
class SqliteTransaction {
 public:
  static Result<std::unique_ptr<SqliteTransaction>> Begin(SqliteDb* db);
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status Commit();
  void Rollback();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
  bool open_ = true;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_SQLITE_DB_H_
