// The store on a pool: Cairn's own records (IAM, policies, CORS) live in an object of their
// own, and a pool that kept them in the index object has them moved at open.
#include "storage/rados_store/rados_store.h"

#include <gtest/gtest.h>

#include "rados_test_pool.h"
#include "storage/meta/meta_db.h"
#include "storage/rados_index/rados_index.h"
#include "test_util.h"

namespace cairn::storage::rados_store {
namespace {

class RadosStoreTest : public ::testing::TestWithParam<int> {
 protected:
  // This test's own namespace in the test pool.
  std::string Namespace() { return dir_.path().substr(dir_.path().rfind('/') + 1); }
  std::shared_ptr<rados::RadosPool> Pool() { return rados::testing::SecondConnection(Namespace()); }
  // One object of the pool as an index of its own.
  std::unique_ptr<rados_index::RadosIndex> Object(const std::string& name) {
    rados_index::RadosIndexOptions options;
    options.shard_names = {name};
    auto index = rados_index::RadosIndex::Open(Pool(), options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(*index);
  }
  Result<std::unique_ptr<LocalStore>> Open() {
    RadosStoreOptions options;
    options.pool = "cairn-test";
    options.ns = Namespace();
    options.conf_path = rados::testing::TestCephConf();
    options.gateway_id = Namespace();
    return OpenRadosStore(options);
  }
  storage::testing::TempDir dir_;
};

TEST_P(RadosStoreTest, OwnRecordsLiveApartAndAreMovedThereFromAnOlderPool) {
  {  // an older pool: the records and their counter in the index object
    auto old = Object("cairn.index.0");
    index::IndexBatch batch;
    batch.Put("s/iam/users/alice", "old alice");
    batch.AddCounters("m/system-generation", {5});
    ASSERT_TRUE(old->Write(batch, true).ok());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto alice = (*store)->GetSystem("iam/users/alice");
  ASSERT_TRUE(alice.ok() && alice->has_value()) << alice.status().ToString();
  EXPECT_EQ(**alice, "old alice");
  auto generation = (*store)->SystemGeneration();
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(*generation, 5u);
  ASSERT_TRUE((*store)->PutSystem("iam/users/bob", "bob").ok());
  ASSERT_TRUE((*store)->CreateBucket("bkt", "").ok());

  std::string value;
  auto index = Object("cairn.index.0");
  EXPECT_EQ(index->Get("s/iam/users/alice", &value).code(), Code::kNotFound);
  EXPECT_EQ(index->Get("s/iam/users/bob", &value).code(), Code::kNotFound);
  EXPECT_TRUE(index->Get("b/bkt", &value).ok());
  auto system = Object("cairn.system");
  EXPECT_TRUE(system->Get("s/iam/users/alice", &value).ok());
  EXPECT_TRUE(system->Get("s/iam/users/bob", &value).ok());
  std::vector<int64_t> counters;
  ASSERT_TRUE(system->GetCounters("m/system-generation", &counters).ok());
  EXPECT_EQ(counters, std::vector<int64_t>{6});
  EXPECT_EQ(system->Get("b/bkt", &value).code(), Code::kNotFound);

  // Opened again: nothing left to move, nothing moved twice.
  store->reset();
  auto again = Open();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  generation = (*again)->SystemGeneration();
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(*generation, 6u);
  auto listed = (*again)->ListSystem("iam/users/");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Cluster, RadosStoreTest, ::testing::ValuesIn(rados::testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RadosStoreTest);

}  // namespace
}  // namespace cairn::storage::rados_store
