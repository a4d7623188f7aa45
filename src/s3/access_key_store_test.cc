#include "s3/access_key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "s3/access_policy.h"
#include "test_util.h"

namespace invtrack {
namespace {

TEST(AccessKeyStoreTest, CreateFindListRevoke) {
  testing::TempDir dir;
  Result<std::unique_ptr<AccessKeyStore>> store = AccessKeyStore::Open(dir.path() / "keys.db");
  ASSERT_OK(store.status());
  Result<AccessKey> admin = (*store)->Create(std::nullopt, "ops");
  ASSERT_OK(admin.status());
  Result<AccessKey> berlin = (*store)->Create("Berlin", "");
  ASSERT_OK(berlin.status());
  EXPECT_TRUE(admin->admin());
  EXPECT_FALSE(berlin->admin());
  EXPECT_EQ(admin->access_key_id.size(), 20u);
  EXPECT_TRUE(admin->access_key_id.starts_with("IT"));
  EXPECT_EQ(admin->secret_access_key.size(), 40u);
  EXPECT_NE(admin->access_key_id, berlin->access_key_id);
  EXPECT_NE(admin->secret_access_key, berlin->secret_access_key);

  Result<AccessKey> found = (*store)->Find(berlin->access_key_id);
  ASSERT_OK(found.status());
  EXPECT_EQ(found->secret_access_key, berlin->secret_access_key);
  EXPECT_EQ(found->store, "Berlin");
  Result<std::vector<AccessKey>> list = (*store)->List();
  ASSERT_OK(list.status());
  EXPECT_EQ(list->size(), 2u);

  ASSERT_OK((*store)->Revoke(berlin->access_key_id));
  EXPECT_TRUE((*store)->Find(berlin->access_key_id).status().IsNotFound());
  EXPECT_TRUE((*store)->Revoke(berlin->access_key_id).IsNotFound());
  EXPECT_TRUE((*store)->Find("ITNOSUCHKEY").status().IsNotFound());
}

TEST(AccessKeyStoreTest, SeesKeysCreatedAndRevokedByAnotherProcess) {
  testing::TempDir dir;
  Result<std::unique_ptr<AccessKeyStore>> server = AccessKeyStore::Open(dir.path() / "keys.db");
  ASSERT_OK(server.status());
  ASSERT_TRUE((*server)->Find("ITX").status().IsNotFound());  // loads the (empty) cache
  Result<std::unique_ptr<AccessKeyStore>> cli = AccessKeyStore::Open(dir.path() / "keys.db");
  ASSERT_OK(cli.status());
  Result<AccessKey> key = (*cli)->Create("Pusan", "");
  ASSERT_OK(key.status());
  ASSERT_OK((*server)->Find(key->access_key_id).status());
  ASSERT_OK((*cli)->Revoke(key->access_key_id));
  EXPECT_TRUE((*server)->Find(key->access_key_id).status().IsNotFound());
}

TEST(AccessKeyStoreTest, FileIsPrivateAndBadStoresAreRefused) {
  testing::TempDir dir;
  Result<std::unique_ptr<AccessKeyStore>> store = AccessKeyStore::Open(dir.path() / "keys.db");
  ASSERT_OK(store.status());
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "keys.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  testing::ExpectInvalidArgument((*store)->Create("", ""), "store name");
  testing::ExpectInvalidArgument((*store)->Create("a/b", ""), "store name");
}

TEST(AccessKeyStoreTest, LocalCliKeyIsCreatedOnceAndIsAdmin) {
  testing::TempDir dir;
  Result<std::unique_ptr<AccessKeyStore>> store = AccessKeyStore::Open(dir.path() / "keys.db");
  ASSERT_OK(store.status());
  Result<AccessKey> first = (*store)->LocalCliKey();
  ASSERT_OK(first.status());
  Result<AccessKey> second = (*store)->LocalCliKey();
  ASSERT_OK(second.status());
  EXPECT_EQ(first->access_key_id, second->access_key_id);
  EXPECT_TRUE(first->admin());
}

TEST(AccessPolicyTest, StoreKeysStayUnderTheirPrefixInThePipelineBucket) {
  AccessKey admin;
  AccessKey berlin;
  berlin.store = "Berlin";
  EXPECT_TRUE(MayAccessObject(admin, "inventory", "other", "x"));
  EXPECT_TRUE(MayAccessObject(berlin, "inventory", "inventory", "stores/Berlin/a.csv"));
  EXPECT_FALSE(MayAccessObject(berlin, "inventory", "inventory", "stores/Berlinx/a.csv"));
  EXPECT_FALSE(MayAccessObject(berlin, "inventory", "inventory", "stores/Pusan/a.csv"));
  EXPECT_FALSE(MayAccessObject(berlin, "inventory", "other", "stores/Berlin/a.csv"));
  EXPECT_FALSE(MayListPrefix(berlin, "inventory", "inventory", ""));
  EXPECT_FALSE(MayListPrefix(berlin, "inventory", "inventory", "stores/"));
  EXPECT_TRUE(MayListPrefix(berlin, "inventory", "inventory", "stores/Berlin/"));
  EXPECT_TRUE(MayInspectBucket(berlin, "inventory", "inventory"));
  EXPECT_FALSE(MayInspectBucket(berlin, "inventory", "other"));
}

}  // namespace
}  // namespace invtrack
