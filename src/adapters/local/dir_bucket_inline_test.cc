// DirBucket: small bodies kept inline in the metadata row (no data file),
// the switch between inline and file versions of a key, garbage collection
// around inline rows, and data dirs written before inline bodies existed.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "adapters/local/sqlite_db.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::CountFiles;
using testing::Get;
using testing::Md5Hex;
using testing::Pattern;
using testing::PutString;
using testing::TempDir;
using testing::TrickleSource;

constexpr size_t kLimit = DirBucket::kInlineBodyLimit;

class DirBucketInlineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    bucket_.reset();
    Result<std::unique_ptr<DirBucket>> opened =
        DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = kLimit});
    ASSERT_OK(opened);
    bucket_ = std::move(*opened);
  }

  fs::path root() const { return dir_.path() / "bucket"; }
  int DataFiles() const { return CountFiles(root() / "data"); }

  // Runs a query on bucket.db with a connection of the test's own.
  std::string QueryText(const std::string& sql) const {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return "";
    Result<SqliteStatement> stmt = (*db)->Prepare(sql);
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return "";
    Result<bool> row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    if (!row.ok() || !*row) return "";
    return stmt->ColumnIsNull(0) ? "NULL" : stmt->ColumnString(0);
  }

  TempDir dir_;
  std::unique_ptr<DirBucket> bucket_;
};

TEST_F(DirBucketInlineTest, SmallBodyIsStoredInTheRowWithoutADataFile) {
  std::string body = Pattern(4096);
  Result<StoredObject> stored = PutString(*bucket_, "stores/a.csv", body);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->info.etag, Md5Hex(body));
  EXPECT_EQ(stored->info.size, body.size());
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(QueryText("SELECT data_file FROM objects WHERE key = 'stores/a.csv'"), "");
  EXPECT_EQ(QueryText("SELECT length(inline_body) FROM objects WHERE key = 'stores/a.csv'"),
            "4096");

  EXPECT_EQ(Get(*bucket_, "stores/a.csv").value(), body);
  Result<StoredObject> head = bucket_->Head("stores/a.csv");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.etag, Md5Hex(body));
  EXPECT_EQ(head->info.size, body.size());
  Result<OpenedObject> opened = bucket_->OpenForRead("stores/a.csv");
  ASSERT_OK(opened);
  EXPECT_EQ(opened->fd, -1);
  ASSERT_TRUE(opened->inline_body.has_value());
  EXPECT_EQ(*opened->inline_body, body);
  EXPECT_EQ(opened->object.info.etag, Md5Hex(body));
}

TEST_F(DirBucketInlineTest, EmptyBodyIsInline) {
  Result<StoredObject> stored = PutString(*bucket_, "empty", "");
  ASSERT_OK(stored);
  EXPECT_EQ(stored->info.etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(Get(*bucket_, "empty").value(), "");
  Result<OpenedObject> opened = bucket_->OpenForRead("empty");
  ASSERT_OK(opened);
  ASSERT_TRUE(opened->inline_body.has_value());
  EXPECT_EQ(*opened->inline_body, "");
}

TEST_F(DirBucketInlineTest, LimitIsInlineOneByteMoreIsAFile) {
  std::string at_limit = Pattern(kLimit, 1);
  std::string above = Pattern(kLimit + 1, 2);
  ASSERT_OK(PutString(*bucket_, "at", at_limit));
  EXPECT_EQ(DataFiles(), 0);
  // A body arriving in small pieces, as from a socket, is told apart the same way.
  TrickleSource trickle(above, 1000);
  Result<StoredObject> big = bucket_->Put("above", &trickle, PutOptions{});
  ASSERT_OK(big);
  EXPECT_EQ(big->info.etag, Md5Hex(above));
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(Get(*bucket_, "at").value(), at_limit);
  EXPECT_EQ(Get(*bucket_, "above").value(), above);
  Result<OpenedObject> opened = bucket_->OpenForRead("above");
  ASSERT_OK(opened);
  EXPECT_FALSE(opened->inline_body.has_value());
  EXPECT_GE(opened->fd, 0);
  ::close(opened->fd);
}

TEST_F(DirBucketInlineTest, OverwritesSwitchBetweenInlineAndFile) {
  std::string small1 = Pattern(100, 3);
  std::string large = Pattern(3 * kLimit, 4);
  std::string small2 = Pattern(200, 5);
  ASSERT_OK(PutString(*bucket_, "k", small1));
  EXPECT_EQ(DataFiles(), 0);
  ASSERT_OK(PutString(*bucket_, "k", large));
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(QueryText("SELECT inline_body FROM objects WHERE key = 'k'"), "NULL");
  EXPECT_EQ(Get(*bucket_, "k").value(), large);
  // The large version's file goes once the row no longer names it.
  ASSERT_OK(PutString(*bucket_, "k", small2));
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(Get(*bucket_, "k").value(), small2);
  Result<StoredObject> head = bucket_->Head("k");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.etag, Md5Hex(small2));
}

TEST_F(DirBucketInlineTest, ReaderKeepsTheVersionItOpened) {
  ASSERT_OK(PutString(*bucket_, "k", "old version"));
  Result<std::unique_ptr<ObjectStream>> reader = bucket_->Open("inventory", "k");
  ASSERT_OK(reader);
  ASSERT_OK(PutString(*bucket_, "k", "new"));
  EXPECT_EQ(testing::ReadAll(reader->get()).value(), "old version");
  EXPECT_EQ(Get(*bucket_, "k").value(), "new");
}

TEST_F(DirBucketInlineTest, DeleteRemovesAnInlineObject) {
  ASSERT_OK(PutString(*bucket_, "k", "bytes"));
  ASSERT_OK(bucket_->Delete("k"));
  EXPECT_TRUE(bucket_->Head("k").status().IsNotFound());
  EXPECT_TRUE(Get(*bucket_, "k").status().IsNotFound());
  EXPECT_TRUE(bucket_->IsEmpty().value());
}

TEST_F(DirBucketInlineTest, RejectedSmallPutsLeaveThePreviousVersion) {
  ASSERT_OK(PutString(*bucket_, "k", "kept"));
  PutOptions wrong_md5;
  wrong_md5.expected_md5_hex = Md5Hex("something else");
  Result<StoredObject> bad = PutString(*bucket_, "k", "replacement", wrong_md5);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();

  PutOptions small_limit;
  small_limit.max_size = 4;
  testing::ExpectInvalidArgument(PutString(*bucket_, "k", "12345", small_limit), "larger than 4");

  Result<StoredObject> hooked =
      PutString(*bucket_, "k", "replacement", {},
                [](SqliteDb&, const StoredObject&) { return Status::Aborted("hook says no"); });
  ASSERT_FALSE(hooked.ok());
  EXPECT_NE(hooked.status().message().find("hook says no"), std::string::npos);

  testing::FailingSource dropped("abcdef", 3);
  EXPECT_FALSE(bucket_->Put("k", &dropped, PutOptions{}).ok());

  EXPECT_EQ(Get(*bucket_, "k").value(), "kept");
  EXPECT_EQ(DataFiles(), 0);
}

TEST_F(DirBucketInlineTest, HookSeesTheInlineVersionInItsTransaction) {
  std::string seen;
  ASSERT_OK(PutString(*bucket_, "k", "row body", {}, [&](SqliteDb& db, const StoredObject& o) {
    Result<SqliteStatement> stmt = db.Prepare("SELECT inline_body FROM objects WHERE key = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, o.key);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) seen = stmt->ColumnString(0);
    return Status::OK();
  }));
  EXPECT_EQ(seen, "row body");
}

TEST_F(DirBucketInlineTest, GarbageCollectionKeepsInlineRowsAndReferencedFiles) {
  std::string large = Pattern(2 * kLimit, 6);
  ASSERT_OK(PutString(*bucket_, "small", "inline"));
  ASSERT_OK(PutString(*bucket_, "large", large));
  ASSERT_EQ(DataFiles(), 1);
  // An orphan, as a crash between rename and commit leaves.
  fs::path orphan_dir = root() / "data" / "ab";
  fs::create_directories(orphan_dir);
  std::ofstream(orphan_dir / "abababababababababababababababab") << "orphan";
  ASSERT_EQ(DataFiles(), 2);

  Reopen();
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(Get(*bucket_, "small").value(), "inline");
  EXPECT_EQ(Get(*bucket_, "large").value(), large);
}

TEST_F(DirBucketInlineTest, RowWithNeitherFileNorBodyIsCorruption) {
  ASSERT_OK(PutString(*bucket_, "k", "bytes"));
  {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("UPDATE objects SET inline_body = NULL WHERE key = 'k'"));
  }
  Result<std::string> got = Get(*bucket_, "k");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
  {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("UPDATE objects SET inline_body = x'0102' WHERE key = 'k'"));
  }
  got = Get(*bucket_, "k");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
}

// A data dir from before inline bodies: the objects table lacks the
// column and every body is a file.
class DirBucketOldLayoutTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_.path() / "bucket"; }

  void WriteOldLayout(const std::string& key, const std::string& body) {
    const std::string id = "0123456789abcdef0123456789abcdef";
    fs::create_directories(root() / "data" / "01");
    fs::create_directories(root() / "tmp");
    std::ofstream(root() / "data" / "01" / id, std::ios::binary) << body;
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec(R"sql(
CREATE TABLE objects (
  key TEXT NOT NULL COLLATE BINARY PRIMARY KEY,
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  sequencer TEXT NOT NULL,
  data_file TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), last_sequencer INTEGER NOT NULL);
INSERT INTO meta (id, last_sequencer) VALUES (1, 5);
)sql"));
    Result<SqliteStatement> insert = (*db)->Prepare(
        "INSERT INTO objects VALUES (?1, ?2, ?3, 1700000000000, 'text/csv', '{}', "
        "'0000000000000005', ?4)");
    ASSERT_OK(insert);
    std::string etag = Md5Hex(body);
    ASSERT_OK(insert->Bind(1, key)
                  .Bind(2, etag)
                  .Bind(3, static_cast<int64_t>(body.size()))
                  .Bind(4, id)
                  .Run());
  }

  TempDir dir_;
};

TEST_F(DirBucketOldLayoutTest, OldObjectsStayReadableAndNewSmallOnesGoInline) {
  WriteOldLayout("stores/old.csv", "sku,qty\nA,1\n");
  Result<std::unique_ptr<DirBucket>> bucket =
      DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = kLimit});
  ASSERT_OK(bucket);
  EXPECT_EQ(CountFiles(root() / "data"), 1);  // referenced: not garbage
  EXPECT_EQ(Get(**bucket, "stores/old.csv").value(), "sku,qty\nA,1\n");
  Result<StoredObject> head = (*bucket)->Head("stores/old.csv");
  ASSERT_OK(head);
  EXPECT_EQ(head->content_type, "text/csv");
  EXPECT_EQ(head->info.etag, Md5Hex("sku,qty\nA,1\n"));

  ASSERT_OK(PutString(**bucket, "stores/new.csv", "sku,qty\nB,2\n"));
  EXPECT_EQ(Get(**bucket, "stores/new.csv").value(), "sku,qty\nB,2\n");
  // Replacing the old file version with a small one removes its file.
  Result<StoredObject> replaced = PutString(**bucket, "stores/old.csv", "sku,qty\nA,9\n");
  ASSERT_OK(replaced);
  EXPECT_GT(replaced->info.sequencer, std::string("0000000000000005"));
  EXPECT_EQ(CountFiles(root() / "data"), 0);
  EXPECT_EQ(Get(**bucket, "stores/old.csv").value(), "sku,qty\nA,9\n");

  // And the upgraded layout opens again.
  bucket->reset();
  Result<std::unique_ptr<DirBucket>> again =
      DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = kLimit});
  ASSERT_OK(again);
  EXPECT_EQ(Get(**again, "stores/new.csv").value(), "sku,qty\nB,2\n");
}

}  // namespace
}  // namespace invtrack
