#include "adapters/local/dir_bucket.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/dir_bucket_internal.h"
#include "adapters/local/dir_bucket_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::CountFiles;
using testing::FailingSource;
using testing::Get;
using testing::Pattern;
using testing::PutString;
using testing::TempDir;
using testing::TrickleSource;

class DirBucketTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    bucket_.reset();
    // Every body a data file: these tests cover the file layout (inline
    // bodies have dir_bucket_inline_test.cc).
    Result<std::unique_ptr<DirBucket>> opened =
        DirBucket::OpenDir(root(), "inventory", DirBucketOptions{.inline_body_limit = 0});
    ASSERT_OK(opened);
    bucket_ = std::move(*opened);
  }

  fs::path root() const { return dir_.path() / "bucket"; }
  int DataFiles() const { return CountFiles(root() / "data"); }
  int TmpFiles() const { return CountFiles(root() / "tmp"); }

  std::vector<std::string> Keys(std::string_view prefix, std::string_view start_after,
                                size_t limit = 1000) {
    Result<std::vector<StoredObject>> listed = bucket_->List(prefix, start_after, limit);
    EXPECT_OK(listed);
    std::vector<std::string> keys;
    if (listed.ok()) {
      for (const StoredObject& object : *listed) keys.push_back(object.key);
    }
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<DirBucket> bucket_;
};

TEST_F(DirBucketTest, PutThenGetRoundTrips) {
  int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Result<StoredObject> put = PutString(*bucket_, "stores/s1/a.csv", "hello, bucket");
  ASSERT_OK(put);
  EXPECT_EQ(put->key, "stores/s1/a.csv");
  EXPECT_EQ(put->info.etag, "cdae5a006da7601f4ecb89d98b19b881");
  EXPECT_EQ(put->info.size, 13u);
  EXPECT_GE(put->info.last_modified_ms, before_ms);
  EXPECT_EQ(put->info.sequencer.size(), 16u);
  EXPECT_EQ(put->info.sequencer.find_first_not_of("0123456789abcdef"), std::string::npos);

  Result<std::unique_ptr<ObjectStream>> stream = bucket_->Open("inventory", "stores/s1/a.csv");
  ASSERT_OK(stream);
  EXPECT_EQ((*stream)->info().etag, put->info.etag);
  EXPECT_EQ((*stream)->info().size, 13u);
  EXPECT_EQ((*stream)->info().last_modified_ms, put->info.last_modified_ms);
  EXPECT_EQ((*stream)->info().sequencer, put->info.sequencer);
  Result<std::string> body = testing::ReadAll(stream->get(), 5);
  ASSERT_OK(body);
  EXPECT_EQ(*body, "hello, bucket");

  Result<StoredObject> head = bucket_->Head("stores/s1/a.csv");
  ASSERT_OK(head);
  EXPECT_EQ(head->info.etag, put->info.etag);
  EXPECT_EQ(head->info.sequencer, put->info.sequencer);
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketTest, EmptyBody) {
  Result<StoredObject> put = PutString(*bucket_, "empty", "");
  ASSERT_OK(put);
  EXPECT_EQ(put->info.etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(put->info.size, 0u);
  Result<std::string> body = Get(*bucket_, "empty");
  ASSERT_OK(body);
  EXPECT_EQ(*body, "");
}

TEST_F(DirBucketTest, MultiMegabyteBodyHasKnownMd5) {
  std::string big = Pattern(5 * 1024 * 1024 + 123);
  TrickleSource source(big, 100 * 1000);  // chunks that straddle the write size
  Result<StoredObject> put = bucket_->Put("big.csv", &source, {});
  ASSERT_OK(put);
  EXPECT_EQ(put->info.etag, "2a7e5fe08cd0effd855ef5809be41f1d");  // from md5sum
  EXPECT_EQ(put->info.size, big.size());
  Result<std::string> body = Get(*bucket_, "big.csv");
  ASSERT_OK(body);
  EXPECT_TRUE(*body == big);
}

TEST_F(DirBucketTest, PreservesContentTypeAndMetadata) {
  PutOptions options;
  options.content_type = "text/csv; charset=utf-8";
  options.user_metadata = {{"Store", "S1"}, {"x-note", "caf\xC3\xA9 \"quoted\""}};
  ASSERT_OK(PutString(*bucket_, "k", "x", options));
  std::map<std::string, std::string> expected = {{"store", "S1"},
                                                 {"x-note", "caf\xC3\xA9 \"quoted\""}};
  for (bool reopen : {false, true}) {
    if (reopen) Reopen();
    Result<StoredObject> head = bucket_->Head("k");
    ASSERT_OK(head);
    EXPECT_EQ(head->content_type, "text/csv; charset=utf-8");
    EXPECT_EQ(head->user_metadata, expected);
    Result<std::vector<StoredObject>> listed = bucket_->List("", "", 10);
    ASSERT_OK(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].content_type, "text/csv; charset=utf-8");
    EXPECT_EQ((*listed)[0].user_metadata, expected);
  }
  EXPECT_EQ(PutString(*bucket_, "k", "x").value().content_type, "application/octet-stream");
}

TEST_F(DirBucketTest, RejectsMetadataThatIsNotUtf8) {
  PutOptions options;
  options.user_metadata = {{"note", "\xFF"}};
  Status status = PutString(*bucket_, "k", "x", options).status();
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_EQ(DataFiles(), 0);
}

TEST_F(DirBucketTest, EnforcesMaxSize) {
  PutOptions options;
  options.max_size = 10;
  ASSERT_OK(PutString(*bucket_, "k", "0123456789", options));
  Status status = PutString(*bucket_, "k", "0123456789A", options).status();
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_NE(status.message().find("object larger than 10 bytes"), std::string::npos);
  EXPECT_EQ(Get(*bucket_, "k").value(), "0123456789");
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);

  // Rejected before the whole body is read: the source would fail later.
  std::string big = Pattern(3 * 1024 * 1024);
  FailingSource source(big, big.size() - 1);
  options.max_size = 1024 * 1024;
  status = bucket_->Put("big", &source, options).status();
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_EQ(TmpFiles(), 0);
  EXPECT_TRUE(bucket_->Head("big").status().IsNotFound());
}

TEST_F(DirBucketTest, FailingSourceLeavesPreviousVersionAndNoGarbage) {
  Result<StoredObject> first = PutString(*bucket_, "k", "version one");
  ASSERT_OK(first);
  std::string big = Pattern(2 * 1024 * 1024);
  FailingSource source(big, 1536 * 1024);  // fails after a few written chunks
  Status status = bucket_->Put("k", &source, {}).status();
  EXPECT_TRUE(status.IsIOError()) << status.ToString();
  EXPECT_NE(status.message().find("connection reset by test"), std::string::npos);

  EXPECT_EQ(Get(*bucket_, "k").value(), "version one");
  EXPECT_EQ(bucket_->Head("k").value().info.sequencer, first->info.sequencer);
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketTest, PathLikeKeysAreJustKeysInsideRoot) {
  std::vector<std::string> keys = {"../../etc/passwd", "/abs", "a/./b", "a//b", "a/b", "..", "./x"};
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_OK(PutString(*bucket_, keys[i], "body " + std::to_string(i)));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(Get(*bucket_, keys[i]).value(), "body " + std::to_string(i)) << keys[i];
  }
  std::set<std::string> sorted(keys.begin(), keys.end());
  EXPECT_EQ(Keys("", ""), std::vector<std::string>(sorted.begin(), sorted.end()));

  // Nothing beside the bucket directory, and inside it only our own layout.
  std::vector<fs::path> beside;
  for (const auto& entry : fs::directory_iterator(dir_.path())) beside.push_back(entry.path());
  EXPECT_EQ(beside, std::vector<fs::path>{root()});
  std::set<std::string> allowed_top = {"bucket.db", "bucket.db-wal", "bucket.db-shm",
                                       "bucket.lock"};
  int data_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root())) {
    if (!entry.is_regular_file()) continue;
    fs::path relative = fs::relative(entry.path(), root());
    std::string name = relative.filename().string();
    if (relative.parent_path().empty()) {
      EXPECT_TRUE(allowed_top.count(name)) << relative;
    } else {
      EXPECT_EQ(relative.parent_path(), fs::path("data") / name.substr(0, 2)) << relative;
      EXPECT_TRUE(dir_bucket_internal::IsHexId(name)) << relative;
      ++data_files;
    }
  }
  EXPECT_EQ(data_files, static_cast<int>(keys.size()));
}

TEST_F(DirBucketTest, CaseAndUnicodeNormalizationVariantsAreDistinct) {
  const std::string nfc = "caf\xC3\xA9.csv";   // U+00E9
  const std::string nfd = "cafe\xCC\x81.csv";  // e + U+0301
  ASSERT_OK(PutString(*bucket_, "Key", "upper"));
  ASSERT_OK(PutString(*bucket_, "key", "lower"));
  ASSERT_OK(PutString(*bucket_, nfc, "composed"));
  ASSERT_OK(PutString(*bucket_, nfd, "decomposed"));
  EXPECT_EQ(Get(*bucket_, "Key").value(), "upper");
  EXPECT_EQ(Get(*bucket_, "key").value(), "lower");
  EXPECT_EQ(Get(*bucket_, nfc).value(), "composed");
  EXPECT_EQ(Get(*bucket_, nfd).value(), "decomposed");
  EXPECT_TRUE(bucket_->Head("KEY").status().IsNotFound());
  EXPECT_EQ(Keys("", "").size(), 4u);
}

TEST_F(DirBucketTest, RejectsBadKeys) {
  const std::vector<std::string> bad = {
      "",
      std::string("a\0b", 3),
      std::string(1025, 'k'),
      "\xC3",              // truncated sequence
      "a\x80",             // stray continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xFF",
  };
  for (const std::string& key : bad) {
    Status status = DirBucket::ValidateKey(key);
    EXPECT_TRUE(status.IsInvalidArgument()) << ::testing::PrintToString(key);
    Status put = PutString(*bucket_, key, "x").status();
    EXPECT_TRUE(put.IsInvalidArgument()) << put.ToString();
    EXPECT_TRUE(bucket_->Head(key).status().IsInvalidArgument());
  }
  EXPECT_NE(DirBucket::ValidateKey("").message().find("empty"), std::string::npos);
  EXPECT_NE(DirBucket::ValidateKey(std::string("a\0b", 3)).message().find("NUL"),
            std::string::npos);
  EXPECT_NE(DirBucket::ValidateKey(std::string(1025, 'k')).message().find("1024"),
            std::string::npos);
  EXPECT_NE(DirBucket::ValidateKey("\xC0\xAF").message().find("UTF-8"), std::string::npos);
  EXPECT_EQ(DataFiles(), 0);
  EXPECT_EQ(TmpFiles(), 0);
}

TEST_F(DirBucketTest, AcceptsLongestKeyAndAllPlanes) {
  std::string longest(1024, 'k');
  ASSERT_OK(PutString(*bucket_, longest, "long"));
  EXPECT_EQ(Get(*bucket_, longest).value(), "long");
  for (std::string key :
       {"\x7F", "\xC2\x80", "\xEF\xBF\xBF", "\xF0\x9F\x93\xA6 box", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_OK(DirBucket::ValidateKey(key));
  }
}

TEST_F(DirBucketTest, MissingKeyAndWrongBucketAreNotFound) {
  Status head = bucket_->Head("stores/s1/missing.csv").status();
  EXPECT_TRUE(head.IsNotFound());
  EXPECT_NE(head.message().find("stores/s1/missing.csv"), std::string::npos);
  Status open = bucket_->Open("inventory", "stores/s1/missing.csv").status();
  EXPECT_TRUE(open.IsNotFound());
  EXPECT_NE(open.message().find("stores/s1/missing.csv"), std::string::npos);

  ASSERT_OK(PutString(*bucket_, "k", "x"));
  Status other = bucket_->Open("other-bucket", "k").status();
  EXPECT_TRUE(other.IsNotFound());
  EXPECT_NE(other.message().find("other-bucket"), std::string::npos);
}

TEST_F(DirBucketTest, DeleteRemovesRowAndFile) {
  ASSERT_OK(PutString(*bucket_, "k", "x"));
  ASSERT_OK(PutString(*bucket_, "keep", "y"));
  EXPECT_EQ(DataFiles(), 2);
  EXPECT_OK(bucket_->Delete("k"));
  EXPECT_TRUE(bucket_->Head("k").status().IsNotFound());
  EXPECT_TRUE(bucket_->Open("inventory", "k").status().IsNotFound());
  EXPECT_EQ(DataFiles(), 1);
  EXPECT_OK(bucket_->Delete("k"));  // absent: still OK, as on S3
  EXPECT_OK(bucket_->Delete("never-there"));
  EXPECT_EQ(Get(*bucket_, "keep").value(), "y");
}

TEST_F(DirBucketTest, ListHonoursPrefixStartAfterAndLimit) {
  for (std::string key : {"b", "a/3", "a", "a/1", "a0", "a/2", "ab"}) {
    ASSERT_OK(PutString(*bucket_, key, key));
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys("", ""), (V{"a", "a/1", "a/2", "a/3", "a0", "ab", "b"}));
  EXPECT_EQ(Keys("a/", ""), (V{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(Keys("a/", "a/1"), (V{"a/2", "a/3"}));
  EXPECT_EQ(Keys("a/", "0"), (V{"a/1", "a/2", "a/3"}));  // start_after before the prefix
  EXPECT_EQ(Keys("a/", "a/3"), V{});
  EXPECT_EQ(Keys("a/", "zzz"), V{});
  EXPECT_EQ(Keys("a/", "", 2), (V{"a/1", "a/2"}));
  EXPECT_EQ(Keys("", "a0"), (V{"ab", "b"}));
  EXPECT_EQ(Keys("", "", 0), V{});
  EXPECT_EQ(Keys("c", ""), V{});
  EXPECT_EQ(Keys(std::string_view(), std::string_view()).size(), 7u);

  Result<std::vector<StoredObject>> listed = bucket_->List("a/", "", 1);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].info.etag, testing::Md5Hex("a/1"));
  EXPECT_EQ((*listed)[0].info.size, 3u);
}

TEST_F(DirBucketTest, ListPagesThroughEverythingInByteOrder) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; ++i) keys.push_back("p/" + std::to_string(i * 7919 % 101));
  keys.push_back("p/\xC3\xA9");          // sorts after all ASCII
  keys.push_back("p/\xF0\x9F\x93\xA6");  // and a four-byte character after that
  for (const std::string& key : keys) ASSERT_OK(PutString(*bucket_, key, key));
  std::sort(keys.begin(), keys.end());  // std::string compares bytes as unsigned

  std::vector<std::string> paged;
  std::string after;
  for (;;) {
    std::vector<std::string> page = Keys("p/", after, 4);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 4u);
    paged.insert(paged.end(), page.begin(), page.end());
    after = page.back();
  }
  EXPECT_EQ(paged, keys);
}

TEST_F(DirBucketTest, ListPrefixEndingInHighBytes) {
  const std::string max_char = "\xF4\x8F\xBF\xBF";  // U+10FFFF: bytes up to 0xBF
  for (std::string key :
       {"x" + max_char, "x" + max_char + "z", std::string("x\xF4\x8F\xBF\xBE"), std::string("y")}) {
    ASSERT_OK(PutString(*bucket_, key, "v"));
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys("x" + max_char, ""), (V{"x" + max_char, "x" + max_char + "z"}));
  EXPECT_EQ(Keys("x\xF4\x8F\xBF", ""),
            (V{"x\xF4\x8F\xBF\xBE", "x" + max_char, "x" + max_char + "z"}));
  // Bytes that UTF-8 never uses: the bound must carry past them, not wrap.
  EXPECT_EQ(Keys("x\xFF", ""), V{});
  EXPECT_EQ(Keys("x\xFF\xFF", ""), V{});
  EXPECT_EQ(Keys("\xFF", ""), V{});
  EXPECT_EQ(Keys("x", "x\xFF"), V{});
  EXPECT_EQ(Keys("", "x\xFF"), V{"y"});
}

TEST(DirBucketInternalTest, PrefixUpperBound) {
  using dir_bucket_internal::PrefixUpperBound;
  EXPECT_EQ(PrefixUpperBound("ab"), "ac");
  EXPECT_EQ(PrefixUpperBound("a\xFE"), "a\xFF");
  EXPECT_EQ(PrefixUpperBound("a\xFF"), "b");
  EXPECT_EQ(PrefixUpperBound("a\x7F\xFF\xFF"), "a\x80");
  EXPECT_EQ(PrefixUpperBound("\xFF\xFF"), std::nullopt);
  EXPECT_EQ(PrefixUpperBound(""), std::nullopt);
}

TEST(DirBucketInternalTest, SequencerFormat) {
  using dir_bucket_internal::FormatSequencer;
  using dir_bucket_internal::ParseSequencer;
  EXPECT_EQ(FormatSequencer(0), "0000000000000000");
  EXPECT_EQ(FormatSequencer(0x17f0a1b2c3d4e5f6u), "17f0a1b2c3d4e5f6");
  EXPECT_EQ(ParseSequencer("17f0a1b2c3d4e5f6"), 0x17f0a1b2c3d4e5f6u);
  EXPECT_EQ(ParseSequencer("xyz"), std::nullopt);
  EXPECT_EQ(ParseSequencer(""), std::nullopt);
}

TEST_F(DirBucketTest, ReopenKeepsObjectsAndCollectsOrphans) {
  ASSERT_OK(PutString(*bucket_, "k", "kept"));
  bucket_.reset();
  // What a crash leaves: a half-written upload and a renamed, uncommitted file.
  const std::string orphan = "ab0123456789abcdef0123456789abcd";
  std::ofstream(root() / "tmp" / "0123456789abcdef0123456789abcdef.tmp") << "partial";
  fs::create_directories(root() / "data" / "ab");
  std::ofstream(root() / "data" / "ab" / orphan) << "orphan";
  std::ofstream(root() / "data" / "ab" / "README") << "not ours";  // not a data file name
  EXPECT_EQ(DataFiles(), 3);

  Reopen();
  EXPECT_EQ(TmpFiles(), 0);
  EXPECT_FALSE(fs::exists(root() / "data" / "ab" / orphan));
  EXPECT_TRUE(fs::exists(root() / "data" / "ab" / "README"));
  EXPECT_EQ(DataFiles(), 2);
  EXPECT_EQ(Get(*bucket_, "k").value(), "kept");
}

TEST_F(DirBucketTest, OpenLeavesFilesAloneWhileAnotherInstanceMayBeWriting) {
  // With `bucket_` open, a file in tmp/ may be its upload in progress.
  std::ofstream(root() / "tmp" / "0123456789abcdef0123456789abcdef.tmp") << "in flight";
  Result<std::unique_ptr<DirBucket>> second = DirBucket::OpenDir(root(), "inventory");
  ASSERT_OK(second);
  EXPECT_EQ(TmpFiles(), 1);
  second->reset();
  bucket_.reset();
  Reopen();  // now alone: collected
  EXPECT_EQ(TmpFiles(), 0);
}

}  // namespace
}  // namespace invtrack
