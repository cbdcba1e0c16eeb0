#include "storage/meta/meta_db.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cairn::storage::meta {
namespace {

TEST(MetaDbTest, GetPutDeleteBatchIterate) {
  testing::TempDir dir;
  auto db = MetaDb::Open(dir.path() + "/db", MetaOptions{});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::string v;
  EXPECT_EQ((*db)->Get("a", &v).code(), Code::kNotFound);
  ASSERT_TRUE((*db)->Put("a", "1", true).ok());
  ASSERT_TRUE((*db)->Get("a", &v).ok());
  EXPECT_EQ(v, "1");

  WriteBatch batch;
  batch.Put("b", "2");
  batch.Put(std::string("c\0d", 3), std::string("\0", 1));
  batch.Put("\xff", "high");
  batch.Delete("a");
  EXPECT_EQ(batch.count(), 4u);
  ASSERT_TRUE((*db)->Write(batch, true).ok());
  EXPECT_EQ((*db)->Get("a", &v).code(), Code::kNotFound);

  std::vector<std::string> keys;
  auto it = (*db)->NewIterator();
  for (it->Seek(""); it->Valid(); it->Next()) keys.emplace_back(it->key());
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"b", std::string("c\0d", 3), "\xff"}));

  // An upper bound stops the scan; Seek lands on the first key >= target.
  auto bounded = (*db)->NewIterator("c");
  bounded->Seek("a");
  ASSERT_TRUE(bounded->Valid());
  EXPECT_EQ(bounded->key(), "b");
  bounded->Next();
  EXPECT_FALSE(bounded->Valid());
  ASSERT_TRUE((*db)->Delete("b", false).ok());
}

TEST(MetaDbTest, ReopenKeepsDataAndLocksOutSecondOpener) {
  testing::TempDir dir;
  {
    auto db = MetaDb::Open(dir.path() + "/db", MetaOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put("k", "v", true).ok());
    auto second = MetaDb::Open(dir.path() + "/db", MetaOptions{});
    EXPECT_FALSE(second.ok());
  }
  auto db = MetaDb::Open(dir.path() + "/db", MetaOptions{});
  ASSERT_TRUE(db.ok());
  std::string v;
  ASSERT_TRUE((*db)->Get("k", &v).ok());
  EXPECT_EQ(v, "v");
}

TEST(MetaDbTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("a/"), "a0");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
}

}  // namespace
}  // namespace cairn::storage::meta
