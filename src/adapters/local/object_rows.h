// The bucket's metadata database (bucket.db): its schema, and reading and
// committing rows of the `objects` table. Shared by DirBucket::Put and
// MultipartStore::Complete, which commit new versions the same way.
// Thread-safety: free functions; each call uses the connection it is given.
#ifndef INVTRACK_ADAPTERS_LOCAL_OBJECT_ROWS_H_
#define INVTRACK_ADAPTERS_LOCAL_OBJECT_ROWS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/sqlite_db.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

// `key` compares with BINARY (memcmp) collation, so the primary key's order
// is byte order, which List promises. `meta` holds one row: the last
// sequencer handed out, bumped in every commit so that sequencers increase
// across connections and processes. `multipart_*` hold uploads in progress;
// their parts are data files like objects' bodies. A row in
// `bucket_deleted` marks a bucket deleted: every later commit fails.
// A small object's body is kept in its row (`inline_body`, with an empty
// `data_file`), so storing it costs one shared commit and no file.
extern const std::string_view kBucketSchema;
// Brings a bucket.db from before inline bodies up to kBucketSchema; run in
// the transaction that applies the schema.
Status MigrateObjectsTable(SqliteDb& db);

struct ObjectRow {
  StoredObject object;
  std::string data_file;  // an IsHexId name under data/, or empty: inline
  // The inline body, when asked for and the object has one.
  std::optional<std::string> inline_body;
};

// `with_body` also reads an inline body (not wanted by Head or commits).
Result<std::optional<ObjectRow>> LookUpObject(SqliteDb& db, std::string_view key,
                                              bool with_body = false);

// For scans: the columns ReadObjectRow expects, as "SELECT ... FROM objects".
extern const std::string_view kSelectObjects;
Result<ObjectRow> ReadObjectRow(const SqliteStatement& stmt);

// Lower-cases names (as HTTP headers arrive in any case) into *normalized
// and checks that everything is UTF-8, which JSON requires. Returns the
// JSON text stored in the row.
Result<std::string> EncodeMetadata(const std::map<std::string, std::string>& metadata,
                                   std::map<std::string, std::string>* normalized);
Result<std::map<std::string, std::string>> DecodeMetadata(std::string_view json,
                                                          std::string_view key);

// Inside the caller's transaction: fails if the bucket was deleted, finds
// the version being replaced, takes the next sequencer, writes `object`'s
// row and runs the hook. Returns the replaced version's data file, if any.
// `object` gets its sequencer. With `inline_body` the body is stored in the
// row and `data_file` must be empty.
Result<std::optional<std::string>> WriteObjectRow(SqliteDb& db, std::string_view data_file,
                                                  std::optional<std::string_view> inline_body,
                                                  std::string_view metadata_json,
                                                  const DirBucket::CommitHook& on_commit,
                                                  StoredObject* object);

// WriteObjectRow in a transaction of its own.
Result<std::optional<std::string>> CommitObjectRow(SqliteDb& db, std::string_view data_file,
                                                   std::string_view metadata_json,
                                                   const DirBucket::CommitHook& on_commit,
                                                   StoredObject* object);

// NotFound("bucket was deleted") once DeleteBucket marked it; for commits.
Status CheckNotDeleted(SqliteDb& db);

int64_t NowMs();
uint64_t NowNs();

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_OBJECT_ROWS_H_
