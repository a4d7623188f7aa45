#include "dashboard/store_index.h"

#include <charconv>

namespace invtrack {

namespace {

constexpr char kHistorySchema[] = R"sql(
CREATE TABLE IF NOT EXISTS item_history(
  store TEXT NOT NULL,
  item TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  count INTEGER,
  PRIMARY KEY(store, item, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr size_t kBatch = 4096;
constexpr size_t kRecentBatches = 256;

uint64_t SequenceOf(const StreamRecord& record) {
  uint64_t value = 0;
  const std::string& s = record.sequence_number;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

}  // namespace

Result<std::unique_ptr<StoreIndex>> StoreIndex::Open(const std::filesystem::path& inventory_db,
                                                     const std::filesystem::path& history_db,
                                                     PolicySource policy) {
  std::unique_ptr<StoreIndex> index(new StoreIndex(std::move(policy)));
  index->inventory_path_ = inventory_db;
  index->history_path_ = history_db;
  Result<std::unique_ptr<SqliteDb>> writer = SqliteDb::Open(history_db);
  if (!writer.ok()) return writer.status();
  index->history_writer_ = std::move(writer).value();
  INVTRACK_RETURN_IF_ERROR(index->history_writer_->Exec(kHistorySchema));
  Result<SqliteStatement> seen =
      index->history_writer_->Prepare("SELECT value FROM meta WHERE name = 'sequence'");
  if (!seen.ok()) return seen.status();
  Result<bool> row = seen->Step();
  if (!row.ok()) return row.status();
  if (*row) index->history_sequence_ = static_cast<uint64_t>(seen->ColumnInt(0));

  Result<std::unique_ptr<SqliteChangeStream>> stream = SqliteChangeStream::Open(inventory_db);
  if (!stream.ok()) return stream.status();
  index->stream_ = std::move(stream).value();
  INVTRACK_RETURN_IF_ERROR(index->Build());
  return index;
}

StoreIndex::~StoreIndex() { Stop(); }

Status StoreIndex::Build() {
  std::string fingerprint = policy_.fingerprint();
  auto policy = std::make_shared<const StockPolicy>(policy_.current());
  StoreSummaries summaries(*policy);
  SqliteOptions options;
  options.read_only = true;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(inventory_path_, options);
  if (!db.ok()) return db.status();
  // One read transaction: the stream position and the rows are one snapshot.
  INVTRACK_RETURN_IF_ERROR((*db)->Exec("BEGIN"));
  Result<SqliteStatement> latest =
      (*db)->Prepare("SELECT coalesce(max(first_seq + record_count - 1), 0) FROM stream_segments");
  if (!latest.ok()) return latest.status();
  Result<bool> row = latest->Step();
  if (!row.ok()) return row.status();
  uint64_t sequence = static_cast<uint64_t>(latest->ColumnInt(0));
  Result<SqliteStatement> scan = (*db)->Prepare(
      "SELECT i.store, i.item, i.count, i.low_threshold, coalesce(u.time_ms, 0) "
      "FROM inventory i LEFT JOIN uploads u ON u.id = i.upload_id");
  if (!scan.ok()) return scan.status();
  ItemImage image;
  while (true) {
    Result<bool> next = scan->Step();
    if (!next.ok()) return next.status();
    if (!*next) break;
    image.store = scan->ColumnText(0);
    image.item = scan->ColumnText(1);
    image.count = scan->ColumnInt(2);
    image.low_threshold = scan->ColumnOptionalInt(3);
    summaries.AddItem(image, scan->ColumnInt(4), sequence);
  }
  scan->Reset();
  latest->Reset();
  INVTRACK_RETURN_IF_ERROR((*db)->Exec("COMMIT"));
  // Swapped in whole, so readers never see a half-counted table; records
  // after `sequence` are applied by the next CatchUp.
  std::unique_lock lock(summaries_mutex_);
  summaries_ = std::move(summaries);
  summary_sequence_ = sequence;
  policy_snapshot_ = std::move(policy);
  ++policy_generation_;
  policy_fingerprint_ = std::move(fingerprint);
  return Status::OK();
}

Status StoreIndex::WriteHistory(const std::vector<StreamRecord>& records) {
  Result<std::unique_ptr<SqliteTransaction>> transaction =
      SqliteTransaction::Begin(history_writer_.get());
  if (!transaction.ok()) return transaction.status();
  Result<SqliteStatement> insert = history_writer_->Prepare(
      "INSERT OR IGNORE INTO item_history(store, item, seq, time_ms, count) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  uint64_t newest = history_sequence_;
  for (const StreamRecord& record : records) {
    uint64_t sequence = SequenceOf(record);
    if (sequence <= history_sequence_) continue;
    std::optional<int64_t> count;
    if (record.new_image) count = record.new_image->count;
    insert->Bind(1, record.store())
        .Bind(2, record.item())
        .Bind(3, static_cast<int64_t>(sequence))
        .Bind(4, record.approximate_creation_time * 1000)
        .Bind(5, count);
    INVTRACK_RETURN_IF_ERROR(insert->Run());
    newest = std::max(newest, sequence);
  }
  Result<SqliteStatement> save = history_writer_->Prepare(
      "INSERT INTO meta(name, value) VALUES ('sequence', ?1) "
      "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  if (!save.ok()) return save.status();
  save->Bind(1, static_cast<int64_t>(newest));
  INVTRACK_RETURN_IF_ERROR(save->Run());
  INVTRACK_RETURN_IF_ERROR((*transaction)->Commit());
  history_sequence_ = newest;
  return Status::OK();
}

Status StoreIndex::CatchUp() {
  std::lock_guard catch_up(catch_up_mutex_);
  if (policy_.fingerprint() != policy_fingerprint_) {
    INVTRACK_RETURN_IF_ERROR(Build());
    std::lock_guard lock(change_mutex_);
    ++version_;
    recent_.clear();  // every store may have changed
    changed_.notify_all();
  }
  std::vector<StreamRecord> records;
  while (true) {
    records.clear();
    uint64_t after = std::min(summary_sequence_, history_sequence_);
    Result<size_t> read = stream_->ReadAfter(after, kBatch, &records);
    if (!read.ok()) return read.status();
    if (records.empty()) return Status::OK();
    INVTRACK_RETURN_IF_ERROR(WriteHistory(records));
    std::set<std::string> touched;
    {
      std::unique_lock lock(summaries_mutex_);
      for (const StreamRecord& record : records) {
        uint64_t sequence = SequenceOf(record);
        if (sequence <= summary_sequence_) continue;
        summaries_.Apply(record, sequence);
        touched.insert(record.store());
        summary_sequence_ = sequence;
      }
    }
    if (!touched.empty()) {
      std::lock_guard lock(change_mutex_);
      ++version_;
      recent_.emplace_back(version_, std::move(touched));
      if (recent_.size() > kRecentBatches) recent_.pop_front();
      changed_.notify_all();
    }
  }
}

void StoreIndex::Start(std::chrono::milliseconds poll) {
  if (follower_.joinable()) return;
  follower_ = std::thread([this, poll] {
    std::unique_lock lock(change_mutex_);
    while (!stopping_) {
      lock.unlock();
      // A failed read (e.g. a busy database) is retried at the next poll.
      (void)CatchUp();
      lock.lock();
      changed_.wait_for(lock, poll, [this] { return stopping_; });
    }
  });
}

void StoreIndex::Stop() {
  {
    std::lock_guard lock(change_mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (follower_.joinable()) follower_.join();
}

std::map<std::string, StoreCounts> StoreIndex::Summaries() const {
  std::shared_lock lock(summaries_mutex_);
  return summaries_.stores();
}

std::pair<std::shared_ptr<const StockPolicy>, uint64_t> StoreIndex::Policy() const {
  std::shared_lock lock(summaries_mutex_);
  return {policy_snapshot_, policy_generation_};
}

std::optional<StoreCounts> StoreIndex::Summary(const std::string& store) const {
  std::shared_lock lock(summaries_mutex_);
  const StoreCounts* counts = summaries_.Find(store);
  if (counts == nullptr) return std::nullopt;
  return *counts;
}

Result<std::vector<HistoryPoint>> StoreIndex::History(const std::string& store,
                                                      const std::string& item, size_t limit) const {
  SqliteOptions options;
  options.read_only = true;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(history_path_, options);
  if (!db.ok()) return db.status();
  Result<SqliteStatement> select = (*db)->Prepare(
      "SELECT seq, time_ms, count FROM item_history WHERE store = ?1 AND item = ?2 "
      "ORDER BY seq DESC LIMIT ?3");
  if (!select.ok()) return select.status();
  select->Bind(1, store).Bind(2, item).Bind(3, static_cast<int64_t>(limit));
  std::vector<HistoryPoint> points;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    points.push_back(HistoryPoint{static_cast<uint64_t>(select->ColumnInt(0)), select->ColumnInt(1),
                                  select->ColumnOptionalInt(2)});
  }
  std::reverse(points.begin(), points.end());
  return points;
}

uint64_t StoreIndex::version() const {
  std::lock_guard lock(change_mutex_);
  return version_;
}

ChangedStores StoreIndex::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(change_mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ > seen || stopping_; });
  ChangedStores changes;
  changes.version = version_;
  if (version_ <= seen) return changes;
  if (recent_.empty() || recent_.front().first > seen + 1) {
    changes.all = true;
    return changes;
  }
  for (const auto& [version, stores] : recent_) {
    if (version > seen) changes.stores.insert(stores.begin(), stores.end());
  }
  return changes;
}

}  // namespace invtrack
