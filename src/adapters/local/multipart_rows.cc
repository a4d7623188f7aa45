#include "adapters/local/multipart_rows.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/object_rows.h"

namespace invtrack::dir_bucket_internal {

const std::string_view kSelectUploads =
    "SELECT upload_id, key, initiated_ms, content_type, user_metadata, initiator"
    " FROM multipart_uploads";

namespace {

int64_t ClampToInt64(size_t value) {
  return static_cast<int64_t>(std::min<uint64_t>(value, std::numeric_limits<int64_t>::max()));
}

Result<PartRow> ReadPartRow(const SqliteStatement& stmt) {
  PartRow row;
  int64_t number = stmt.ColumnInt(0);
  row.part.etag = stmt.ColumnString(1);
  int64_t size = stmt.ColumnInt(2);
  row.part.last_modified_ms = stmt.ColumnInt(3);
  row.data_file = stmt.ColumnString(4);
  // A bad data_file would otherwise become a path outside data/.
  if (number < 1 || number > MultipartStore::kMaxPartNumber || size < 0 ||
      !IsHexId(row.data_file)) {
    return Status::Corruption("bad multipart part row", std::to_string(number));
  }
  row.part.part_number = static_cast<int>(number);
  row.part.size = static_cast<uint64_t>(size);
  return row;
}

}  // namespace

Result<std::unique_ptr<ReadTransaction>> ReadTransaction::Begin(SqliteDb* db) {
  INVTRACK_RETURN_IF_ERROR(db->Exec("BEGIN DEFERRED"));
  return std::unique_ptr<ReadTransaction>(new ReadTransaction(db));
}

// Nothing was written, so ROLLBACK only releases the snapshot.
ReadTransaction::~ReadTransaction() { (void)db_->Exec("ROLLBACK"); }

Status MultipartStatus(MultipartError error, std::string_view detail) {
  std::string_view code = MultipartErrorCode(error);
  if (error == MultipartError::kNoSuchUpload) return Status::NotFound(code, detail);
  return Status::InvalidArgument(code, detail);
}

Status NoSuchUpload(std::string_view upload_id) {
  return MultipartStatus(MultipartError::kNoSuchUpload,
                         "upload " + std::string(upload_id) +
                             " does not exist; it may have been completed or aborted");
}

Result<MultipartUpload> ReadUploadRow(const SqliteStatement& stmt) {
  MultipartUpload upload;
  upload.upload_id = stmt.ColumnString(0);
  upload.key = stmt.ColumnString(1);
  upload.initiated_ms = stmt.ColumnInt(2);
  upload.options.content_type = stmt.ColumnString(3);
  Result<std::map<std::string, std::string>> metadata =
      DecodeMetadata(stmt.ColumnText(4), upload.key);
  if (!metadata.ok()) return metadata.status();
  upload.options.user_metadata = std::move(*metadata);
  upload.initiator = stmt.ColumnString(5);
  return upload;
}

Result<std::optional<MultipartUpload>> LookUpUpload(SqliteDb& db, std::string_view upload_id) {
  Result<SqliteStatement> stmt = db.Prepare(std::string(kSelectUploads) + " WHERE upload_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, upload_id);
  Result<bool> found = stmt->Step();
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<MultipartUpload>();
  Result<MultipartUpload> upload = ReadUploadRow(*stmt);
  if (!upload.ok()) return upload.status();
  return std::optional<MultipartUpload>(std::move(*upload));
}

Status InsertUpload(SqliteDb& db, const MultipartUpload& upload, std::string_view metadata_json) {
  Result<SqliteStatement> stmt = db.Prepare(
      "INSERT INTO multipart_uploads"
      " (upload_id, key, initiated_ms, content_type, user_metadata, initiator)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, upload.upload_id)
      .Bind(2, upload.key)
      .Bind(3, upload.initiated_ms)
      .Bind(4, upload.options.content_type)
      .Bind(5, metadata_json)
      .Bind(6, upload.initiator)
      .Run();
}

Status DeleteUpload(SqliteDb& db, std::string_view upload_id) {
  for (std::string_view sql : {"DELETE FROM multipart_parts WHERE upload_id = ?1",
                               "DELETE FROM multipart_uploads WHERE upload_id = ?1"}) {
    Result<SqliteStatement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    INVTRACK_RETURN_IF_ERROR(stmt->Bind(1, upload_id).Run());
  }
  return Status::OK();
}

Result<std::vector<PartRow>> ReadParts(SqliteDb& db, std::string_view upload_id, int after,
                                       size_t limit) {
  std::vector<PartRow> parts;
  Result<SqliteStatement> stmt = db.Prepare(
      "SELECT part_number, etag, size, last_modified_ms, data_file FROM multipart_parts"
      " WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number LIMIT ?3");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, upload_id).Bind(2, int64_t{after}).Bind(3, ClampToInt64(limit));
  for (;;) {
    Result<bool> has_row = stmt->Step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) break;
    Result<PartRow> row = ReadPartRow(*stmt);
    if (!row.ok()) return row.status();
    parts.push_back(std::move(*row));
  }
  return parts;
}

Result<std::optional<std::string>> UpsertPart(SqliteDb& db, std::string_view upload_id,
                                              const PartRow& row) {
  std::optional<std::string> replaced;
  Result<SqliteStatement> old =
      db.Prepare("SELECT data_file FROM multipart_parts WHERE upload_id = ?1 AND part_number = ?2");
  if (!old.ok()) return old.status();
  old->Bind(1, upload_id).Bind(2, int64_t{row.part.part_number});
  Result<bool> found = old->Step();
  if (!found.ok()) return found.status();
  if (*found) replaced = old->ColumnString(0);
  old->Reset();

  Result<SqliteStatement> upsert = db.Prepare(R"sql(
INSERT INTO multipart_parts (upload_id, part_number, etag, size, last_modified_ms, data_file)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (upload_id, part_number) DO UPDATE SET
  etag = excluded.etag, size = excluded.size, last_modified_ms = excluded.last_modified_ms,
  data_file = excluded.data_file
)sql");
  if (!upsert.ok()) return upsert.status();
  INVTRACK_RETURN_IF_ERROR(upsert->Bind(1, upload_id)
                               .Bind(2, int64_t{row.part.part_number})
                               .Bind(3, row.part.etag)
                               .Bind(4, static_cast<int64_t>(row.part.size))
                               .Bind(5, row.part.last_modified_ms)
                               .Bind(6, row.data_file)
                               .Run());
  return replaced;
}

}  // namespace invtrack::dir_bucket_internal
