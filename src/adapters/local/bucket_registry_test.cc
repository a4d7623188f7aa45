// BucketRegistry: naming rules, create/list/find/delete, the main bucket,
// persistence across reopen, and deletes racing writes.
#include "adapters/local/bucket_registry.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/dir_bucket_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

namespace fs = std::filesystem;
using testing::Get;
using testing::PutString;
using testing::TempDir;

class BucketRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<DirBucket>> main =
        DirBucket::OpenDir(dir_.path() / "buckets" / "inventory", "inventory");
    ASSERT_OK(main);
    main_ = std::move(*main);
    Reopen();
  }

  void Reopen() {
    registry_.reset();
    Result<std::unique_ptr<BucketRegistry>> opened = BucketRegistry::Open(dir_.path(), main_.get());
    ASSERT_OK(opened);
    registry_ = std::move(*opened);
  }

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    Result<std::vector<BucketInfo>> listed = registry_->List();
    EXPECT_OK(listed);
    if (listed.ok()) {
      for (const BucketInfo& info : *listed) names.push_back(info.name);
    }
    return names;
  }

  TempDir dir_;
  std::unique_ptr<DirBucket> main_;
  std::unique_ptr<BucketRegistry> registry_;
};

TEST(BucketNameTest, AcceptsValidNames) {
  const std::string longest = "a" + std::string(62, 'b');
  const std::vector<std::string_view> valid = {"abc",     "my-bucket",    "my.bucket.2", "0a1",
                                               "a-b.c-d", "192.168.5.4x", "1.2.3",       longest};
  for (std::string_view name : valid) {
    Status status = BucketRegistry::ValidateName(name);
    EXPECT_TRUE(status.ok()) << name << ": " << status.ToString();
  }
}

TEST(BucketNameTest, RejectsInvalidNames) {
  const std::string too_long = "a" + std::string(63, 'b');
  const std::vector<std::string_view> invalid = {"",
                                                 "ab",
                                                 "Abc",
                                                 "ab_c",
                                                 "-abc",
                                                 "abc-",
                                                 ".abc",
                                                 "abc.",
                                                 "a..b",
                                                 "a.-b",
                                                 "a-.b",
                                                 "192.168.5.4",
                                                 "10.0.0.1",
                                                 "ab c",
                                                 "abc/def",
                                                 "..",
                                                 "xn--abc",
                                                 "abc-s3alias",
                                                 too_long,
                                                 std::string_view("ab\0c", 4),
                                                 ".buckets.db",
                                                 ".trash-x"};
  for (std::string_view name : invalid) {
    Status status = BucketRegistry::ValidateName(name);
    EXPECT_TRUE(status.IsInvalidArgument()) << "accepted \"" << name << "\"";
  }
}

TEST_F(BucketRegistryTest, MainBucketIsListedAndReturnedAsIs) {
  EXPECT_EQ(Names(), (std::vector<std::string>{"inventory"}));
  Result<DirBucket*> found = registry_->Find("inventory");
  ASSERT_OK(found);
  EXPECT_EQ(*found, main_.get());
  Result<MultipartStore*> multipart = registry_->Multipart("inventory");
  ASSERT_OK(multipart);
  EXPECT_EQ(*multipart, registry_->Multipart("inventory").value());
  EXPECT_TRUE(registry_->Create("inventory").IsAlreadyExists());
  EXPECT_TRUE(registry_->Delete("inventory").IsPermissionDenied());
}

TEST_F(BucketRegistryTest, CreateFindListAndPersist) {
  ASSERT_OK(registry_->Create("photos"));
  ASSERT_OK(registry_->Create("archive.2024"));
  EXPECT_EQ(Names(), (std::vector<std::string>{"archive.2024", "inventory", "photos"}));
  EXPECT_TRUE(registry_->Create("photos").IsAlreadyExists());
  testing::ExpectInvalidArgument(Result<bool>(registry_->Create("Bad_Name")), "bucket name");

  Result<DirBucket*> photos = registry_->Find("photos");
  ASSERT_OK(photos);
  EXPECT_EQ((*photos)->name(), "photos");
  EXPECT_EQ(registry_->Find("photos").value(), *photos);  // cached
  ASSERT_OK(PutString(**photos, "cat.jpg", "meow"));
  EXPECT_TRUE(fs::exists(dir_.path() / "buckets" / "photos" / "bucket.db"));
  EXPECT_TRUE(main_->Head("cat.jpg").status().IsNotFound());  // separate buckets

  int64_t created = registry_->List().value()[2].created_ms;
  EXPECT_GT(created, 0);
  Reopen();
  EXPECT_EQ(Names(), (std::vector<std::string>{"archive.2024", "inventory", "photos"}));
  EXPECT_EQ(registry_->List().value()[2].created_ms, created);
  Result<DirBucket*> again = registry_->Find("photos");
  ASSERT_OK(again);
  EXPECT_EQ(Get(**again, "cat.jpg").value(), "meow");
}

TEST_F(BucketRegistryTest, UnknownBucketsAreNotFound) {
  for (std::string_view name : {"nosuch", "..", "../inventory", "", "buckets"}) {
    EXPECT_TRUE(registry_->Find(name).status().IsNotFound()) << name;
    EXPECT_TRUE(registry_->Multipart(name).status().IsNotFound()) << name;
    EXPECT_TRUE(registry_->Delete(name).IsNotFound()) << name;
  }
}

TEST_F(BucketRegistryTest, DeleteRefusesNonEmptyBuckets) {
  ASSERT_OK(registry_->Create("photos"));
  DirBucket* photos = registry_->Find("photos").value();
  ASSERT_OK(PutString(*photos, "cat.jpg", "meow"));
  Status refused = registry_->Delete("photos");
  EXPECT_TRUE(refused.IsAborted()) << refused.ToString();
  EXPECT_EQ(refused.message().rfind("BucketNotEmpty", 0), 0u) << refused.message();
  ASSERT_OK(photos->Delete("cat.jpg"));

  MultipartStore* multipart = registry_->Multipart("photos").value();
  Result<MultipartUpload> upload = multipart->Create("big", {}, "tester");
  ASSERT_OK(upload);
  EXPECT_TRUE(registry_->Delete("photos").IsAborted());
  ASSERT_OK(multipart->Abort(upload->upload_id));
  // Refusals changed nothing: the bucket still works.
  ASSERT_OK(PutString(*photos, "dog.jpg", "woof"));
  ASSERT_OK(photos->Delete("dog.jpg"));

  ASSERT_OK(registry_->Delete("photos"));
  EXPECT_EQ(Names(), (std::vector<std::string>{"inventory"}));
  EXPECT_TRUE(registry_->Find("photos").status().IsNotFound());
  EXPECT_FALSE(fs::exists(dir_.path() / "buckets" / "photos"));
}

TEST_F(BucketRegistryTest, WritesThroughOldPointersFailAfterDelete) {
  ASSERT_OK(registry_->Create("photos"));
  DirBucket* photos = registry_->Find("photos").value();
  MultipartStore* multipart = registry_->Multipart("photos").value();
  ASSERT_OK(registry_->Delete("photos"));
  // The pointers stay valid, but nothing lands in the deleted bucket.
  Result<StoredObject> put = PutString(*photos, "late.jpg", "too late");
  EXPECT_FALSE(put.ok());
  EXPECT_FALSE(multipart->Create("late", {}, "tester").ok());
  // A new bucket of the same name starts empty.
  ASSERT_OK(registry_->Create("photos"));
  DirBucket* fresh = registry_->Find("photos").value();
  EXPECT_NE(fresh, photos);
  EXPECT_TRUE(fresh->IsEmpty().value());
}

TEST_F(BucketRegistryTest, CommitsRacingDeleteNeverSurviveIt) {
  ASSERT_OK(registry_->Create("racy"));
  DirBucket* racy = registry_->Find("racy").value();
  // Whatever the interleaving: either the delete is refused because the
  // object exists, or the Put fails; never a deleted bucket with an object.
  std::atomic<bool> put_ok{false};
  std::thread writer([&] { put_ok = PutString(*racy, "k", "v").ok(); });
  Status deleted = registry_->Delete("racy");
  writer.join();
  if (put_ok) {
    ASSERT_TRUE(deleted.IsAborted()) << deleted.ToString();
    EXPECT_EQ(Get(*racy, "k").value(), "v");
  } else {
    ASSERT_OK(deleted);
  }
}

TEST_F(BucketRegistryTest, OpenClearsTrashLeftByAnInterruptedDelete) {
  fs::create_directories(dir_.path() / "buckets" / ".trash-0123" / "data");
  Reopen();
  EXPECT_FALSE(fs::exists(dir_.path() / "buckets" / ".trash-0123"));
  EXPECT_TRUE(fs::exists(dir_.path() / "buckets" / "inventory" / "bucket.db"));
}

TEST_F(BucketRegistryTest, CreateReplacesAnUnregisteredLeftoverDirectory) {
  fs::create_directories(dir_.path() / "buckets" / "stale" / "data");
  Result<std::unique_ptr<DirBucket>> stale =
      DirBucket::OpenDir(dir_.path() / "buckets" / "stale", "stale");
  ASSERT_OK(stale);
  ASSERT_OK(PutString(**stale, "old", "data"));
  stale->reset();
  EXPECT_TRUE(registry_->Find("stale").status().IsNotFound());
  ASSERT_OK(registry_->Create("stale"));
  EXPECT_TRUE(registry_->Find("stale").value()->IsEmpty().value());
}

TEST(BucketRegistryWithoutMainTest, WorksWithoutAMainBucket) {
  TempDir dir;
  Result<std::unique_ptr<BucketRegistry>> registry = BucketRegistry::Open(dir.path(), nullptr);
  ASSERT_OK(registry);
  EXPECT_TRUE((*registry)->List().value().empty());
  ASSERT_OK((*registry)->Create("only"));
  EXPECT_EQ((*registry)->List().value().size(), 1u);
  ASSERT_OK((*registry)->Delete("only"));
  EXPECT_TRUE((*registry)->List().value().empty());
}

}  // namespace
}  // namespace invtrack
