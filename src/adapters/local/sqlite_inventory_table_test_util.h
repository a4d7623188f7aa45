// The fixture and helpers shared by sqlite_inventory_table_test.cc and
// sqlite_change_stream_test.cc: a table in a temporary directory and
// shorthands for versions, rows and images.
#ifndef INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_TEST_UTIL_H_
#define INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_TEST_UTIL_H_

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/sqlite_change_stream.h"
#include "adapters/local/sqlite_inventory_table.h"
#include "fakes/in_memory_ports.h"
#include "test_util.h"

namespace invtrack {
namespace {

using testing::FixedClock;
using testing::TempDir;

// Fixed-width hex sequencers, as DirBucket issues them.
std::string Seq(uint64_t n) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llX", static_cast<unsigned long long>(n));
  return buffer;
}

FileVersion Version(std::string key, uint64_t sequencer, std::string etag = "etag-1",
                    std::string bucket = "inventory") {
  return FileVersion{
      std::move(bucket), std::move(key), std::move(etag), Seq(sequencer), 100, "admin"};
}

StockRow Row(std::string store, std::string item, int64_t count,
             std::optional<int64_t> low_threshold = std::nullopt) {
  return StockRow{std::move(store), std::move(item), count, low_threshold};
}

ItemImage Image(std::string store, std::string item, int64_t count,
                std::optional<int64_t> low_threshold = std::nullopt) {
  return ItemImage{std::move(store), std::move(item), count, low_threshold};
}

// "item-000042": names that sort in numeric order.
std::string ItemName(int i) {
  char item[32];
  std::snprintf(item, sizeof item, "item-%06d", i);
  return item;
}

class SqliteInventoryTableTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenTable(); }

  std::filesystem::path db_path() const { return dir_.path() / "inventory.db"; }

  void OpenTable() {
    table_.reset();
    Result<std::unique_ptr<SqliteInventoryTable>> table =
        SqliteInventoryTable::Open(db_path(), &clock_);
    ASSERT_OK(table);
    table_ = std::move(table).value();
  }

  std::unique_ptr<InventoryLoad> Begin(const FileVersion& version) {
    Result<LoadStart> start = table_->BeginLoad(version);
    EXPECT_OK(start);
    if (!start.ok()) return nullptr;
    EXPECT_EQ(start->check, VersionCheck::kNew);
    EXPECT_NE(start->load, nullptr);
    return std::move(start->load);
  }

  VersionCheck Check(const FileVersion& version) {
    Result<LoadStart> start = table_->BeginLoad(version);
    EXPECT_OK(start);
    if (!start.ok()) return VersionCheck::kNew;
    EXPECT_EQ(start->load != nullptr, start->check == VersionCheck::kNew);
    return start->check;
  }

  // Applies `rows` as one file; fails the test on any conflict.
  LoadStats Apply(const FileVersion& version, const std::vector<StockRow>& rows) {
    std::unique_ptr<InventoryLoad> load = Begin(version);
    if (load == nullptr) return {};
    for (const StockRow& row : rows) {
      Result<PutOutcome> put = load->Put(row);
      EXPECT_OK(put);
      if (put.ok()) {
        EXPECT_FALSE(put->conflict) << row.store << "/" << row.item;
      }
    }
    Result<LoadStats> stats = load->Commit();
    EXPECT_OK(stats);
    return stats.ok() ? *stats : LoadStats{};
  }

  std::vector<InventoryItem> Items(std::optional<std::string> store = std::nullopt) {
    std::vector<InventoryItem> items;
    EXPECT_OK(table_->ScanItems(ItemQuery{store}, [&](const InventoryItem& item) {
      items.push_back(item);
      return true;
    }));
    return items;
  }

  std::unique_ptr<SqliteChangeStream> Stream() {
    Result<std::unique_ptr<SqliteChangeStream>> stream = SqliteChangeStream::Open(db_path());
    EXPECT_OK(stream);
    return stream.ok() ? std::move(stream).value() : nullptr;
  }

  std::vector<StreamRecord> AllRecords() {
    std::unique_ptr<SqliteChangeStream> stream = Stream();
    std::vector<StreamRecord> records;
    if (stream == nullptr) return records;
    Result<size_t> read = stream->ReadAfter(0, 1000000, &records);
    EXPECT_OK(read);
    return records;
  }

  uint64_t Latest() {
    std::unique_ptr<SqliteChangeStream> stream = Stream();
    if (stream == nullptr) return 0;
    Result<uint64_t> latest = stream->LatestSequence();
    EXPECT_OK(latest);
    return latest.ok() ? *latest : 0;
  }

  static std::vector<StockRow> ManyRows(int n, const std::string& store = "Big",
                                        int64_t count = 1) {
    std::vector<StockRow> rows;
    rows.reserve(n);
    for (int i = 0; i < n; ++i) rows.push_back(Row(store, ItemName(i), count));
    return rows;
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<SqliteInventoryTable> table_;
};

}  // namespace
}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_SQLITE_INVENTORY_TABLE_TEST_UTIL_H_
