// Rows of the multipart tables of bucket.db (multipart_uploads,
// multipart_parts; schema in object_rows.h), for MultipartStore.
// Thread-safety: free functions; each call uses the connection it is given.
#ifndef INVTRACK_ADAPTERS_LOCAL_MULTIPART_ROWS_H_
#define INVTRACK_ADAPTERS_LOCAL_MULTIPART_ROWS_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/multipart_store.h"
#include "adapters/local/sqlite_db.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

// A read-only transaction (BEGIN DEFERRED): several reads see one snapshot
// and no write lock is taken. Ended (rolled back) when destroyed.
class ReadTransaction {
 public:
  static Result<std::unique_ptr<ReadTransaction>> Begin(SqliteDb* db);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  explicit ReadTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
};

// The client-error Status that MultipartErrorOf() recognizes.
Status MultipartStatus(MultipartError error, std::string_view detail);
Status NoSuchUpload(std::string_view upload_id);

extern const std::string_view kSelectUploads;  // "SELECT ... FROM multipart_uploads"
Result<MultipartUpload> ReadUploadRow(const SqliteStatement& stmt);
Result<std::optional<MultipartUpload>> LookUpUpload(SqliteDb& db, std::string_view upload_id);
Status InsertUpload(SqliteDb& db, const MultipartUpload& upload, std::string_view metadata_json);
// Deletes the upload's row and all its part rows.
Status DeleteUpload(SqliteDb& db, std::string_view upload_id);

struct PartRow {
  UploadedPart part;
  std::string data_file;  // an IsHexId name under data/
};

// Parts numbered above `after`, ascending, at most `limit`.
Result<std::vector<PartRow>> ReadParts(SqliteDb& db, std::string_view upload_id, int after,
                                       size_t limit);
// Inserts or replaces a part row; returns the replaced part's data file.
Result<std::optional<std::string>> UpsertPart(SqliteDb& db, std::string_view upload_id,
                                              const PartRow& row);

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_MULTIPART_ROWS_H_
