#include "adapters/local/object_rows.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/local/dir_bucket_internal.h"

namespace invtrack::dir_bucket_internal {

const std::string_view kBucketSchema = R"sql(
CREATE TABLE IF NOT EXISTS objects (
  key TEXT NOT NULL COLLATE BINARY PRIMARY KEY,
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  sequencer TEXT NOT NULL,
  data_file TEXT NOT NULL,
  inline_body BLOB
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_sequencer INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (id, last_sequencer) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS multipart_uploads (
  upload_id TEXT NOT NULL PRIMARY KEY,
  key TEXT NOT NULL COLLATE BINARY,
  initiated_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  initiator TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS multipart_uploads_by_key ON multipart_uploads (key, upload_id);
CREATE TABLE IF NOT EXISTS multipart_parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  data_file TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bucket_deleted (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  deleted_ms INTEGER NOT NULL
);
)sql";

const std::string_view kSelectObjects =
    "SELECT key, etag, size, last_modified_ms, content_type, user_metadata, sequencer, data_file"
    " FROM objects";

const std::string_view kSelectObjectsWithBody =
    "SELECT key, etag, size, last_modified_ms, content_type, user_metadata, sequencer, data_file,"
    " inline_body FROM objects";

namespace {

constexpr std::string_view kUpsertObject = R"sql(
INSERT INTO objects
  (key, etag, size, last_modified_ms, content_type, user_metadata, sequencer, data_file,
   inline_body)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (key) DO UPDATE SET
  etag = excluded.etag, size = excluded.size, last_modified_ms = excluded.last_modified_ms,
  content_type = excluded.content_type, user_metadata = excluded.user_metadata,
  sequencer = excluded.sequencer, data_file = excluded.data_file,
  inline_body = excluded.inline_body
)sql";

// The next sequencer: now in ns, but above every one handed out before.
Result<uint64_t> NextSequencer(SqliteDb& db, const std::optional<ObjectRow>& previous) {
  Result<SqliteStatement> last = db.Prepare("SELECT last_sequencer FROM meta WHERE id = 1");
  if (!last.ok()) return last.status();
  Result<bool> has_last = last->Step();
  if (!has_last.ok()) return has_last.status();
  uint64_t next = NowNs();
  if (*has_last) next = std::max(next, static_cast<uint64_t>(last->ColumnInt(0)) + 1);
  if (previous) {
    // Also beat the replaced row, should `meta` ever lag behind it.
    std::optional<uint64_t> before = ParseSequencer(previous->object.info.sequencer);
    if (before) next = std::max(next, *before + 1);
  }
  last->Reset();
  if (next > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::Internal("sequencer space exhausted");
  }
  Result<SqliteStatement> bump = db.Prepare(
      "INSERT INTO meta (id, last_sequencer) VALUES (1, ?1)"
      " ON CONFLICT (id) DO UPDATE SET last_sequencer = excluded.last_sequencer");
  if (!bump.ok()) return bump.status();
  INVTRACK_RETURN_IF_ERROR(bump->Bind(1, static_cast<int64_t>(next)).Run());
  return next;
}

}  // namespace

Result<ObjectRow> ReadObjectRow(const SqliteStatement& stmt) {
  ObjectRow row;
  row.object.key = stmt.ColumnString(0);
  row.object.info.etag = stmt.ColumnString(1);
  int64_t size = stmt.ColumnInt(2);
  row.object.info.last_modified_ms = stmt.ColumnInt(3);
  row.object.content_type = stmt.ColumnString(4);
  std::string_view metadata = stmt.ColumnText(5);
  row.object.info.sequencer = stmt.ColumnString(6);
  row.data_file = stmt.ColumnString(7);
  // A bad data_file would otherwise become a path outside data/; an empty
  // one means the body is inline in the row.
  if (size < 0 || (!row.data_file.empty() && !IsHexId(row.data_file))) {
    return Status::Corruption("bad metadata row for key", row.object.key);
  }
  row.object.info.size = static_cast<uint64_t>(size);
  Result<std::map<std::string, std::string>> decoded = DecodeMetadata(metadata, row.object.key);
  if (!decoded.ok()) return decoded.status();
  row.object.user_metadata = std::move(*decoded);
  return row;
}

Result<std::optional<ObjectRow>> LookUpObject(SqliteDb& db, std::string_view key, bool with_body) {
  Result<SqliteStatement> stmt = db.Prepare(
      std::string(with_body ? kSelectObjectsWithBody : kSelectObjects) + " WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key);
  Result<bool> found = stmt->Step();
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<ObjectRow>();
  Result<ObjectRow> row = ReadObjectRow(*stmt);
  if (!row.ok()) return row.status();
  if (row->data_file.empty()) {
    if (with_body) {
      if (stmt->ColumnIsNull(8)) return Status::Corruption("object has neither file nor body", key);
      row->inline_body = stmt->ColumnString(8);
      if (row->inline_body->size() != row->object.info.size) {
        return Status::Corruption("inline body size differs from its metadata", key);
      }
    }
  }
  return std::optional<ObjectRow>(std::move(*row));
}

Status MigrateObjectsTable(SqliteDb& db) {
  // Data dirs made before inline bodies lack the column; ADD COLUMN only
  // touches the schema, old rows read it as NULL.
  Result<SqliteStatement> columns =
      db.Prepare("SELECT 1 FROM pragma_table_info('objects') WHERE name = 'inline_body'");
  if (!columns.ok()) return columns.status();
  Result<bool> has_column = columns->Step();
  if (!has_column.ok()) return has_column.status();
  if (*has_column) return Status::OK();
  columns->Reset();
  return db.Exec("ALTER TABLE objects ADD COLUMN inline_body BLOB");
}

Result<std::string> EncodeMetadata(const std::map<std::string, std::string>& metadata,
                                   std::map<std::string, std::string>* normalized) {
  for (const auto& [name, value] : metadata) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (lower.empty()) return Status::InvalidArgument("user metadata name is empty");
    if (FindInvalidUtf8(lower) != std::string_view::npos ||
        FindInvalidUtf8(value) != std::string_view::npos) {
      return Status::InvalidArgument("user metadata is not valid UTF-8", lower);
    }
    (*normalized)[lower] = value;
  }
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, value] : *normalized) json[name] = value;
  return json.dump();
}

Result<std::map<std::string, std::string>> DecodeMetadata(std::string_view json_text,
                                                          std::string_view key) {
  nlohmann::json json = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Corruption("bad user metadata for key", key);
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [name, value] : json.items()) {
    if (!value.is_string()) return Status::Corruption("bad user metadata for key", key);
    metadata[name] = value.get<std::string>();
  }
  return metadata;
}

Status CheckNotDeleted(SqliteDb& db) {
  Result<SqliteStatement> stmt = db.Prepare("SELECT 1 FROM bucket_deleted");
  if (!stmt.ok()) return stmt.status();
  Result<bool> deleted = stmt->Step();
  if (!deleted.ok()) return deleted.status();
  if (*deleted) return Status::NotFound("bucket was deleted", db.path().parent_path().string());
  return Status::OK();
}

Result<std::optional<std::string>> CommitObjectRow(SqliteDb& db, std::string_view data_file,
                                                   std::string_view metadata_json,
                                                   const DirBucket::CommitHook& on_commit,
                                                   StoredObject* object) {
  Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&db);
  if (!txn.ok()) return txn.status();
  Result<std::optional<std::string>> replaced =
      WriteObjectRow(db, data_file, std::nullopt, metadata_json, on_commit, object);
  if (!replaced.ok()) return replaced.status();
  INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  return replaced;
}

Result<std::optional<std::string>> WriteObjectRow(SqliteDb& db, std::string_view data_file,
                                                  std::optional<std::string_view> inline_body,
                                                  std::string_view metadata_json,
                                                  const DirBucket::CommitHook& on_commit,
                                                  StoredObject* object) {
  INVTRACK_RETURN_IF_ERROR(CheckNotDeleted(db));
  Result<std::optional<ObjectRow>> previous = LookUpObject(db, object->key);
  if (!previous.ok()) return previous.status();
  Result<uint64_t> next = NextSequencer(db, *previous);
  if (!next.ok()) return next.status();
  object->info.sequencer = FormatSequencer(*next);

  Result<SqliteStatement> upsert = db.Prepare(kUpsertObject);
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, object->key)
      .Bind(2, object->info.etag)
      .Bind(3, static_cast<int64_t>(object->info.size))
      .Bind(4, object->info.last_modified_ms)
      .Bind(5, object->content_type)
      .Bind(6, metadata_json)
      .Bind(7, object->info.sequencer)
      .Bind(8, data_file);
  if (inline_body) {
    upsert->BindBlob(9, *inline_body);
  } else {
    upsert->BindNull(9);
  }
  INVTRACK_RETURN_IF_ERROR(upsert->Run());

  if (on_commit) INVTRACK_RETURN_IF_ERROR(on_commit(db, *object));
  // An inline version leaves no file behind.
  if (!*previous || (*previous)->data_file.empty()) return std::optional<std::string>();
  return std::optional<std::string>((*previous)->data_file);
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

uint64_t NowNs() {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
  return ns > 0 ? static_cast<uint64_t>(ns) : 0;
}

}  // namespace invtrack::dir_bucket_internal
