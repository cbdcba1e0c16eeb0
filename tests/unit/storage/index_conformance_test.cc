// The index conformance suite (storage/index/index.h): what the engine may rely on from any
// metadata index. Each back end adds itself to BackEnds(); the same tests run on all.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "storage/index/rocks_index.h"
#include "storage/meta/meta_db.h"
#include "test_util.h"
#ifdef CAIRN_WITH_RADOS
#include "rados_test_pool.h"
#include "storage/rados_index/bucket_sharded_index.h"
#include "storage/rados_index/rados_index.h"
#endif

namespace cairn::storage::index {
namespace {

// An index and what keeps it alive.
struct Opened {
  std::unique_ptr<meta::MetaDb> db;
  std::unique_ptr<Index> index;
  RocksIndex* rocks = nullptr;  // set for the RocksDB back ends (the race hook)
};

struct BackEnd {
  std::string name;
  std::function<Opened(const std::string& dir)> open;
};

Opened OpenRocks(std::unique_ptr<meta::MetaDb> db) {
  Opened out;
  out.db = std::move(db);
  auto rocks = std::make_unique<RocksIndex>(out.db.get());
  out.rocks = rocks.get();
  out.index = std::move(rocks);
  return out;
}

const std::vector<BackEnd>& BackEnds() {
  static const std::vector<BackEnd> kBackEnds = [] {
    std::vector<BackEnd> all = {
        {"rocksdb",
         [](const std::string& dir) {
           auto db = meta::MetaDb::Open(dir + "/meta", meta::MetaOptions{});
           EXPECT_TRUE(db.ok()) << db.status().ToString();
           return OpenRocks(std::move(*db));
         }},
        {"rocksdb_replicated_3",
         [](const std::string& dir) {
           std::vector<std::string> paths = {dir + "/a", dir + "/b", dir + "/c"};
           auto db = meta::MetaDb::OpenReplicated(paths, meta::MetaOptions{}, 2);
           EXPECT_TRUE(db.ok()) << db.status().ToString();
           return OpenRocks(std::move(*db));
         }},
    };
#ifdef CAIRN_WITH_RADOS
    // RADOS omap in the test pool when a cluster is given (rados_test_pool.h); one shard, so
    // the suite's free-form batches are in it; pages of 3 so scans cross pages.
    if (!rados::testing::TestCephConf().empty()) {
      all.push_back({"rados_omap", [](const std::string& dir) {
                       rados_index::RadosIndexOptions options;
                       options.name = dir.substr(dir.rfind('/') + 1) + "/index";
                       options.page = 3;
                       auto index =
                           rados_index::RadosIndex::Open(rados::testing::TestPool(), options);
                       EXPECT_TRUE(index.ok()) << index.status().ToString();
                       Opened out;
                       out.index = std::move(*index);
                       return out;
                     }});
      // The RADOS store's index, every key of the suite outside buckets (its bucket routing
      // has tests of its own, bucket_sharded_index_test.cc): writes, fences, counters and
      // scans over its root and system objects.
      all.push_back({"rados_bucket_sharded", [](const std::string& dir) {
                       const std::string name = dir.substr(dir.rfind('/') + 1);
                       rados_index::BucketIndexOptions options;
                       options.root = name + "/root";
                       options.system = name + "/system";
                       options.shard_prefix = name + "/bucket.";
                       options.page = 3;
                       options.role = [](std::string_view) { return rados_index::KeyRole{}; };
                       options.bucket_key = [](std::string_view b) {
                         return "b/" + std::string(b);
                       };
                       auto index = rados_index::BucketShardedIndex::Open(
                           rados::testing::TestPool(), std::move(options));
                       EXPECT_TRUE(index.ok()) << index.status().ToString();
                       Opened out;
                       out.index = std::move(*index);
                       return out;
                     }});
    }
#endif
    return all;
  }();
  return kBackEnds;
}

class IndexConformance : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    opened_ = BackEnds()[GetParam()].open(dir_.path());
    ASSERT_NE(opened_.index, nullptr);
    index_ = opened_.index.get();
  }

  Status Put(const std::string& key, const std::string& value) {
    IndexBatch batch;
    batch.Put(key, value);
    return index_->Write(batch, true);
  }

  std::string ValueOf(const std::string& key) {
    std::string out;
    Status s = index_->Get(key, &out);
    return s.ok() ? out : "<" + std::string(CodeName(s.code())) + ">";
  }

  std::vector<std::string> Scan(const std::string& from, const std::string& upper) {
    std::vector<std::string> out;
    auto it = index_->NewIterator(upper);
    for (it->Seek(from); it->Valid(); it->Next()) {
      out.push_back(std::string(it->key()) + "=" + std::string(it->value()));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  testing::TempDir dir_;
  Opened opened_;
  Index* index_ = nullptr;
};

TEST_P(IndexConformance, ScansAreOrderedAndStopAtTheUpperBound) {
  const std::string high("b\xff", 2);  // bytes compare unsigned
  for (const std::string& key : {std::string("b/2"), std::string("a/1"), std::string("b/10"),
                                 std::string("c"), std::string("b/1"), high}) {
    ASSERT_TRUE(Put(key, "v").ok());
  }
  EXPECT_EQ(Scan("b/", "b0"), (std::vector<std::string>{"b/1=v", "b/10=v", "b/2=v"}));
  // Keys starting with a 0 byte are the back end's own (index.h): engine scans start above.
  EXPECT_EQ(Scan("\x01", ""),
            (std::vector<std::string>{"a/1=v", "b/1=v", "b/10=v", "b/2=v", high + "=v", "c=v"}));
  EXPECT_EQ(Scan("b/2", "c"), (std::vector<std::string>{"b/2=v", high + "=v"}));
  EXPECT_TRUE(Scan("d", "").empty());
}

TEST_P(IndexConformance, ABatchAppliesWhole) {
  ASSERT_TRUE(Put("old", "1").ok());
  IndexBatch batch;
  batch.Put("x", "1");
  batch.Put("y", "2");
  batch.Delete("old");
  ASSERT_TRUE(index_->Write(batch, true).ok());
  EXPECT_EQ(ValueOf("x"), "1");
  EXPECT_EQ(ValueOf("y"), "2");
  EXPECT_EQ(ValueOf("old"), "<NotFound>");
}

TEST_P(IndexConformance, AFailedConditionAppliesNothing) {
  ASSERT_TRUE(Put("record", "v1").ok());
  IndexBatch stale;
  stale.ExpectValue("record", "v0");
  stale.Put("record", "v2");
  stale.Put("other", "x");
  stale.AddCounters("count", {1, 10});
  Status s = index_->Write(stale, true);
  EXPECT_EQ(s.code(), Code::kConditionalRequestConflict) << s.ToString();
  EXPECT_EQ(ValueOf("record"), "v1");
  EXPECT_EQ(ValueOf("other"), "<NotFound>");
  std::vector<int64_t> count;
  ASSERT_TRUE(index_->GetCounters("count", &count).ok());
  EXPECT_TRUE(count.empty());

  IndexBatch exists;
  exists.ExpectAbsent("record");
  exists.Put("record", "v3");
  EXPECT_EQ(index_->Write(exists, true).code(), Code::kConditionalRequestConflict);
  IndexBatch missing;
  missing.ExpectValue("nothing", "");  // an empty value is not an absent key
  missing.Put("nothing", "x");
  EXPECT_EQ(index_->Write(missing, true).code(), Code::kConditionalRequestConflict);
  EXPECT_EQ(ValueOf("record"), "v1");
}

TEST_P(IndexConformance, HoldingConditionsApply) {
  IndexBatch create;
  create.ExpectAbsent("record");
  create.Put("record", "v1");
  ASSERT_TRUE(index_->Write(create, true).ok());
  IndexBatch update;
  update.ExpectValue("record", "v1");
  update.Put("record", "v2");
  ASSERT_TRUE(index_->Write(update, true).ok());
  IndexBatch remove;
  remove.ExpectValue("record", "v2");
  remove.Delete("record");
  ASSERT_TRUE(index_->Write(remove, true).ok());
  IndexBatch again;
  again.ExpectAbsent("record");
  again.Put("record", "v3");
  ASSERT_TRUE(index_->Write(again, false).ok());
  EXPECT_EQ(ValueOf("record"), "v3");
}

TEST_P(IndexConformance, CountersAddWithoutReading) {
  for (int i = 0; i < 3; ++i) {
    IndexBatch batch;
    batch.AddCounters("usage", {1, 100, -2});
    ASSERT_TRUE(index_->Write(batch, false).ok());
  }
  std::vector<int64_t> sum;
  ASSERT_TRUE(index_->GetCounters("usage", &sum).ok());
  EXPECT_EQ(sum, (std::vector<int64_t>{3, 300, -6}));
  std::vector<int64_t> none;
  ASSERT_TRUE(index_->GetCounters("never", &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST_P(IndexConformance, APutOrDeleteOfACounterReplacesWhatWasAdded) {
  for (int i = 0; i < 100; ++i) {  // past any back end's fold threshold
    IndexBatch batch;
    batch.AddCounters("c", {1, 2});
    ASSERT_TRUE(index_->Write(batch, false).ok());
  }
  std::vector<int64_t> sum;
  ASSERT_TRUE(index_->GetCounters("c", &sum).ok());
  EXPECT_EQ(sum, (std::vector<int64_t>{100, 200}));
  IndexBatch reset;
  reset.Put("c", meta::EncodeCounters({7, 7}));
  reset.AddCounters("c", {1, 0});  // after the put in the batch: added onto it
  ASSERT_TRUE(index_->Write(reset, false).ok());
  ASSERT_TRUE(index_->GetCounters("c", &sum).ok());
  EXPECT_EQ(sum, (std::vector<int64_t>{8, 7}));
  IndexBatch drop;
  drop.Delete("c");
  ASSERT_TRUE(index_->Write(drop, false).ok());
  ASSERT_TRUE(index_->GetCounters("c", &sum).ok());
  EXPECT_TRUE(sum.empty());
  IndexBatch again;
  again.AddCounters("c", {2});
  ASSERT_TRUE(index_->Write(again, false).ok());
  ASSERT_TRUE(index_->GetCounters("c", &sum).ok());
  EXPECT_EQ(sum, (std::vector<int64_t>{2}));
}

TEST_P(IndexConformance, ConcurrentConditionalWritersLoseNoUpdate) {
  ASSERT_TRUE(Put("n", "0").ok());
  constexpr int kThreads = 4, kEach = 150;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        for (int attempt = 0; attempt < 1000; ++attempt) {
          std::string now;
          ASSERT_TRUE(index_->Get("n", &now).ok());
          IndexBatch batch;
          batch.ExpectValue("n", now);
          batch.Put("n", std::to_string(std::stoi(now) + 1));
          Status s = index_->Write(batch, false);
          if (s.ok()) break;
          ASSERT_EQ(s.code(), Code::kConditionalRequestConflict);
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ValueOf("n"), std::to_string(kThreads * kEach)) << conflicts << " conflicts";
}

TEST_P(IndexConformance, GetCachedFollowsEveryWrite) {
  ASSERT_TRUE(Put("hot", "1").ok());
  std::shared_ptr<const std::string> cached;
  ASSERT_TRUE(index_->GetCached("hot", &cached).ok());
  EXPECT_EQ(*cached, "1");
  ASSERT_TRUE(Put("hot", "2").ok());
  ASSERT_TRUE(index_->GetCached("hot", &cached).ok());
  EXPECT_EQ(*cached, "2");
  IndexBatch gone;
  gone.Delete("hot");
  ASSERT_TRUE(index_->Write(gone, true).ok());
  EXPECT_EQ(index_->GetCached("hot", &cached).code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(BackEnds, IndexConformance, ::testing::Range(size_t{0}, BackEnds().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return BackEnds()[info.param].name;
                         });

// RocksIndex's own proof that its checks are atomic: a write racing a conditional one waits for
// it (RADOS gives the same by its write ops; rados_index_test.cc races two gateways).
TEST(RocksIndexTest, NoWriteSlipsBetweenTheCheckAndTheWrite) {
  testing::TempDir dir;
  Opened opened = BackEnds()[0].open(dir.path());
  Index* index_ = opened.index.get();
  auto Put = [&](const std::string& key, const std::string& value) {
    IndexBatch batch;
    batch.Put(key, value);
    return index_->Write(batch, true);
  };
  ASSERT_TRUE(Put("k", "v1").ok());
  std::atomic<bool> racer_done{false};
  std::thread racer;
  opened.rocks->SetBeforeCheckForTest([&] {
    racer = std::thread([&] {
      EXPECT_TRUE(Put("k", "racer").ok());  // unconditional, on the same key
      racer_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(racer_done.load()) << "a write reached the key during the check";
  });
  IndexBatch batch;
  batch.ExpectValue("k", "v1");
  batch.Put("k", "mine");
  EXPECT_TRUE(index_->Write(batch, true).ok());
  opened.rocks->SetBeforeCheckForTest(nullptr);
  racer.join();
  EXPECT_TRUE(racer_done.load());
  std::string now;
  ASSERT_TRUE(index_->Get("k", &now).ok());
  EXPECT_EQ(now, "racer");  // it waited, then wrote after
}

}  // namespace
}  // namespace cairn::storage::index
