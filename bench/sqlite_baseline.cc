// The ingest benchmark's baseline: the bare minimum a program must do to put
// the same rows into SQLite, measured in the same run as the pipeline.
// The rows are parsed into memory first (not timed); then one prepared
// UPSERT, one transaction, WAL, and the same table layout and pragmas as the
// inventory table, but no change records, no versions, no report, nothing
// else. Prints the seconds spent from BEGIN to COMMIT.
//
// Usage: sqlite_baseline FILE.csv DB_PATH
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace {

struct Row {
  std::string store;
  std::string item;
  long long count;
};

bool Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::cerr << sql << ": " << error << "\n";
    sqlite3_free(error);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sqlite_baseline FILE.csv DB_PATH\n";
    return 2;
  }
  // Benchmark files are plain store,item,count lines without quoting.
  std::ifstream in(argv[1]);
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    size_t a = line.find(',');
    size_t b = line.find(',', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    rows.push_back(
        {line.substr(0, a), line.substr(a + 1, b - a - 1), std::stoll(line.substr(b + 1))});
  }

  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
  // The same settings SqliteDb::Open gives the inventory database.
  if (!Exec(db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=OFF;"
            "PRAGMA cache_size=-16384;"
            "CREATE TABLE IF NOT EXISTS inventory(store TEXT NOT NULL, item TEXT NOT NULL, "
            "count INTEGER NOT NULL, PRIMARY KEY(store, item)) WITHOUT ROWID;")) {
    return 1;
  }
  sqlite3_stmt* upsert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO inventory(store, item, count) VALUES(?1, ?2, ?3) "
                     "ON CONFLICT(store, item) DO UPDATE SET count = excluded.count",
                     -1, &upsert, nullptr);

  auto start = std::chrono::steady_clock::now();
  Exec(db, "BEGIN");
  for (const Row& row : rows) {
    sqlite3_bind_text(upsert, 1, row.store.data(), static_cast<int>(row.store.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(upsert, 2, row.item.data(), static_cast<int>(row.item.size()), SQLITE_STATIC);
    sqlite3_bind_int64(upsert, 3, row.count);
    if (sqlite3_step(upsert) != SQLITE_DONE) {
      std::cerr << "upsert failed: " << sqlite3_errmsg(db) << "\n";
      return 1;
    }
    sqlite3_reset(upsert);
  }
  Exec(db, "COMMIT");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(upsert);
  sqlite3_close(db);
  std::printf("%.3f\n", seconds);
  return 0;
}
