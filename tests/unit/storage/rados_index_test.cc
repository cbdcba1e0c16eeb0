// RadosIndex beyond the conformance suite, on a real one-node cluster (rados_test_pool.h): two
// gateways (two connections) racing conditional writes and counters lose nothing and read each
// other's writes at once; a sharded index keeps batches to one partition and merges its scans;
// keys with 0 and 1 bytes keep their order. Registered only when CAIRN_TEST_CEPH_CONF is set.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rados_test_pool.h"
#include "storage/meta/meta_db.h"
#include "storage/rados_index/rados_index.h"
#include "test_util.h"

namespace cairn::storage::rados_index {
namespace {

class RadosIndexTest : public ::testing::TestWithParam<int> {
 protected:
  RadosIndexOptions Options(int shards = 1) {
    RadosIndexOptions options;
    options.name = dir_.path().substr(dir_.path().rfind('/') + 1) + "/index";
    options.shards = shards;
    options.page = 4;
    if (shards > 1) {
      options.partition = [](std::string_view key) { return key.substr(0, key.find('/')); };
    }
    return options;
  }

  std::unique_ptr<RadosIndex> Open(std::shared_ptr<rados::RadosPool> pool, int shards = 1) {
    auto index = RadosIndex::Open(std::move(pool), Options(shards));
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(*index);
  }

  std::vector<std::string> Keys(const index::Index& index, std::string_view from,
                                const std::string& upper) {
    std::vector<std::string> out;
    auto it = index.NewIterator(upper);
    for (it->Seek(from); it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }

  storage::testing::TempDir dir_;  // only its name: this test's objects in the pool
};

TEST_P(RadosIndexTest, TwoGatewaysSeeEachOtherAndLoseNoUpdate) {
  auto a = Open(rados::testing::TestPool());
  auto b = Open(rados::testing::SecondConnection());
  index::IndexBatch first;
  first.Put("n", "0");
  ASSERT_TRUE(a->Write(first, true).ok());
  std::string seen;
  ASSERT_TRUE(b->Get("n", &seen).ok());  // read-after-write across gateways
  EXPECT_EQ(seen, "0");

  constexpr int kEach = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    RadosIndex* index = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([index] {
      for (int i = 0; i < kEach; ++i) {
        for (int attempt = 0; attempt < 500; ++attempt) {
          std::string now;
          ASSERT_TRUE(index->Get("n", &now).ok());
          index::IndexBatch batch;
          batch.ExpectValue("n", now);
          batch.Put("n", std::to_string(std::stoi(now) + 1));
          batch.AddCounters("writes", {1});
          Status s = index->Write(batch, true);
          if (s.ok()) break;
          ASSERT_EQ(s.code(), Code::kConditionalRequestConflict) << s.ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(a->Get("n", &seen).ok());
  EXPECT_EQ(seen, std::to_string(4 * kEach));
  std::vector<int64_t> counters;
  ASSERT_TRUE(b->GetCounters("writes", &counters).ok());
  EXPECT_EQ(counters, std::vector<int64_t>{4 * kEach});
}

TEST_P(RadosIndexTest, CountersFromTwoGatewaysAddUpWithoutConflicts) {
  auto a = Open(rados::testing::TestPool());
  auto b = Open(rados::testing::SecondConnection());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    RadosIndex* index = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([index] {
      for (int i = 0; i < 30; ++i) {
        index::IndexBatch batch;
        batch.AddCounters("usage", {1, 1000});
        Status s = index->Write(batch, false);
        ASSERT_TRUE(s.ok()) << s.ToString();  // never a conflict for counters
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int64_t> sum;
  ASSERT_TRUE(a->GetCounters("usage", &sum).ok());
  EXPECT_EQ(sum, (std::vector<int64_t>{120, 120000}));
}

TEST_P(RadosIndexTest, AShardedIndexKeepsBatchesToOnePartitionAndMergesScans) {
  auto index = Open(rados::testing::TestPool(), 4);
  std::vector<std::string> all;
  std::set<int> shards;
  for (int p = 0; p < 10; ++p) {
    index::IndexBatch batch;
    for (int k = 0; k < 3; ++k) {
      std::string key = "p" + std::to_string(p) + "/k" + std::to_string(k);
      batch.Put(key, key);
      all.push_back(key);
      shards.insert(index->ShardOf(key));
    }
    batch.ExpectAbsent("p" + std::to_string(p) + "/k0");
    ASSERT_TRUE(index->Write(batch, true).ok());
  }
  EXPECT_GT(shards.size(), 1u) << "ten partitions all hashed to one shard";
  std::sort(all.begin(), all.end());
  EXPECT_EQ(Keys(*index, "", ""), all);
  EXPECT_EQ(Keys(*index, "p3/", "p4"), (std::vector<std::string>{"p3/k0", "p3/k1", "p3/k2"}));
  EXPECT_EQ(Keys(*index, "p3/k1", "p3/k2"), (std::vector<std::string>{"p3/k1"}));

  // Two partitions on different shards: refused whole, nothing applied.
  std::string other;
  for (int p = 1; p < 10 && other.empty(); ++p) {
    if (index->ShardOf("p" + std::to_string(p) + "/x") != index->ShardOf("p0/x")) {
      other = "p" + std::to_string(p) + "/x";
    }
  }
  ASSERT_FALSE(other.empty());
  index::IndexBatch spanning;
  spanning.Put("p0/x", "1");
  spanning.Put(other, "1");
  EXPECT_EQ(index->Write(spanning, true).code(), Code::kInvalidArgument);
  std::string value;
  EXPECT_EQ(index->Get("p0/x", &value).code(), Code::kNotFound);
  EXPECT_EQ(index->Get(other, &value).code(), Code::kNotFound);
}

// Shards chosen by a function and named by the caller (the RADOS store keeps Cairn's own
// records in an object of their own): each key lives in the object its function names, counters
// included, and scans still merge them all.
TEST_P(RadosIndexTest, NamedShardsHoldTheKeysTheirFunctionGives) {
  const std::string base = Options().name;
  RadosIndexOptions options = Options();
  options.shards = 2;
  options.shard_names = {base + ".main", base + ".system"};
  options.shard_of = [](std::string_view key) { return key.starts_with("s/") ? 1 : 0; };
  auto index = RadosIndex::Open(rados::testing::TestPool(), options);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  index::IndexBatch system;
  system.Put("s/user", "u");
  system.AddCounters("s/generation", {1});
  ASSERT_TRUE((*index)->Write(system, true).ok());
  index::IndexBatch object;
  object.Put("o/key", "v");
  ASSERT_TRUE((*index)->Write(object, true).ok());
  index::IndexBatch spanning;
  spanning.Put("s/other", "1");
  spanning.Put("o/other", "1");
  EXPECT_EQ((*index)->Write(spanning, true).code(), Code::kInvalidArgument);
  // (From "a": counter adds are back-end keys, below every key of the engine.)
  EXPECT_EQ(Keys(**index, "a", ""), (std::vector<std::string>{"o/key", "s/user"}));
  std::vector<int64_t> counters;
  ASSERT_TRUE((*index)->GetCounters("s/generation", &counters).ok());
  EXPECT_EQ(counters, std::vector<int64_t>{1});

  // Each object alone, as one unsharded index over it.
  RadosIndexOptions alone = Options();
  alone.shard_names = {base + ".system"};
  auto system_only = RadosIndex::Open(rados::testing::TestPool(), alone);
  ASSERT_TRUE(system_only.ok());
  EXPECT_EQ(Keys(**system_only, "a", ""), (std::vector<std::string>{"s/user"}));
  ASSERT_TRUE((*system_only)->GetCounters("s/generation", &counters).ok());
  EXPECT_EQ(counters, std::vector<int64_t>{1});
  alone.shard_names = {base + ".main"};
  auto main_only = RadosIndex::Open(rados::testing::TestPool(), alone);
  ASSERT_TRUE(main_only.ok());
  EXPECT_EQ(Keys(**main_only, "a", ""), (std::vector<std::string>{"o/key"}));
  // Misnamed: a name per shard or none.
  options.shard_names.pop_back();
  EXPECT_EQ(RadosIndex::Open(rados::testing::TestPool(), options).status().code(),
            Code::kInvalidArgument);
}

TEST_P(RadosIndexTest, KeysWithZeroAndOneBytesKeepTheirOrder) {
  auto index = Open(rados::testing::TestPool());
  using namespace std::string_literals;  // keys holding 0 bytes
  std::vector<std::string> keys = {
      "v/b/k\0\x01"
      "1"s,
      "v/b/k\0\x01"
      "2"s,
      "v/b/k\x01"s,
      "v/b/k"s,
      "v/b/k\x02"s,
      "v/b/k\0"s};
  ASSERT_EQ(keys[0].size(), 8u);
  for (const auto& key : keys) {
    index::IndexBatch batch;
    batch.Put(key, key);
    batch.ExpectAbsent(key);
    Status s = index->Write(batch, true);
    ASSERT_TRUE(s.ok()) << s.ToString() << " key of " << key.size() << " bytes, last "
                        << int(key.back());
  }
  std::sort(keys.begin(), keys.end());  // memcmp order
  EXPECT_EQ(Keys(*index, "v/", "w"), keys);
  // A seek to a key holding a 0 byte lands on it.
  EXPECT_EQ(Keys(*index, keys[1], "w").front(), keys[1]);
  for (const auto& key : keys) {
    std::string value;
    ASSERT_TRUE(index->Get(key, &value).ok());
    EXPECT_EQ(value, key);
  }
  index::IndexBatch empty_value;
  empty_value.ExpectAbsent("e");
  empty_value.Put("e", "");
  ASSERT_TRUE(index->Write(empty_value, true).ok());
  index::IndexBatch absent_again;
  absent_again.ExpectAbsent("e");  // an empty value is not an absent key
  absent_again.Put("e", "x");
  EXPECT_EQ(index->Write(absent_again, true).code(), Code::kConditionalRequestConflict);
}

INSTANTIATE_TEST_SUITE_P(Cluster, RadosIndexTest, ::testing::ValuesIn(rados::testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RadosIndexTest);

}  // namespace
}  // namespace cairn::storage::rados_index
