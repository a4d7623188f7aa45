#include "adapters/local/multipart_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include <fcntl.h>

#include "adapters/local/body_writer.h"
#include "adapters/local/bucket_connection_pool.h"
#include "adapters/local/data_files.h"
#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/multipart_rows.h"
#include "adapters/local/object_rows.h"

namespace invtrack {

namespace io = dir_bucket_internal;

namespace {

using Lease = io::ConnectionPool::Lease;

constexpr std::string_view kErrorCodes[] = {"NoSuchUpload", "InvalidPart", "InvalidPartOrder",
                                            "EntityTooSmall", "InvalidArgument"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Clients echo the ETag header, quotes and all; some upper-case the hex.
std::string NormalizeEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  std::string out(etag);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

Result<std::string> HexToBytes(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  if (hex.size() % 2 != 0) return Status::Corruption("bad part ETag", hex);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = nibble(hex[i]);
    int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return Status::Corruption("bad part ETag", hex);
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

// S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-<count>".
Result<std::string> MultipartEtag(const std::vector<io::PartRow>& parts) {
  io::Md5 md5;
  for (const io::PartRow& row : parts) {
    Result<std::string> digest = HexToBytes(row.part.etag);
    if (!digest.ok()) return digest.status();
    INVTRACK_RETURN_IF_ERROR(md5.Update(digest->data(), digest->size()));
  }
  Result<std::string> hex = md5.FinalHex();
  if (!hex.ok()) return hex.status();
  return *hex + "-" + std::to_string(parts.size());
}

// Time first, so ids sort by initiation (ListUploads' order); the random
// part makes them unguessable. Hex digits only: URL-safe.
Result<std::string> NewUploadId() {
  Result<std::string> random = io::RandomHexId();
  if (!random.ok()) return random.status();
  return io::FormatSequencer(io::NowNs()) + *random;
}

// The listed parts, checked against the stored ones: Complete's rules.
Result<std::vector<io::PartRow>> SelectParts(const std::vector<CompletedPartRef>& refs,
                                             const std::vector<io::PartRow>& stored,
                                             uint64_t min_part_size) {
  std::map<int, const io::PartRow*> by_number;
  for (const io::PartRow& row : stored) by_number[row.part.part_number] = &row;
  std::vector<io::PartRow> selected;
  for (size_t i = 0; i < refs.size(); ++i) {
    const CompletedPartRef& ref = refs[i];
    std::string number = std::to_string(ref.part_number);
    auto found = by_number.find(ref.part_number);
    if (found == by_number.end()) {
      return io::MultipartStatus(MultipartError::kInvalidPart,
                                 "part " + number + " was not uploaded");
    }
    if (NormalizeEtag(ref.etag) != found->second->part.etag) {
      return io::MultipartStatus(MultipartError::kInvalidPart,
                                 "part " + number + " has another ETag than " + ref.etag);
    }
    if (i + 1 < refs.size() && found->second->part.size < min_part_size) {
      return io::MultipartStatus(
          MultipartError::kEntityTooSmall,
          "part " + number + " is " + std::to_string(found->second->part.size) +
              " bytes; all but the last must be at least " + std::to_string(min_part_size));
    }
    selected.push_back(*found->second);
  }
  return selected;
}

// Inside Complete's transaction: the upload must still exist with the
// parts as read before (a part uploaded again with the same content is
// fine). Returns every part file of the upload, to remove after the commit.
Result<std::vector<std::string>> ClaimUpload(SqliteDb& db, std::string_view upload_id,
                                             const std::vector<io::PartRow>& used) {
  Result<std::optional<MultipartUpload>> upload = io::LookUpUpload(db, upload_id);
  if (!upload.ok()) return upload.status();
  if (!*upload) return io::NoSuchUpload(upload_id);
  Result<std::vector<io::PartRow>> now =
      io::ReadParts(db, upload_id, 0, MultipartStore::kMaxPartNumber);
  if (!now.ok()) return now.status();
  std::map<int, const io::PartRow*> by_number;
  for (const io::PartRow& row : *now) by_number[row.part.part_number] = &row;
  for (const io::PartRow& row : used) {
    auto found = by_number.find(row.part.part_number);
    if (found == by_number.end() || found->second->part.etag != row.part.etag ||
        found->second->part.size != row.part.size) {
      return Status::Unavailable("a part changed while the upload was being completed",
                                 "part " + std::to_string(row.part.part_number));
    }
  }
  std::vector<std::string> files;
  for (const io::PartRow& row : *now) files.push_back(row.data_file);
  INVTRACK_RETURN_IF_ERROR(io::DeleteUpload(db, upload_id));
  return files;
}

}  // namespace

std::string_view MultipartErrorCode(MultipartError error) {
  return kErrorCodes[static_cast<size_t>(error)];
}

std::optional<MultipartError> MultipartErrorOf(const Status& status) {
  if (!status.IsNotFound() && !status.IsInvalidArgument()) return std::nullopt;
  std::string_view message = status.message();
  std::string_view code = message.substr(0, message.find(':'));
  for (size_t i = 0; i < std::size(kErrorCodes); ++i) {
    if (code != kErrorCodes[i]) continue;
    auto error = static_cast<MultipartError>(i);
    bool not_found = error == MultipartError::kNoSuchUpload;
    if (not_found == status.IsNotFound()) return error;
  }
  return std::nullopt;
}

Result<MultipartUpload> MultipartStore::Create(std::string_view key, const PutOptions& options,
                                               std::string_view initiator) {
  INVTRACK_RETURN_IF_ERROR(DirBucket::ValidateKey(key));
  MultipartUpload upload;
  upload.key = std::string(key);
  upload.initiator = std::string(initiator);
  upload.options.content_type = options.content_type;
  Result<std::string> metadata_json =
      io::EncodeMetadata(options.user_metadata, &upload.options.user_metadata);
  if (!metadata_json.ok()) return metadata_json.status();
  Result<std::string> id = NewUploadId();
  if (!id.ok()) return id.status();
  upload.upload_id = std::move(*id);
  upload.initiated_ms = io::NowMs();

  Result<Lease> db = bucket_->pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
  if (!txn.ok()) return txn.status();
  // A bucket is deleted only when it has no uploads; it must stay so.
  INVTRACK_RETURN_IF_ERROR(io::CheckNotDeleted(**db));
  INVTRACK_RETURN_IF_ERROR(io::InsertUpload(**db, upload, *metadata_json));
  INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  return upload;
}

Result<UploadedPart> MultipartStore::PutPart(std::string_view upload_id, int part_number,
                                             ByteSource* body,
                                             std::optional<std::string> expected_md5_hex,
                                             std::optional<uint64_t> max_size) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return io::MultipartStatus(MultipartError::kInvalidArgument,
                               "part number must be an integer between 1 and 10000, inclusive");
  }
  if (body == nullptr) return Status::InvalidArgument("PutPart needs a body");
  const io::DataFiles& files = *bucket_->files_;
  {
    // Refuse before reading a body nobody wants.
    Result<Lease> db = bucket_->pool_->Acquire();
    if (!db.ok()) return db.status();
    Result<std::optional<MultipartUpload>> upload = io::LookUpUpload(**db, upload_id);
    if (!upload.ok()) return upload.status();
    if (!*upload) return io::NoSuchUpload(upload_id);
  }

  io::PartRow row;
  Result<std::string> id = io::RandomHexId();
  if (!id.ok()) return id.status();
  row.data_file = *id;
  io::RemoveOnExit tmp_guard(files.TmpPath(*id));
  Result<io::WrittenBody> written = io::WriteBody(body, max_size, files.TmpPath(*id));
  if (!written.ok()) return written.status();
  if (expected_md5_hex && NormalizeEtag(*expected_md5_hex) != written->md5_hex) {
    return Status::Corruption("Content-MD5 does not match the body");
  }
  INVTRACK_RETURN_IF_ERROR(files.Publish(*id));
  tmp_guard.Dismiss();
  io::RemoveOnExit data_guard(files.DataPath(*id));
  row.part = UploadedPart{part_number, std::move(written->md5_hex), written->size, io::NowMs()};

  Result<Lease> db = bucket_->pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::optional<std::string>> replaced = [&]() -> Result<std::optional<std::string>> {
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    Result<std::optional<MultipartUpload>> upload = io::LookUpUpload(**db, upload_id);
    if (!upload.ok()) return upload.status();
    if (!*upload) return io::NoSuchUpload(upload_id);  // aborted or completed meanwhile
    Result<std::optional<std::string>> old = io::UpsertPart(**db, upload_id, row);
    if (!old.ok()) return old.status();
    INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
    return old;
  }();
  if (!replaced.ok()) {
    // As in DirBucket: a failed COMMIT may still have committed; keep the
    // file unless the part row is known not to name it.
    Result<std::vector<io::PartRow>> now = io::ReadParts(**db, upload_id, part_number - 1, 1);
    if (!now.ok() || (!now->empty() && now->front().part.part_number == part_number &&
                      now->front().data_file == *id)) {
      data_guard.Dismiss();
    }
    return replaced.status();
  }
  data_guard.Dismiss();
  if (*replaced && **replaced != *id) bucket_->Discard(**replaced);
  return std::move(row.part);
}

Result<std::vector<UploadedPart>> MultipartStore::ListParts(std::string_view upload_id,
                                                            int part_number_marker,
                                                            size_t max_parts) const {
  Result<Lease> db = bucket_->pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<std::unique_ptr<io::ReadTransaction>> snapshot = io::ReadTransaction::Begin(&**db);
  if (!snapshot.ok()) return snapshot.status();
  Result<std::optional<MultipartUpload>> upload = io::LookUpUpload(**db, upload_id);
  if (!upload.ok()) return upload.status();
  if (!*upload) return io::NoSuchUpload(upload_id);
  Result<std::vector<io::PartRow>> rows =
      io::ReadParts(**db, upload_id, std::max(part_number_marker, 0), max_parts);
  if (!rows.ok()) return rows.status();
  std::vector<UploadedPart> parts;
  for (io::PartRow& row : *rows) parts.push_back(std::move(row.part));
  return parts;
}

Result<std::vector<MultipartUpload>> MultipartStore::ListUploads(std::string_view prefix,
                                                                 std::string_view key_marker,
                                                                 std::string_view upload_id_marker,
                                                                 size_t max_uploads) const {
  std::vector<MultipartUpload> uploads;
  if (max_uploads == 0) return uploads;
  std::optional<std::string> upper = io::PrefixUpperBound(prefix);
  std::string sql(io::kSelectUploads);
  sql += " WHERE key >= ?1";
  if (upper) sql += " AND key < ?2";
  if (!key_marker.empty()) {
    sql += upload_id_marker.empty() ? " AND key > ?3"
                                    : " AND (key > ?3 OR (key = ?3 AND upload_id > ?4))";
  }
  sql += " ORDER BY key, upload_id LIMIT ?5";

  Result<Lease> db = bucket_->pool_->Acquire();
  if (!db.ok()) return db.status();
  Result<SqliteStatement> stmt = (*db)->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, prefix);
  if (upper) stmt->Bind(2, *upper);
  if (!key_marker.empty()) stmt->Bind(3, key_marker);
  if (!key_marker.empty() && !upload_id_marker.empty()) stmt->Bind(4, upload_id_marker);
  stmt->Bind(5, static_cast<int64_t>(
                    std::min<uint64_t>(max_uploads, std::numeric_limits<int64_t>::max())));
  for (;;) {
    Result<bool> has_row = stmt->Step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) break;
    Result<MultipartUpload> upload = io::ReadUploadRow(*stmt);
    if (!upload.ok()) return upload.status();
    uploads.push_back(std::move(*upload));
  }
  return uploads;
}

Status MultipartStore::Abort(std::string_view upload_id) {
  std::vector<io::PartRow> parts;
  {
    Result<Lease> db = bucket_->pool_->Acquire();
    if (!db.ok()) return db.status();
    Result<std::unique_ptr<SqliteTransaction>> txn = SqliteTransaction::Begin(&**db);
    if (!txn.ok()) return txn.status();
    Result<std::optional<MultipartUpload>> upload = io::LookUpUpload(**db, upload_id);
    if (!upload.ok()) return upload.status();
    if (!*upload) return io::NoSuchUpload(upload_id);
    Result<std::vector<io::PartRow>> rows = io::ReadParts(**db, upload_id, 0, kMaxPartNumber);
    if (!rows.ok()) return rows.status();
    parts = std::move(*rows);
    INVTRACK_RETURN_IF_ERROR(io::DeleteUpload(**db, upload_id));
    INVTRACK_RETURN_IF_ERROR((*txn)->Commit());
  }
  // The upload is gone either way; a file left behind is collected by OpenDir.
  for (const io::PartRow& row : parts) bucket_->Discard(row.data_file);
  return Status::OK();
}

Result<StoredObject> MultipartStore::Complete(std::string_view upload_id,
                                              const std::vector<CompletedPartRef>& parts,
                                              const DirBucket::CommitHook& on_commit,
                                              uint64_t min_part_size) {
  if (parts.empty()) {
    return io::MultipartStatus(MultipartError::kInvalidArgument,
                               "a multipart upload needs at least one part");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].part_number < 1 || parts[i].part_number > kMaxPartNumber) {
      return io::MultipartStatus(MultipartError::kInvalidPart,
                                 "no part numbered " + std::to_string(parts[i].part_number));
    }
    if (i > 0 && parts[i].part_number <= parts[i - 1].part_number) {
      return io::MultipartStatus(MultipartError::kInvalidPartOrder,
                                 "part numbers must be listed in ascending order");
    }
  }
  const io::DataFiles& files = *bucket_->files_;

  MultipartUpload upload;
  std::vector<io::PartRow> used;
  {
    Result<Lease> db = bucket_->pool_->Acquire();
    if (!db.ok()) return db.status();
    // One snapshot: an Abort between the two reads would look like missing parts.
    Result<std::unique_ptr<io::ReadTransaction>> snapshot = io::ReadTransaction::Begin(&**db);
    if (!snapshot.ok()) return snapshot.status();
    Result<std::optional<MultipartUpload>> found = io::LookUpUpload(**db, upload_id);
    if (!found.ok()) return found.status();
    if (!*found) return io::NoSuchUpload(upload_id);
    upload = std::move(**found);
    Result<std::vector<io::PartRow>> stored = io::ReadParts(**db, upload_id, 0, kMaxPartNumber);
    if (!stored.ok()) return stored.status();
    Result<std::vector<io::PartRow>> selected = SelectParts(parts, *stored, min_part_size);
    if (!selected.ok()) return selected.status();
    used = std::move(*selected);
  }
  std::vector<io::SourceFile> sources;
  StoredObject object;
  for (const io::PartRow& row : used) {
    sources.push_back(io::SourceFile{files.DataPath(row.data_file), row.part.size});
    object.info.size += row.part.size;
  }

  object.key = upload.key;
  object.content_type = upload.options.content_type;
  Result<std::string> metadata_json =
      io::EncodeMetadata(upload.options.user_metadata, &object.user_metadata);
  if (!metadata_json.ok()) return metadata_json.status();
  Result<std::string> etag = MultipartEtag(used);
  if (!etag.ok()) return etag.status();
  object.info.etag = std::move(*etag);

  Result<std::string> id = io::RandomHexId();
  if (!id.ok()) return id.status();
  {
    io::RemoveOnExit tmp_guard(files.TmpPath(*id));
    Status copied = io::ConcatenateFiles(sources, files.TmpPath(*id));
    if (copied.IsNotFound()) {
      // Aborted, or a part replaced, since we read the rows: the commit would fail.
      Result<Lease> db = bucket_->pool_->Acquire();
      if (!db.ok()) return db.status();
      Result<std::optional<MultipartUpload>> still = io::LookUpUpload(**db, upload_id);
      if (still.ok() && !*still) return io::NoSuchUpload(upload_id);
      return Status::Unavailable("a part changed while the upload was being completed",
                                 copied.message());
    }
    INVTRACK_RETURN_IF_ERROR(copied);
    tmp_guard.Dismiss();  // CommitNewVersion takes it over
  }

  std::vector<std::string> part_files;  // every part of the upload, once committed
  DirBucket::CommitHook claim_then_hook = [&](SqliteDb& db, const StoredObject& stored) {
    Result<std::vector<std::string>> claimed = ClaimUpload(db, upload_id, used);
    if (!claimed.ok()) return claimed.status();
    part_files = std::move(*claimed);
    return on_commit ? on_commit(db, stored) : Status::OK();
  };
  Result<StoredObject> committed =
      bucket_->CommitNewVersion(*id, std::move(object), *metadata_json, claim_then_hook);
  if (!committed.ok()) return committed.status();
  for (const std::string& part_file : part_files) bucket_->Discard(part_file);
  return committed;
}

}  // namespace invtrack
