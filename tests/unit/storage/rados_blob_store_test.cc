// RadosBlobStore on a real one-node cluster (rados_test_pool.h): stripes of the size said,
// edge sizes read back whole and by random ranges, unpublished and swept blobs leave no RADOS
// object, the removal grace, a writer's memory bound, and an unreachable cluster failing within
// its timeout. Registered only when CAIRN_TEST_CEPH_CONF names a cluster.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "rados_test_pool.h"
#include "storage/rados_blobs/rados_blob_store.h"
#include "test_util.h"

namespace cairn::storage::rados_blobs {
namespace {

constexpr uint64_t kStripe = 64 << 10;

class RadosBlobStoreTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    pool_ = rados::testing::TestPool();
    ASSERT_NE(pool_, nullptr);
    options_.prefix = dir_.path().substr(dir_.path().rfind('/') + 1) + "/";
    options_.stripe_size = kStripe;
    options_.read_chunk = 16 << 10;
    options_.sweep_interval = std::chrono::seconds(0);
    auto store = RadosBlobStore::Open(pool_, options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  blobs::BlobId Put(const std::string& body, size_t chunk = 10000) {
    auto writer = store_->Create();
    EXPECT_TRUE(writer.ok());
    for (size_t at = 0; at < body.size(); at += chunk) {
      EXPECT_TRUE((*writer)->Append(body.data() + at, std::min(chunk, body.size() - at)).ok());
    }
    EXPECT_TRUE((*writer)->Finish().ok());
    EXPECT_TRUE(store_->Publish(**writer).ok());
    return (*writer)->id();
  }

  std::string Read(const blobs::BlobId& id, uint64_t offset, uint64_t length) {
    auto blob = store_->Open(id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    if (!blob.ok()) return "";
    auto source = blobs::Blob::OpenRange(*blob, offset, length);
    EXPECT_TRUE(source.ok());
    auto out = storage::testing::Drain(**source);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }

  // Every object of the pool under this test's prefix.
  std::set<std::string> Objects() {
    std::set<std::string> out;
    rados_list_ctx_t ctx = nullptr;
    EXPECT_EQ(rados_nobjects_list_open(pool_->io(), &ctx), 0);
    const char* entry = nullptr;
    while (rados_nobjects_list_next(ctx, &entry, nullptr, nullptr) == 0) {
      std::string name(entry);
      if (name.rfind(options_.prefix, 0) == 0) out.insert(name.substr(options_.prefix.size()));
    }
    rados_nobjects_list_close(ctx);
    return out;
  }

  uint64_t ObjectSize(const std::string& name) {
    uint64_t size = 0;
    time_t mtime = 0;
    EXPECT_EQ(rados_stat(pool_->io(), (options_.prefix + name).c_str(), &size, &mtime), 0) << name;
    return size;
  }

  storage::testing::TempDir dir_;  // only its name: this test's prefix in the pool
  std::shared_ptr<RadosPool> pool_;
  RadosBlobStoreOptions options_;
  std::unique_ptr<RadosBlobStore> store_;
};

TEST_P(RadosBlobStoreTest, StripesAreTheSizeSaid) {
  blobs::BlobId id = Put(storage::testing::Bytes(3 * kStripe + 5));
  const std::string base = "blob." + id.Hex() + ".";
  EXPECT_EQ(Objects(), (std::set<std::string>{base + "00000000", base + "00000001",
                                              base + "00000002", base + "00000003"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ObjectSize(base + "0000000" + std::to_string(i)), kStripe);
  EXPECT_EQ(ObjectSize(base + "00000003"), 5u);
}

TEST_P(RadosBlobStoreTest, EdgeSizesReadBackWholeAndByRandomRanges) {
  std::mt19937_64 rng(7);
  for (uint64_t size :
       {uint64_t{0}, uint64_t{1}, kStripe - 1, kStripe, kStripe + 1, 3 * kStripe + 5}) {
    std::string body = storage::testing::Bytes(size, static_cast<uint32_t>(size) + 1);
    blobs::BlobId id = Put(body, 7777);
    auto blob = store_->Open(id);
    ASSERT_TRUE(blob.ok());
    EXPECT_EQ((*blob)->size(), size);
    EXPECT_TRUE(Read(id, 0, size) == body) << size;
    for (int i = 0; i < 25 && size > 0; ++i) {
      uint64_t first = rng() % size;
      uint64_t length = 1 + rng() % (size - first);
      EXPECT_TRUE(Read(id, first, length) == body.substr(first, length)) << size << " " << first;
      char buf[3000];
      auto n = (*blob)->ReadAt(first, sizeof buf, buf);
      ASSERT_TRUE(n.ok());
      ASSERT_GT(*n, 0u);
      EXPECT_TRUE(std::string(buf, *n) == body.substr(first, *n));
    }
  }
}

TEST_P(RadosBlobStoreTest, AnUnpublishedWriterLeavesNoObject) {
  blobs::BlobId id;
  {
    auto writer = store_->Create();
    ASSERT_TRUE(writer.ok());
    id = (*writer)->id();
    std::string body = storage::testing::Bytes(2 * kStripe + kStripe / 2);
    ASSERT_TRUE((*writer)->Append(body.data(), body.size()).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    EXPECT_EQ(Objects().size(), 3u);  // written, not visible
    EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
  }
  EXPECT_TRUE(Objects().empty());
  {
    // One stripe or less is written only by Publish (with its xattr, one write op).
    auto small = store_->Create();
    ASSERT_TRUE(small.ok());
    ASSERT_TRUE((*small)->Append("tiny", 4).ok());
    ASSERT_TRUE((*small)->Finish().ok());
    EXPECT_TRUE(Objects().empty());
    ASSERT_TRUE(store_->Publish(**small).ok());
    EXPECT_EQ(Objects().size(), 1u);
    EXPECT_EQ(Read((*small)->id(), 0, 4), "tiny");
  }
}

TEST_P(RadosBlobStoreTest, RemovedBlobsStayReadableUntilTheSweepThenLeaveNothing) {
  std::string body = storage::testing::Bytes(2 * kStripe + 99, 3);
  blobs::BlobId id = Put(body);
  blobs::BlobId kept = Put("kept");
  auto open = store_->Open(id);
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE(store_->Remove(id).ok());
  EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Remove(id).code(), Code::kNotFound);
  // Within the grace: an earlier open still reads every byte.
  auto early = blobs::Blob::OpenRange(*open, 0, body.size());
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(*storage::testing::Drain(**early) == body);
  auto young = store_->Sweep(std::chrono::seconds(3600));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(*young, 0u);
  auto swept = store_->Sweep(std::chrono::seconds(0));
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_EQ(*swept, 1u);
  std::set<std::string> left = Objects();
  left.erase("gc");
  EXPECT_EQ(left, (std::set<std::string>{"blob." + kept.Hex() + ".00000000"}));
  // After the sweep the old handle fails: an error, never other bytes.
  auto late = blobs::Blob::OpenRange(*open, 0, body.size());
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(storage::testing::Drain(**late).ok());
  EXPECT_EQ(Read(kept, 0, 4), "kept");
}

TEST_P(RadosBlobStoreTest, OrphansOfADeadWriterAreSweptOnceOldAndNothingElseIs) {
  blobs::BlobId live = Put("published");
  blobs::BlobId removed = Put(storage::testing::Bytes(kStripe + 1));
  ASSERT_TRUE(store_->Remove(removed).ok());  // queued for Sweep, not an orphan
  // What a gateway killed mid-write leaves: stripes without the publishing xattr, and a stripe
  // whose stripe 0 never arrived.
  auto a = blobs::BlobId::Random();
  auto b = blobs::BlobId::Random();
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string bytes = storage::testing::Bytes(1000);
  for (const std::string& name :
       {store_->StripeName(*a, 0), store_->StripeName(*a, 1), store_->StripeName(*b, 2)}) {
    ASSERT_EQ(rados_write_full(pool_->io(), name.c_str(), bytes.data(), bytes.size()), 0);
  }
  auto young = store_->SweepOrphans(std::chrono::seconds(3600));
  ASSERT_TRUE(young.ok()) << young.status().ToString();
  EXPECT_EQ(*young, 0u) << "stripes written just now may belong to a writer still at work";
  auto old = store_->SweepOrphans(std::chrono::seconds(0));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(*old, 2u);
  std::set<std::string> left = Objects();
  left.erase("gc");
  EXPECT_EQ(left, (std::set<std::string>{"blob." + live.Hex() + ".00000000",
                                         "blob." + removed.Hex() + ".00000000",
                                         "blob." + removed.Hex() + ".00000001"}));
  EXPECT_EQ(Read(live, 0, 9), "published");
  auto swept = store_->Sweep(std::chrono::seconds(0));  // the removed one goes its own way
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1u);
}

TEST_P(RadosBlobStoreTest, AWriterHoldsAtMostItsStripesInFlight) {
  auto writer = store_->Create();
  ASSERT_TRUE(writer.ok());
  std::string mib = storage::testing::Bytes(1 << 20, 5);
  for (int i = 0; i < 64; ++i) ASSERT_TRUE((*writer)->Append(mib.data(), mib.size()).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ((*writer)->size(), 64u << 20);
  EXPECT_GT(PeakHeldBytes(**writer), kStripe);
  EXPECT_LE(PeakHeldBytes(**writer), (options_.writes_in_flight + 1) * kStripe);
}

TEST_P(RadosBlobStoreTest, AnUnreachableClusterFailsWithinItsTimeout) {
  std::string conf = dir_.path() + "/dead.conf";
  std::ofstream(conf) << "[global]\nmon host = v1:127.0.0.1:1\nauth client required = none\n";
  rados::RadosConnectOptions options;
  options.conf_path = conf;
  options.timeout = std::chrono::seconds(2);
  auto start = std::chrono::steady_clock::now();
  auto cluster = rados::RadosCluster::Connect(options);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(cluster.ok());
  EXPECT_LT(took, std::chrono::seconds(15));
  rados::RadosConnectOptions missing;
  missing.conf_path = dir_.path() + "/no-such.conf";
  EXPECT_FALSE(rados::RadosCluster::Connect(missing).ok());
}

INSTANTIATE_TEST_SUITE_P(Cluster, RadosBlobStoreTest, ::testing::ValuesIn(rados::testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RadosBlobStoreTest);

}  // namespace
}  // namespace cairn::storage::rados_blobs
