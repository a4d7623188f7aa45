#include "adapters/local/sqlite_change_stream.h"

#include "adapters/local/change_segment.h"

namespace invtrack {

Result<std::unique_ptr<SqliteChangeStream>> SqliteChangeStream::Open(
    const std::filesystem::path& path) {
  std::unique_ptr<SqliteChangeStream> stream(new SqliteChangeStream());
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, SqliteOptions{.read_only = true});
  if (!db.ok()) return db.status();
  stream->db_ = std::move(db).value();
  Result<SqliteStatement> label =
      stream->db_->Prepare("SELECT value FROM meta WHERE name = 'stream_label'");
  if (!label.ok()) return label.status();
  Result<bool> row = label->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("inventory database has no stream label", path.string());
  stream->event_id_prefix_ = label->ColumnString(0) + "-";

  // The segment holding a sequence is the last one starting at or before it.
  Result<SqliteStatement> find = stream->db_->Prepare(
      "SELECT first_seq, record_count, created_ms, records FROM stream_segments "
      "WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 1");
  if (!find.ok()) return find.status();
  stream->find_segment_ = std::move(find).value();
  Result<SqliteStatement> latest = stream->db_->Prepare(
      "SELECT first_seq + record_count - 1 FROM stream_segments ORDER BY first_seq DESC LIMIT 1");
  if (!latest.ok()) return latest.status();
  stream->latest_ = std::move(latest).value();
  return stream;
}

Status SqliteChangeStream::LoadSegmentContaining(uint64_t sequence, bool* found) {
  *found = false;
  find_segment_.Bind(1, static_cast<int64_t>(sequence));
  Result<bool> row = find_segment_.Step();
  if (!row.ok()) {
    find_segment_.Reset();
    return row.status();
  }
  if (*row) {
    uint64_t first = static_cast<uint64_t>(find_segment_.ColumnInt(0));
    uint32_t count = static_cast<uint32_t>(find_segment_.ColumnInt(1));
    if (sequence < first + count) {
      SegmentPosition position{first, find_segment_.ColumnInt(2), event_id_prefix_};
      const void* blob = sqlite3_column_blob(find_segment_.raw(), 3);
      int size = sqlite3_column_bytes(find_segment_.raw(), 3);
      std::string_view bytes(static_cast<const char*>(blob), static_cast<size_t>(size));
      cached_.clear();
      cached_first_ = first;
      Status decoded = DecodeChangeSegment(bytes, count, position, &cached_);
      if (!decoded.ok()) {
        cached_.clear();
        find_segment_.Reset();
        return decoded;
      }
      *found = true;
    }
  }
  find_segment_.Reset();
  return Status::OK();
}

Result<size_t> SqliteChangeStream::ReadAfter(uint64_t after, size_t max,
                                             std::vector<StreamRecord>* out) {
  size_t added = 0;
  uint64_t next = after + 1;
  bool in_transaction = false;
  Status status;
  while (added < max) {
    bool cached =
        !cached_.empty() && next >= cached_first_ && next < cached_first_ + cached_.size();
    if (!cached) {
      // One read transaction for all segments read by this call, so they
      // come from one snapshot; none at all when the cache has the records.
      if (!in_transaction) {
        status = db_->Exec("BEGIN");
        if (!status.ok()) break;
        in_transaction = true;
      }
      bool found = false;
      status = LoadSegmentContaining(next, &found);
      if (!status.ok() || !found) break;
    }
    size_t index = next - cached_first_;
    size_t take = std::min(max - added, cached_.size() - index);
    out->insert(out->end(), cached_.begin() + static_cast<ptrdiff_t>(index),
                cached_.begin() + static_cast<ptrdiff_t>(index + take));
    added += take;
    next += take;
  }
  if (in_transaction) (void)db_->Exec("COMMIT");
  if (!status.ok()) return status;
  return added;
}

Result<uint64_t> SqliteChangeStream::LatestSequence() {
  Result<bool> row = latest_.Step();
  uint64_t latest = row.ok() && *row ? static_cast<uint64_t>(latest_.ColumnInt(0)) : 0;
  latest_.Reset();
  if (!row.ok()) return row.status();
  return latest;
}

}  // namespace invtrack
