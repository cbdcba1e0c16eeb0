// BucketShardedIndex on a real one-node cluster (rados_test_pool.h), with the engine's own key
// schema (rados_store::RecordRole): a bucket's records go to its shards by object and scans
// merge them; a stale layout of a deleted (or deleted and made again) bucket is never written
// through; a deletion meets writes made before its close; buckets made before layouts stay in
// the root. Registered only when CAIRN_TEST_CEPH_CONF is set.
#include "storage/rados_index/bucket_sharded_index.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "rados_test_pool.h"
#include "storage/meta/meta_db.h"
#include "storage/rados_index/rados_index.h"
#include "storage/rados_store/rados_store.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage::rados_index {
namespace {

using index::IndexBatch;

class BucketShardedIndexTest : public ::testing::TestWithParam<int> {
 protected:
  std::string Namespace() { return dir_.path().substr(dir_.path().rfind('/') + 1); }

  // A gateway: a connection of its own on this test's namespace.
  std::unique_ptr<BucketShardedIndex> Gateway(int shards = 4) {
    BucketIndexOptions options;
    options.bucket_shards = shards;
    options.page = 4;  // scans cross pages
    options.role = rados_store::RecordRole;
    options.bucket_key = [](std::string_view bucket) { return BucketKey(bucket); };
    options.close_grace = std::chrono::milliseconds(2000);
    options.delete_deadline = std::chrono::milliseconds(1000);
    options.closed_wait = std::chrono::milliseconds(300);
    auto index = BucketShardedIndex::Open(rados::testing::SecondConnection(Namespace()), options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(*index);
  }
  // One object of the namespace as an index of its own (what is stored where).
  std::unique_ptr<RadosIndex> Object(const std::string& name) {
    RadosIndexOptions options;
    options.shard_names = {name};
    auto index = RadosIndex::Open(rados::testing::SecondConnection(Namespace()), options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(*index);
  }

  static Status MakeBucket(index::Index& index, const std::string& bucket) {
    IndexBatch batch;
    batch.ExpectAbsent(BucketKey(bucket));
    batch.Put(BucketKey(bucket), "record of " + bucket);
    return index.Write(batch, true);
  }
  static Status DropBucket(index::Index& index, const std::string& bucket) {
    IndexBatch batch;
    batch.Delete(BucketKey(bucket));
    batch.Delete("c/" + bucket);
    return index.Write(batch, true);
  }
  // An object's write as the engine commits it: its record, one history entry, a counter add.
  static Status PutObject(index::Index& index, const std::string& bucket, const std::string& key,
                          const std::string& value) {
    IndexBatch batch;
    batch.Put(ObjectKey(bucket, key), value);
    batch.Put(VersionKey(bucket, key, VersionStamp::Make(1, 7)), "old " + value);
    batch.AddCounters("c/" + bucket, {1, 2});
    return index.Write(batch, true);
  }
  static Status DropObject(index::Index& index, const std::string& bucket, const std::string& key) {
    IndexBatch batch;
    batch.Delete(ObjectKey(bucket, key));
    batch.Delete(VersionKey(bucket, key, VersionStamp::Make(1, 7)));
    batch.AddCounters("c/" + bucket, {-1, -2});
    return index.Write(batch, true);
  }
  static std::string ValueOf(const index::Index& index, const std::string& key) {
    std::string out;
    Status s = index.Get(key, &out);
    return s.ok() ? out : "<" + std::string(CodeName(s.code())) + ">";
  }
  static std::vector<std::string> Keys(const index::Index& index, const std::string& prefix) {
    std::vector<std::string> out;
    auto it = index.NewIterator(meta::PrefixSuccessor(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }

  storage::testing::TempDir dir_;  // only its name: this test's namespace in the pool
};

TEST_P(BucketShardedIndexTest, ABucketsRecordsGoToItsShardsByObjectAndScansMergeThem) {
  auto index = Gateway(4);
  ASSERT_TRUE(MakeBucket(*index, "bkt").ok());
  EXPECT_EQ(MakeBucket(*index, "bkt").code(), Code::kConditionalRequestConflict);
  auto layout = index->ReadLayout("bkt");
  ASSERT_TRUE(layout.ok() && layout->has_value());
  EXPECT_EQ((*layout)->shards, 4);

  std::vector<std::string> expected;
  for (int i = 0; i < 24; ++i) {
    const std::string key = "k" + std::to_string(100 + i);
    ASSERT_TRUE(PutObject(*index, "bkt", key, "v" + key).ok());
    expected.push_back(ObjectKey("bkt", key));
  }
  // Each object's records in the shard its escaped key picks, none in the root; every shard
  // has some.
  std::set<int> used;
  for (int i = 0; i < 24; ++i) {
    const std::string key = "k" + std::to_string(100 + i);
    const int shard = index->ShardOf(**layout, EscapeKey(key));
    used.insert(shard);
    auto object = Object(index->ShardObject(**layout, shard));
    EXPECT_EQ(ValueOf(*object, ObjectKey("bkt", key)), "v" + key);
    EXPECT_EQ(ValueOf(*object, VersionKey("bkt", key, VersionStamp::Make(1, 7))), "old v" + key);
  }
  EXPECT_EQ(used.size(), 4u);
  auto root = Object("cairn.index.0");
  EXPECT_EQ(ValueOf(*root, ObjectKey("bkt", "k100")), "<NotFound>");
  EXPECT_EQ(ValueOf(*root, BucketKey("bkt")), "record of bkt");

  // Scans of the bucket merge its shards in order, pages and all; one key's history reads one.
  EXPECT_EQ(Keys(*index, ObjectPrefix("bkt")), expected);
  EXPECT_EQ(Keys(*index, ObjectPrefix("bkt") + "k11").size(), 10u);
  EXPECT_EQ(Keys(*index, VersionPrefix("bkt")).size(), 24u);
  EXPECT_EQ(Keys(*index, VersionKeyPrefix("bkt", "k105")),
            std::vector<std::string>{VersionKey("bkt", "k105", VersionStamp::Make(1, 7))});
  auto it = index->NewIterator(meta::PrefixSuccessor(ObjectPrefix("bkt")));
  it->Seek(ObjectKey("bkt", "k1155"));  // between keys: the next one
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), ObjectKey("bkt", "k116"));
  it->Seek(meta::PrefixSuccessor(ObjectPrefix("bkt")));  // past the end, as listings do
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());

  // Counters: the adds of every shard summed (and folded now and then: the sum stays).
  std::vector<int64_t> counters;
  ASSERT_TRUE(index->GetCounters("c/bkt", &counters).ok());
  EXPECT_EQ(counters, (std::vector<int64_t>{24, 48}));
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(DropObject(*index, "bkt", "k10" + std::to_string(i)).ok());
  ASSERT_TRUE(index->GetCounters("c/bkt", &counters).ok());
  EXPECT_EQ(counters, (std::vector<int64_t>{14, 28}));

  // A scan across buckets and kinds reads every object: intents of two buckets and the root.
  ASSERT_TRUE(MakeBucket(*index, "other").ok());
  const blobs::BlobId id{};
  for (const char* bucket : {"bkt", "other", "gone"}) {
    IndexBatch intent;
    intent.Put(IntentKey(bucket, "x", id), "made");
    ASSERT_TRUE(index->Write(intent, true).ok()) << bucket;
  }
  EXPECT_EQ(Keys(*index, std::string(kIntentPrefix)).size(), 3u);
  EXPECT_EQ(ValueOf(*root, IntentKey("gone", "x", id)), "made");  // no bucket: in the root
}

TEST_P(BucketShardedIndexTest, ABatchAcrossShardsOrBucketsIsRefused) {
  auto index = Gateway(4);
  ASSERT_TRUE(MakeBucket(*index, "bkt").ok());
  ASSERT_TRUE(MakeBucket(*index, "two").ok());
  auto layout = index->ReadLayout("bkt");
  ASSERT_TRUE(layout.ok() && layout->has_value());
  std::string other = "b";
  while (index->ShardOf(**layout, EscapeKey(other)) == index->ShardOf(**layout, EscapeKey("a"))) {
    other += "b";
  }
  IndexBatch across;
  across.Put(ObjectKey("bkt", "a"), "1");
  across.Put(ObjectKey("bkt", other), "2");
  EXPECT_EQ(index->Write(across, true).code(), Code::kInvalidArgument);
  IndexBatch buckets;
  buckets.Put(ObjectKey("bkt", "a"), "1");
  buckets.Put(ObjectKey("two", "a"), "1");
  EXPECT_EQ(index->Write(buckets, true).code(), Code::kInvalidArgument);
  IndexBatch with_root;
  with_root.Put(ObjectKey("bkt", "a"), "1");
  with_root.Put("m/marker", "1");
  EXPECT_EQ(index->Write(with_root, true).code(), Code::kInvalidArgument);
  EXPECT_EQ(ValueOf(*index, ObjectKey("bkt", "a")), "<NotFound>");
}

TEST_P(BucketShardedIndexTest, AStaleLayoutIsNeverWrittenThrough) {
  auto a = Gateway();
  auto b = Gateway();
  ASSERT_TRUE(MakeBucket(*a, "bkt").ok());
  ASSERT_TRUE(PutObject(*a, "bkt", "first", "1").ok());
  EXPECT_EQ(ValueOf(*b, ObjectKey("bkt", "first")), "1");
  auto old_layout = a->ReadLayout("bkt");
  ASSERT_TRUE(old_layout.ok() && old_layout->has_value());

  // B empties, deletes and makes the bucket again; A still has the old layout cached.
  ASSERT_TRUE(DropObject(*b, "bkt", "first").ok());
  ASSERT_TRUE(DropBucket(*b, "bkt").ok());
  ASSERT_TRUE(MakeBucket(*b, "bkt").ok());
  ASSERT_TRUE(PutObject(*a, "bkt", "second", "2").ok());
  EXPECT_EQ(ValueOf(*b, ObjectKey("bkt", "second")), "2");  // in the live incarnation
  EXPECT_EQ(ValueOf(*a, ObjectKey("bkt", "first")), "<NotFound>");
  auto dead = Object(a->ShardObject(**old_layout, 0));
  EXPECT_TRUE(Keys(*dead, "").empty());  // the old shards are gone

  // Deleted and not made again: a write through the stale layout finds no bucket.
  ASSERT_TRUE(DropObject(*a, "bkt", "second").ok());
  ASSERT_TRUE(ValueOf(*b, ObjectKey("bkt", "second")) == "<NotFound>");
  ASSERT_TRUE(PutObject(*b, "bkt", "third", "3").ok());  // b caches the layout
  ASSERT_TRUE(DropObject(*b, "bkt", "third").ok());
  ASSERT_TRUE(DropBucket(*a, "bkt").ok());
  EXPECT_EQ(PutObject(*b, "bkt", "fourth", "4").code(), Code::kNoSuchBucket);
  EXPECT_EQ(ValueOf(*a, ObjectKey("bkt", "fourth")), "<NotFound>");
  EXPECT_EQ(ValueOf(*Object("cairn.index.0"), ObjectKey("bkt", "fourth")), "<NotFound>");
  auto layout = a->ReadLayout("bkt");
  ASSERT_TRUE(layout.ok());
  EXPECT_FALSE(layout->has_value());
}

TEST_P(BucketShardedIndexTest, ADeletionSeesWritesBeforeItsCloseAndWritesWaitOnIt) {
  auto index = Gateway();
  ASSERT_TRUE(MakeBucket(*index, "bkt").ok());
  ASSERT_TRUE(PutObject(*index, "bkt", "kept", "1").ok());
  EXPECT_EQ(DropBucket(*index, "bkt").code(), Code::kBucketNotEmpty);
  // Reopened: writes go on, and the bucket is still there.
  ASSERT_TRUE(PutObject(*index, "bkt", "more", "2").ok());
  EXPECT_EQ(ValueOf(*index, BucketKey("bkt")), "record of bkt");
  // An intent (a write under way) keeps it too.
  ASSERT_TRUE(DropObject(*index, "bkt", "kept").ok());
  ASSERT_TRUE(DropObject(*index, "bkt", "more").ok());
  IndexBatch intent;
  intent.Put(IntentKey("bkt", "w", blobs::BlobId{}), "made");
  ASSERT_TRUE(index->Write(intent, true).ok());
  EXPECT_EQ(DropBucket(*index, "bkt").code(), Code::kBucketNotEmpty);

  // A shard closed by a deletion under way: writes to it wait, then give up.
  auto layout = index->ReadLayout("bkt");
  ASSERT_TRUE(layout.ok() && layout->has_value());
  const int shard = index->ShardOf(**layout, EscapeKey("w"));
  auto object = Object(index->ShardObject(**layout, shard));
  auto close = [&](int64_t at) {
    IndexBatch closing;
    closing.Put(std::string("\0closed", 7), std::to_string(at) + " test");
    ASSERT_TRUE(object->Write(closing, true).ok());
  };
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  close(now);
  EXPECT_EQ(PutObject(*index, "bkt", "w", "1").code(), Code::kUnavailable);
  EXPECT_EQ(ValueOf(*index, ObjectKey("bkt", "w")), "<NotFound>");
  // One closed longer than the grace was closed by a deletion that died: reopened.
  close(now - 10000);
  ASSERT_TRUE(PutObject(*index, "bkt", "w", "1").ok());
  EXPECT_EQ(ValueOf(*index, ObjectKey("bkt", "w")), "1");
  EXPECT_EQ(ValueOf(*object, std::string("\0closed", 7)), "<NotFound>");
}

TEST_P(BucketShardedIndexTest, BucketsWithoutALayoutKeepTheirRecordsInTheRoot) {
  {  // a pool from before layouts
    auto old = Gateway(0);
    ASSERT_TRUE(MakeBucket(*old, "old").ok());
    ASSERT_TRUE(PutObject(*old, "old", "x", "1").ok());
  }
  auto root = Object("cairn.index.0");
  EXPECT_EQ(ValueOf(*root, ObjectKey("old", "x")), "1");
  auto a = Gateway(4);
  auto b = Gateway(4);
  EXPECT_EQ(ValueOf(*a, ObjectKey("old", "x")), "1");
  ASSERT_TRUE(PutObject(*a, "old", "y", "2").ok());
  EXPECT_EQ(ValueOf(*root, ObjectKey("old", "y")), "2");
  EXPECT_EQ(Keys(*b, ObjectPrefix("old")).size(), 2u);
  std::vector<int64_t> counters;
  ASSERT_TRUE(b->GetCounters("c/old", &counters).ok());
  EXPECT_EQ(counters, (std::vector<int64_t>{2, 4}));

  // A bucket that does not exist yet: A looks, B makes it, A sees what B wrote at once.
  EXPECT_EQ(ValueOf(*a, ObjectKey("fresh", "k")), "<NotFound>");
  EXPECT_EQ(PutObject(*a, "fresh", "k", "0").code(), Code::kNoSuchBucket);
  ASSERT_TRUE(MakeBucket(*b, "fresh").ok());
  ASSERT_TRUE(PutObject(*b, "fresh", "k", "1").ok());
  EXPECT_EQ(ValueOf(*a, ObjectKey("fresh", "k")), "1");
  ASSERT_TRUE(PutObject(*a, "fresh", "j", "2").ok());
  EXPECT_EQ(ValueOf(*root, ObjectKey("fresh", "j")), "<NotFound>");
  EXPECT_EQ(Keys(*b, ObjectPrefix("fresh")).size(), 2u);

  // An update of a bucket record needs the bucket: one deleted meanwhile is not made again.
  ASSERT_TRUE(DropObject(*a, "old", "x").ok());
  ASSERT_TRUE(DropObject(*a, "old", "y").ok());
  ASSERT_TRUE(DropBucket(*a, "old").ok());
  IndexBatch update;
  update.Put(BucketKey("old"), "changed");
  EXPECT_EQ(b->Write(update, true).code(), Code::kNoSuchBucket);
  EXPECT_EQ(ValueOf(*root, BucketKey("old")), "<NotFound>");
}

INSTANTIATE_TEST_SUITE_P(Cluster, BucketShardedIndexTest,
                         ::testing::ValuesIn(rados::testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BucketShardedIndexTest);

}  // namespace
}  // namespace cairn::storage::rados_index
