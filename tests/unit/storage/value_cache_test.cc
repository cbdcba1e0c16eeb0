#include "storage/meta/value_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/meta/meta_db.h"
#include "test_util.h"

namespace cairn::storage::meta {
namespace {

ValueCache::Value V(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

TEST(ValueCacheTest, HitsAfterInsertAndForgetsDroppedKeys) {
  ValueCache cache(1 << 20, 1 << 10);
  uint64_t gen = 0;
  EXPECT_EQ(cache.Lookup("k", &gen), nullptr);
  cache.Insert("k", V("v1"), gen);
  auto hit = cache.Lookup("k", &gen);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "v1");
  cache.Drop("k");
  EXPECT_EQ(cache.Lookup("k", &gen), nullptr);
}

TEST(ValueCacheTest, AReadThatRacedWithAWriteIsNotCached) {
  ValueCache cache(1 << 20, 1 << 10);
  uint64_t gen = 0;
  ASSERT_EQ(cache.Lookup("k", &gen), nullptr);  // a reader misses and goes to the database...
  cache.Drop("k");                              // ...a writer commits and drops the key...
  cache.Insert("k", V("old"), gen);             // ...the reader's (maybe old) value is refused.
  EXPECT_EQ(cache.Lookup("k", &gen), nullptr);
  // A drop of another key of the same shard refuses it too (the generation is per shard);
  // DropAll refuses every shard.
  ASSERT_EQ(cache.Lookup("k", &gen), nullptr);
  cache.DropAll();
  cache.Insert("k", V("old"), gen);
  EXPECT_EQ(cache.Lookup("k", &gen), nullptr);
}

TEST(ValueCacheTest, BoundedInBytesAndSkipsLargeValues) {
  ValueCache cache(16 * 4096, 2000);  // 16 shards of 4 KiB
  uint64_t gen = 0;
  cache.Lookup("big", &gen);
  cache.Insert("big", V(std::string(2001, 'x')), gen);
  EXPECT_EQ(cache.Lookup("big", &gen), nullptr);
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key" + std::to_string(i);
    cache.Lookup(key, &gen);
    cache.Insert(key, V(std::string(1000, 'v')), gen);
  }
  EXPECT_LE(cache.bytes_for_test(), 16u * 4096);
  EXPECT_GT(cache.bytes_for_test(), 0u);
  // The most recent key of its shard is still there.
  EXPECT_NE(cache.Lookup("key999", &gen), nullptr);
}

TEST(ValueCacheTest, DisabledCacheKeepsNothing) {
  ValueCache cache(0, 1 << 10);
  uint64_t gen = 0;
  EXPECT_FALSE(cache.enabled());
  cache.Insert("k", V("v"), gen);
  EXPECT_EQ(cache.Lookup("k", &gen), nullptr);
}

// MetaDb keeps GetCached coherent with every kind of write.
TEST(ValueCacheTest, MetaDbGetCachedSeesEveryWrite) {
  testing::TempDir dir;
  auto db = MetaDb::Open(dir.path() + "/db", MetaOptions{});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::shared_ptr<const std::string> v;
  EXPECT_EQ((*db)->GetCached("a", &v).code(), Code::kNotFound);
  ASSERT_TRUE((*db)->Put("a", "1", true).ok());
  ASSERT_TRUE((*db)->GetCached("a", &v).ok());
  EXPECT_EQ(*v, "1");
  ASSERT_TRUE((*db)->GetCached("a", &v).ok());  // from the cache now
  EXPECT_EQ(*v, "1");
  ASSERT_TRUE((*db)->Put("a", "2", true).ok());
  ASSERT_TRUE((*db)->GetCached("a", &v).ok());
  EXPECT_EQ(*v, "2");
  WriteBatch batch;
  batch.Put("a", "3");
  ASSERT_TRUE((*db)->Write(batch, true).ok());
  ASSERT_TRUE((*db)->GetCached("a", &v).ok());
  EXPECT_EQ(*v, "3");
  WriteBatch del;
  del.Delete("a");
  ASSERT_TRUE((*db)->Write(del, true).ok());
  EXPECT_EQ((*db)->GetCached("a", &v).code(), Code::kNotFound);
  ASSERT_TRUE((*db)->Put("a", "4", true).ok());
  ASSERT_TRUE((*db)->GetCached("a", &v).ok());
  ASSERT_TRUE((*db)->Delete("a", true).ok());
  EXPECT_EQ((*db)->GetCached("a", &v).code(), Code::kNotFound);
}

// Readers racing a writer never see a value older than the last write once it has returned.
TEST(ValueCacheTest, MetaDbReadersNeverSeeAValueOlderThanAFinishedWrite) {
  testing::TempDir dir;
  auto opened = MetaDb::Open(dir.path() + "/db", MetaOptions{});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetaDb& db = **opened;
  ASSERT_TRUE(db.Put("k", "0", false).ok());
  std::atomic<int> finished{0};  // the last value whose Put has returned
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        int floor = finished.load();
        std::shared_ptr<const std::string> v;
        if (!db.GetCached("k", &v).ok() || std::stoi(*v) < floor) ++stale;
      }
    });
  }
  for (int i = 1; i <= 3000; ++i) {
    ASSERT_TRUE(db.Put("k", std::to_string(i), false).ok());
    finished.store(i);
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0);
}

}  // namespace
}  // namespace cairn::storage::meta
