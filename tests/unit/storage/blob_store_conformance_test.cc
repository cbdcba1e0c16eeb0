// The blob store conformance suite (DESIGN.md, "Storage as it grows"): what the engine relies
// on from any blob back end. Each back end adds itself to kBackEnds; the same tests run on all.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#ifdef CAIRN_WITH_RADOS
#include "rados_test_pool.h"
#include "storage/rados_blobs/rados_blob_store.h"
#endif
#include "storage/blobs/blob_store.h"
#include "storage/data/data_dir.h"
#include "storage/erasure_blobs/erasure_blob_store.h"
#include "test_util.h"

namespace cairn::storage::blobs {
namespace {

struct BackEnd {
  std::string name;
  std::function<Result<std::unique_ptr<BlobStore>>(const std::string& dir)> open;
};

// An erasure set of `drives` folders under `dir` with `parity` parity shards.
BackEnd ErasureSet(int drives, int parity, uint64_t block_size, bool parallel_sync = false) {
  std::string name = "erasure_" + std::to_string(drives) + "_drives_ec" + std::to_string(parity) +
                     "_block_" + std::to_string(block_size) +
                     (parallel_sync ? "_parallel_sync" : "");
  return {name, [=](const std::string& dir) -> Result<std::unique_ptr<BlobStore>> {
            std::vector<std::optional<std::string>> roots;
            for (int i = 0; i < drives; ++i) roots.push_back(dir + "/drive" + std::to_string(i));
            erasure::ErasureParams geometry;
            geometry.data = drives - parity;
            geometry.parity = parity;
            geometry.block_size = block_size;
            erasure_blobs::ErasureBlobStoreOptions options;
            options.parallel_sync = parallel_sync;
            CAIRN_ASSIGN_OR_RETURN(
                auto store, erasure_blobs::ErasureBlobStore::Open(platform::Env::Default(), roots,
                                                                  geometry, options));
            return std::unique_ptr<BlobStore>(std::move(store));
          }};
}

#ifdef CAIRN_WITH_RADOS
// RADOS stripes in the test pool, when a cluster is given (rados_test_pool.h): 64 KiB stripes
// so the suite's sizes span many; each test's folder name is its prefix, so a reopened store
// finds its blobs.
BackEnd RadosStripes() {
  return {"rados_stripes_64k", [](const std::string& dir) -> Result<std::unique_ptr<BlobStore>> {
            rados_blobs::RadosBlobStoreOptions options;
            options.prefix = dir.substr(dir.rfind('/') + 1) + "/";
            options.stripe_size = 64 << 10;
            options.read_chunk = 16 << 10;
            options.sweep_interval = std::chrono::seconds(0);
            CAIRN_ASSIGN_OR_RETURN(
                auto store, rados_blobs::RadosBlobStore::Open(rados::testing::TestPool(), options));
            return std::unique_ptr<BlobStore>(std::move(store));
          }};
}
#endif

const std::vector<BackEnd>& BackEnds() {
  static const std::vector<BackEnd> kBackEnds = [] {
    std::vector<BackEnd> all = {
        {"local_drive",
         [](const std::string& dir) -> Result<std::unique_ptr<BlobStore>> {
           CAIRN_ASSIGN_OR_RETURN(auto store, data::DataDir::Open(platform::Env::Default(), dir));
           return std::unique_ptr<BlobStore>(std::move(store));
         }},
        // Small blocks keep the many-block cases fast; one set at MinIO's 1 MiB.
        ErasureSet(4, 2, 4096),
        ErasureSet(6, 3, 10000),
        ErasureSet(4, 2, 1 << 20, /*parallel_sync=*/true),
    };
#ifdef CAIRN_WITH_RADOS
    if (!rados::testing::TestCephConf().empty()) all.push_back(RadosStripes());
#endif
    return all;
  }();
  return kBackEnds;
}

class BlobStoreConformance : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    auto store = BackEnds()[GetParam()].open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Writes `body` in `chunk`-byte appends, finishes and publishes it.
  BlobId Put(const std::string& body, size_t chunk = 100000) {
    auto writer = store_->Create();
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    for (size_t at = 0; at < body.size(); at += chunk) {
      size_t n = std::min(chunk, body.size() - at);
      EXPECT_TRUE((*writer)->Append(body.data() + at, n).ok());
    }
    EXPECT_EQ((*writer)->size(), body.size());
    EXPECT_TRUE((*writer)->Finish().ok());
    EXPECT_TRUE(store_->Publish(**writer).ok());
    return (*writer)->id();
  }

  std::string ReadRange(const BlobId& id, uint64_t offset, uint64_t length) {
    auto blob = store_->Open(id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    auto source = Blob::OpenRange(*blob, offset, length);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    auto out = testing::Drain(**source);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::string();
  }

  testing::TempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

TEST_P(BlobStoreConformance, RoundTripsAtEdgeSizesAndEveryKindOfRange) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{1} << 20,
                      (size_t{1} << 20) + 1, size_t{3} << 20}) {
    std::string body = testing::Bytes(size, static_cast<uint32_t>(size));
    BlobId id = Put(body, 65536 + 7);  // appends that straddle any internal block size
    auto blob = store_->Open(id);
    ASSERT_TRUE(blob.ok());
    EXPECT_EQ((*blob)->size(), size);
    EXPECT_TRUE(ReadRange(id, 0, size) == body) << size;
    if (size < 2) continue;
    EXPECT_EQ(ReadRange(id, size - 1, 1), body.substr(size - 1));
    EXPECT_TRUE(ReadRange(id, 1, size - 2) == body.substr(1, size - 2));
    EXPECT_TRUE(ReadRange(id, size / 3, size / 3) == body.substr(size / 3, size / 3));
    EXPECT_EQ(ReadRange(id, size, 0), "");
  }
}

TEST_P(BlobStoreConformance, RangesPastTheEndAreRefused) {
  BlobId id = Put(testing::Bytes(1000));
  auto blob = store_->Open(id);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(Blob::OpenRange(*blob, 1001, 0).status().code(), Code::kInvalidRange);
  EXPECT_EQ(Blob::OpenRange(*blob, 999, 2).status().code(), Code::kInvalidRange);
  EXPECT_EQ(Blob::OpenRange(*blob, 0, UINT64_MAX).status().code(), Code::kInvalidRange);
}

TEST_P(BlobStoreConformance, UnpublishedBlobsAreInvisibleAndDiscarded) {
  BlobId id;
  {
    auto writer = store_->Create();
    ASSERT_TRUE(writer.ok());
    id = (*writer)->id();
    ASSERT_TRUE((*writer)->Append("abc", 3).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
  }  // destroyed unpublished
  EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
}

TEST_P(BlobStoreConformance, IdsAreFreshAndRemoveIsFinal) {
  BlobId a = Put("first");
  BlobId b = Put("second");
  EXPECT_NE(a, b);
  EXPECT_EQ(ReadRange(a, 0, 5), "first");
  EXPECT_TRUE(store_->Remove(a).ok());
  EXPECT_EQ(store_->Open(a).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Remove(a).code(), Code::kNotFound);
  EXPECT_EQ(ReadRange(b, 0, 6), "second");
}

TEST_P(BlobStoreConformance, AnOpenBlobOutlivesItsRemoval) {
  std::string body = testing::Bytes(200000);
  BlobId id = Put(body);
  auto blob = store_->Open(id);
  ASSERT_TRUE(blob.ok());
  auto source = Blob::OpenRange(*blob, 0, body.size());
  ASSERT_TRUE(source.ok());
  blob->reset();  // the stream alone keeps it
  ASSERT_TRUE(store_->Remove(id).ok());
  auto out = testing::Drain(**source);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, body);
}

TEST_P(BlobStoreConformance, PublishedBlobsSurviveReopening) {
  std::string body = testing::Bytes(150000, 9);
  BlobId id = Put(body);
  store_.reset();
  auto store = BackEnds()[GetParam()].open(dir_.path());
  ASSERT_TRUE(store.ok());
  store_ = std::move(*store);
  EXPECT_EQ(ReadRange(id, 0, body.size()), body);
}

INSTANTIATE_TEST_SUITE_P(BackEnds, BlobStoreConformance,
                         ::testing::Range(size_t{0}, BackEnds().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return BackEnds()[info.param].name;
                         });

}  // namespace
}  // namespace cairn::storage::blobs
