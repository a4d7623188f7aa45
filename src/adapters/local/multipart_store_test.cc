// MultipartStore: the happy path, every client error, and what is left on
// disk after Abort, Complete and a reopen.
#include "adapters/local/multipart_store.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/multipart_test_util.h"
#include "adapters/local/sqlite_db.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::ExpectedMultipartEtag;
using testing::ExpectMultipartError;
using testing::Get;
using testing::Md5Hex;
using testing::MultipartTest;
using testing::Pattern;
using testing::PutString;

using MultipartStoreTest = MultipartTest;

TEST_F(MultipartStoreTest, UploadPartsAndCompleteIntoOneObject) {
  PutOptions options;
  options.content_type = "text/csv";
  options.user_metadata = {{"Store", "Berlin"}};
  Result<MultipartUpload> upload = store_->Create("stores/b/big.csv", options, "alice");
  ASSERT_OK(upload);
  EXPECT_EQ(upload->key, "stores/b/big.csv");
  EXPECT_EQ(upload->initiator, "alice");
  EXPECT_EQ(upload->options.user_metadata.at("store"), "Berlin");
  EXPECT_GT(upload->initiated_ms, 0);
  EXPECT_EQ(upload->upload_id.find_first_not_of("0123456789abcdef"), std::string::npos);

  std::vector<std::string> bodies = {Pattern(6 << 20, 1), Pattern(5 << 20, 2), "tail"};
  std::vector<CompletedPartRef> refs;
  for (int i = 0; i < 3; ++i) {
    Result<UploadedPart> part = Part(upload->upload_id, i + 1, bodies[i]);
    ASSERT_OK(part);
    EXPECT_EQ(part->part_number, i + 1);
    EXPECT_EQ(part->etag, Md5Hex(bodies[i]));
    EXPECT_EQ(part->size, bodies[i].size());
    refs.push_back({i + 1, "\"" + part->etag + "\""});  // as clients echo it
  }
  Result<StoredObject> done = store_->Complete(upload->upload_id, refs);
  ASSERT_OK(done);
  EXPECT_EQ(done->key, "stores/b/big.csv");
  EXPECT_EQ(done->info.etag, ExpectedMultipartEtag(bodies));
  EXPECT_EQ(done->info.size, bodies[0].size() + bodies[1].size() + bodies[2].size());
  EXPECT_EQ(done->content_type, "text/csv");
  EXPECT_EQ(done->user_metadata.at("store"), "Berlin");
  EXPECT_EQ(done->info.sequencer.size(), 16u);

  EXPECT_EQ(Get(*bucket_, "stores/b/big.csv").value(), bodies[0] + bodies[1] + bodies[2]);
  Result<StoredObject> head = bucket_->Head("stores/b/big.csv");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.etag, done->info.etag);
  EXPECT_EQ(head->info.sequencer, done->info.sequencer);
  // The upload is gone, and with it every part file: only the object's remains.
  ExpectMultipartError(store_->ListParts(upload->upload_id, 0, 100), MultipartError::kNoSuchUpload);
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
  EXPECT_TRUE(store_->ListUploads("", "", "", 10).value().empty());
}

TEST_F(MultipartStoreTest, KnownEtagOfTwoParts) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, std::string(5 << 20, 'a')));
  ASSERT_OK(Part(id, 2, "b"));
  Result<StoredObject> done =
      store_->Complete(id, {{1, Md5Hex(std::string(5 << 20, 'a'))}, {2, Md5Hex("b")}});
  ASSERT_OK(done);
  // md5(md5("a"*5MiB) || md5("b")), computed independently with Python's hashlib.
  EXPECT_EQ(done->info.etag, "e5a8c5272b26fc10581a21089559b006-2");
}

TEST_F(MultipartStoreTest, SinglePartUploadMayBeSmall) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 7, "x"));
  Result<StoredObject> done = store_->Complete(id, {{7, Md5Hex("x")}});
  ASSERT_OK(done);
  EXPECT_EQ(done->info.etag, ExpectedMultipartEtag({"x"}));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "x");
}

TEST_F(MultipartStoreTest, CompleteReplacesAnExistingObjectAndItsFile) {
  ASSERT_OK(PutString(*bucket_, "big.csv", "old version"));
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "new"));
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("new")}}));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "new");
  EXPECT_EQ(DataFiles(), 1);
}

TEST_F(MultipartStoreTest, UnlistedPartsAreDiscardedToo) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "one"));
  ASSERT_OK(Part(id, 2, "two"));
  ASSERT_OK(Part(id, 3, "three"));
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("one")}, {3, Md5Hex("three")}}, {}, 1));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "onethree");
  EXPECT_EQ(DataFiles(), 1);
}

TEST_F(MultipartStoreTest, PartWithTheSameNumberReplacesTheOldOne) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "first"));
  Result<UploadedPart> again = Part(id, 1, "second");
  ASSERT_OK(again);
  EXPECT_EQ(again->etag, Md5Hex("second"));
  Result<std::vector<UploadedPart>> parts = store_->ListParts(id, 0, 100);
  ASSERT_OK(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].etag, Md5Hex("second"));
  EXPECT_EQ(DataFiles(), 1);
  ExpectMultipartError(store_->Complete(id, {{1, Md5Hex("first")}}), MultipartError::kInvalidPart);
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("second")}}));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "second");
}

TEST_F(MultipartStoreTest, ListPartsPagesByNumber) {
  std::string id = NewUpload();
  for (int number : {5, 1, 3, 10000}) ASSERT_OK(Part(id, number, std::to_string(number)));
  auto numbers = [&](int marker, size_t max) {
    std::vector<int> out;
    Result<std::vector<UploadedPart>> parts = store_->ListParts(id, marker, max);
    EXPECT_OK(parts);
    if (parts.ok()) {
      for (const UploadedPart& part : *parts) out.push_back(part.part_number);
    }
    return out;
  };
  EXPECT_EQ(numbers(0, 100), (std::vector<int>{1, 3, 5, 10000}));
  EXPECT_EQ(numbers(0, 2), (std::vector<int>{1, 3}));
  EXPECT_EQ(numbers(3, 2), (std::vector<int>{5, 10000}));
  EXPECT_EQ(numbers(10000, 2), (std::vector<int>{}));
  EXPECT_EQ(numbers(0, 0), (std::vector<int>{}));
  Result<std::vector<UploadedPart>> parts = store_->ListParts(id, 4, 1);
  ASSERT_OK(parts);
  EXPECT_EQ((*parts)[0].etag, Md5Hex("5"));
  EXPECT_EQ((*parts)[0].size, 1u);
  EXPECT_GT((*parts)[0].last_modified_ms, 0);
}

TEST_F(MultipartStoreTest, ListUploadsHonoursPrefixAndMarkers) {
  std::string a1 = NewUpload("a");
  std::string b1 = NewUpload("b/x");
  std::string b2 = NewUpload("b/x");
  std::string b3 = NewUpload("b/y");
  std::string c1 = NewUpload("c");
  ASSERT_LT(b1, b2);  // ids sort by initiation
  auto list = [&](std::string_view prefix, std::string_view key_marker, std::string_view id_marker,
                  size_t max) {
    std::vector<std::string> out;
    Result<std::vector<MultipartUpload>> uploads =
        store_->ListUploads(prefix, key_marker, id_marker, max);
    EXPECT_OK(uploads);
    if (uploads.ok()) {
      for (const MultipartUpload& upload : *uploads) out.push_back(upload.upload_id);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(list("", "", "", 100), (V{a1, b1, b2, b3, c1}));
  EXPECT_EQ(list("b/", "", "", 100), (V{b1, b2, b3}));
  EXPECT_EQ(list("", "", "", 2), (V{a1, b1}));
  EXPECT_EQ(list("", "b/x", "", 100), (V{b3, c1}));  // keys after the marker only
  EXPECT_EQ(list("", "b/x", b1, 100), (V{b2, b3, c1}));
  EXPECT_EQ(list("b/", "b/x", b2, 100), (V{b3}));
  EXPECT_EQ(list("z", "", "", 100), (V{}));
  EXPECT_EQ(list("", "", "", 0), (V{}));
  Result<std::vector<MultipartUpload>> one = store_->ListUploads("c", "", "", 10);
  ASSERT_OK(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].key, "c");
  EXPECT_EQ((*one)[0].initiator, "tester");
}

TEST_F(MultipartStoreTest, BadPartNumbersAreInvalidArgument) {
  std::string id = NewUpload();
  for (int number : {0, -1, 10001}) {
    ExpectMultipartError(Part(id, number, "x"), MultipartError::kInvalidArgument);
  }
  ASSERT_OK(Part(id, 10000, "x"));
}

TEST_F(MultipartStoreTest, UnknownUploadIdIsNoSuchUpload) {
  const std::string unknown = "00000000000000000000000000000000000000000000dead";
  ExpectMultipartError(Part(unknown, 1, "x"), MultipartError::kNoSuchUpload);
  ExpectMultipartError(store_->ListParts(unknown, 0, 10), MultipartError::kNoSuchUpload);
  ExpectMultipartError(store_->Abort(unknown), MultipartError::kNoSuchUpload);
  ExpectMultipartError(store_->Complete(unknown, {{1, Md5Hex("x")}}),
                       MultipartError::kNoSuchUpload);
  ExpectMultipartError(Part("../../etc/passwd", 1, "x"), MultipartError::kNoSuchUpload);
  EXPECT_TRUE(store_->Abort(unknown).IsNotFound());
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(MultipartStoreTest, WrongOrMissingPartsAreInvalidPart) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, std::string(2000, 'a')));
  ASSERT_OK(Part(id, 2, "b"));
  std::string a = Md5Hex(std::string(2000, 'a'));
  ExpectMultipartError(store_->Complete(id, {{1, a}, {2, Md5Hex("c")}}, {}, kSmallMin),
                       MultipartError::kInvalidPart);
  ExpectMultipartError(store_->Complete(id, {{1, a}, {3, Md5Hex("b")}}, {}, kSmallMin),
                       MultipartError::kInvalidPart);
  ExpectMultipartError(store_->Complete(id, {{1, a}, {2, ""}}, {}, kSmallMin),
                       MultipartError::kInvalidPart);
  ExpectMultipartError(store_->Complete(id, {{0, a}}, {}, kSmallMin), MultipartError::kInvalidPart);
  ExpectMultipartError(store_->Complete(id, {}, {}, kSmallMin), MultipartError::kInvalidArgument);
  // Upper case and quotes are how some clients echo ETags: accepted.
  std::string upper = Md5Hex("b");
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  ASSERT_OK(store_->Complete(id, {{1, "\"" + a + "\""}, {2, upper}}, {}, kSmallMin));
}

TEST_F(MultipartStoreTest, PartsOutOfOrderOrRepeatedAreInvalidPartOrder) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "a"));
  ASSERT_OK(Part(id, 2, "b"));
  ExpectMultipartError(store_->Complete(id, {{2, Md5Hex("b")}, {1, Md5Hex("a")}}, {}, 1),
                       MultipartError::kInvalidPartOrder);
  ExpectMultipartError(store_->Complete(id, {{1, Md5Hex("a")}, {1, Md5Hex("a")}}, {}, 1),
                       MultipartError::kInvalidPartOrder);
  ASSERT_OK(store_->ListParts(id, 0, 10));  // still there
}

TEST_F(MultipartStoreTest, SmallPartsButTheLastAreEntityTooSmall) {
  std::string id = NewUpload();
  std::string big(kSmallMin, 'x');
  ASSERT_OK(Part(id, 1, big));
  ASSERT_OK(Part(id, 2, "tiny"));
  ASSERT_OK(Part(id, 3, big));
  ExpectMultipartError(
      store_->Complete(id, {{1, Md5Hex(big)}, {2, Md5Hex("tiny")}, {3, Md5Hex(big)}}, {},
                       kSmallMin),
      MultipartError::kEntityTooSmall);
  // With the default minimum of 5 MiB, even part 1 is too small.
  ExpectMultipartError(store_->Complete(id, {{1, Md5Hex(big)}, {2, Md5Hex("tiny")}}),
                       MultipartError::kEntityTooSmall);
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex(big)}, {2, Md5Hex("tiny")}}, {}, kSmallMin));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), big + "tiny");
}

TEST_F(MultipartStoreTest, PartContentMd5AndMaxSizeAreChecked) {
  std::string id = NewUpload();
  StringByteSource wrong("body");
  Result<UploadedPart> bad = store_->PutPart(id, 1, &wrong, Md5Hex("other"), std::nullopt);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruption());
  EXPECT_EQ(MultipartErrorOf(bad.status()), std::nullopt);
  StringByteSource big("body");
  Result<UploadedPart> too_big = store_->PutPart(id, 1, &big, std::nullopt, 3);
  testing::ExpectInvalidArgument(too_big, "object larger than 3");
  EXPECT_EQ(MultipartErrorOf(too_big.status()), std::nullopt);
  StringByteSource right("body");
  ASSERT_OK(store_->PutPart(id, 1, &right, Md5Hex("body"), 4));
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(MultipartStoreTest, CreateRejectsBadKeysAndMetadata) {
  testing::ExpectInvalidArgument(store_->Create("", {}, "x"), "empty");
  PutOptions options;
  options.user_metadata = {{"name", std::string("\xff")}};
  testing::ExpectInvalidArgument(store_->Create("k", options, "x"), "UTF-8");
}

TEST_F(MultipartStoreTest, AbortRemovesTheUploadAndItsFiles) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "a"));
  ASSERT_OK(Part(id, 2, "b"));
  EXPECT_EQ(DataFiles(), 2);
  ASSERT_OK(store_->Abort(id));
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_TRUE(bucket_->IsEmpty().value());
  ExpectMultipartError(Part(id, 3, "c"), MultipartError::kNoSuchUpload);
  ExpectMultipartError(store_->Complete(id, {{1, Md5Hex("a")}}, {}, 1),
                       MultipartError::kNoSuchUpload);
  EXPECT_TRUE(bucket_->Head("big.csv").status().IsNotFound());
}

TEST_F(MultipartStoreTest, FailingHookLeavesPreviousVersionAndParts) {
  ASSERT_OK(PutString(*bucket_, "big.csv", "previous"));
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "new"));
  int calls = 0;
  DirBucket::CommitHook failing = [&](SqliteDb&, const StoredObject& object) {
    ++calls;
    EXPECT_EQ(object.info.etag, ExpectedMultipartEtag({"new"}));
    return Status::Unavailable("queue is full");
  };
  Result<StoredObject> done = store_->Complete(id, {{1, Md5Hex("new")}}, failing, 1);
  ASSERT_FALSE(done.ok());
  EXPECT_TRUE(done.status().IsUnavailable());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "previous");
  ASSERT_OK(store_->ListParts(id, 0, 10));
  // The part's file is still there; "previous" is small, so it lives in
  // its row rather than in a data file.
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
  // Nothing was lost: it can be completed now.
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("new")}}, {}, 1));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "new");
  EXPECT_EQ(DataFiles(), 1);
}

TEST_F(MultipartStoreTest, HookWritesCommitWithTheObject) {
  {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("CREATE TABLE events (key TEXT, etag TEXT)"));
  }
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "body"));
  DirBucket::CommitHook insert = [](SqliteDb& db, const StoredObject& object) -> Status {
    Result<SqliteStatement> stmt = db.Prepare("INSERT INTO events VALUES (?1, ?2)");
    if (!stmt.ok()) return stmt.status();
    return stmt->Bind(1, object.key).Bind(2, object.info.etag).Run();
  };
  Result<StoredObject> done = store_->Complete(id, {{1, Md5Hex("body")}}, insert, 1);
  ASSERT_OK(done);
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(root() / "bucket.db");
  ASSERT_OK(db);
  Result<SqliteStatement> stmt = (*db)->Prepare("SELECT key, etag FROM events");
  ASSERT_OK(stmt);
  ASSERT_TRUE(stmt->Step().value());
  EXPECT_EQ(stmt->ColumnString(0), "big.csv");
  EXPECT_EQ(stmt->ColumnString(1), done->info.etag);
  EXPECT_FALSE(stmt->Step().value());
}

TEST_F(MultipartStoreTest, ReopenKeepsPartFilesButCollectsOrphans) {
  std::string id = NewUpload();
  ASSERT_OK(Part(id, 1, "kept part"));
  const std::string orphan = "cd0123456789abcdef0123456789abcd";
  fs::create_directories(root() / "data" / "cd");
  std::ofstream(root() / "data" / "cd" / orphan) << "orphan";
  std::ofstream(root() / "tmp" / "0123456789abcdef0123456789abcdef.tmp") << "partial part";
  Reopen();
  EXPECT_FALSE(fs::exists(root() / "data" / "cd" / orphan));
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("kept part")}}, {}, 1));
  EXPECT_EQ(Get(*bucket_, "big.csv").value(), "kept part");
}

TEST(MultipartErrorTest, RecognizesOnlyItsOwnStatuses) {
  EXPECT_EQ(MultipartErrorOf(Status::OK()), std::nullopt);
  EXPECT_EQ(MultipartErrorOf(Status::NotFound("no such key")), std::nullopt);
  EXPECT_EQ(MultipartErrorOf(Status::InvalidArgument("NoSuchUpload")), std::nullopt);
  EXPECT_EQ(MultipartErrorOf(Status::NotFound("InvalidPart")), std::nullopt);
  EXPECT_EQ(MultipartErrorOf(Status::InvalidArgument("InvalidPartOrder", "x")),
            MultipartError::kInvalidPartOrder);
  EXPECT_EQ(MultipartErrorOf(Status::InvalidArgument("InvalidPart", "x")),
            MultipartError::kInvalidPart);
  EXPECT_EQ(MultipartErrorOf(Status::NotFound("NoSuchUpload", "x")), MultipartError::kNoSuchUpload);
  EXPECT_EQ(MultipartErrorCode(MultipartError::kEntityTooSmall), "EntityTooSmall");
}

}  // namespace
}  // namespace invtrack
