// Usage counters through every write path of the store, each checked against a full walk of the
// bucket (every version, every upload and part): put, overwrite in unversioned, versioned and
// suspended buckets, delete, delete marker, version delete, multipart (parts, re-uploaded parts,
// complete, abort), copy, many deletes, lifecycle expiry, reopen, and the one-time count of a
// store that had no counters.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "storage/local_store.h"
#include "storage/meta/meta_db.h"
#include "storage/scanner/lifecycle_scanner.h"
#include "test_util.h"

namespace cairn::storage {

// gtest prints counters this way (found by argument-dependent lookup).
void PrintTo(const BucketUsage& u, std::ostream* os) {
  *os << "{objects " << u.objects << ", versions " << u.versions << ", markers " << u.delete_markers
      << ", bytes " << u.bytes << ", current " << u.current_bytes << ", uploads " << u.uploads
      << ", upload bytes " << u.upload_bytes << "}";
}

namespace {

using testing::Bytes;
using testing::PutString;
using testing::TempDir;
using testing::TestSource;

class UsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.inline_threshold = 16;  // both inline and file-backed bodies
    options_.min_part_size = 1;
    Open();
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }
  void Open() {
    store_.reset();
    store_ = testing::OpenOrDie(dir_.path(), options_);
  }
  void Versioning(Versioning state) { ASSERT_TRUE(store_->SetBucketVersioning("bkt", state).ok()); }
  std::string Put(const std::string& key, size_t size) {
    auto info = PutString(*store_, "bkt", key, Bytes(size, static_cast<uint32_t>(size)));
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->version_id : "";
  }
  void Delete(const std::string& key, const std::string& version = "") {
    auto r = store_->DeleteObject("bkt", key, version);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  std::string Upload(const std::string& key) {
    auto up = store_->CreateMultipartUpload("bkt", key, {});
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->upload_id : "";
  }
  std::string Part(const std::string& key, const std::string& id, int n, size_t size) {
    TestSource body(Bytes(size, static_cast<uint32_t>(n)));
    auto part = store_->UploadPart("bkt", key, id, n, body, size, {});
    EXPECT_TRUE(part.ok()) << part.status().ToString();
    return part.ok() ? part->etag : "";
  }

  // What the counters must say, from every record of the bucket.
  BucketUsage Walk(const std::string& bucket = "bkt") {
    BucketUsage u;
    VersionListQuery q;
    for (;;) {
      auto page = store_->ListObjectVersions(bucket, q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return u;
      for (const ObjectInfo& v : page->versions) {
        ++u.versions;
        u.bytes += v.size;
        if (v.delete_marker) ++u.delete_markers;
        if (v.is_latest && !v.delete_marker) {
          ++u.objects;
          u.current_bytes += v.size;
        }
      }
      if (!page->truncated) break;
      q.key_marker = page->next_key_marker;
      q.version_id_marker = page->next_version_id_marker;
    }
    auto uploads = store_->ListMultipartUploads(bucket, {});
    EXPECT_TRUE(uploads.ok());
    for (const UploadInfo& up : uploads->uploads) {
      ++u.uploads;
      auto parts = store_->ListParts(bucket, up.key, up.upload_id, 0, 10000);
      EXPECT_TRUE(parts.ok());
      for (const PartInfo& p : parts->parts) u.upload_bytes += p.size;
    }
    return u;
  }
  BucketUsage Counted(const std::string& bucket = "bkt") {
    auto u = store_->GetBucketUsage(bucket);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : BucketUsage{};
  }
  void ExpectCounted(const BucketUsage& want) {
    EXPECT_EQ(Counted(), want);
    EXPECT_EQ(Counted(), Walk());
  }

  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

BucketUsage U(uint64_t objects, uint64_t versions, uint64_t markers, uint64_t bytes,
              uint64_t current, uint64_t uploads = 0, uint64_t upload_bytes = 0) {
  return BucketUsage{objects, versions, markers, bytes, current, uploads, upload_bytes};
}

TEST_F(UsageTest, EmptyBucketAndNoSuchBucket) {
  ExpectCounted(U(0, 0, 0, 0, 0));
  EXPECT_EQ(store_->GetBucketUsage("nope").status().code(), Code::kNoSuchBucket);
}

TEST_F(UsageTest, UnversionedPutOverwriteDelete) {
  Put("a", 10);   // inline
  Put("b", 100);  // file
  ExpectCounted(U(2, 2, 0, 110, 110));
  Put("a", 50);  // overwrite replaces
  ExpectCounted(U(2, 2, 0, 150, 150));
  Delete("b");
  ExpectCounted(U(1, 1, 0, 50, 50));
  Delete("b");  // absent: nothing changes
  Delete("a");
  ExpectCounted(U(0, 0, 0, 0, 0));
}

TEST_F(UsageTest, VersionedOverwriteMarkersAndVersionDeletes) {
  Versioning(Versioning::kEnabled);
  std::string v1 = Put("k", 10);
  std::string v2 = Put("k", 30);  // v1 becomes noncurrent
  ExpectCounted(U(1, 2, 0, 40, 30));
  Delete("k");  // a delete marker hides it
  ExpectCounted(U(0, 3, 1, 40, 0));
  auto marker = store_->LatestDeleteMarker("bkt", "k");
  ASSERT_TRUE(marker.ok() && marker->has_value());
  Delete("k", (*marker)->version_id);  // removing the marker brings v2 back
  ExpectCounted(U(1, 2, 0, 40, 30));
  Delete("k", v2);  // the current version: v1 becomes current
  ExpectCounted(U(1, 1, 0, 10, 10));
  Delete("k", v2);  // gone already: nothing
  Delete("k", v1);
  ExpectCounted(U(0, 0, 0, 0, 0));
}

TEST_F(UsageTest, SuspendedBucketReplacesTheNullVersion) {
  Put("k", 20);  // null version, before versioning
  Versioning(Versioning::kEnabled);
  Put("k", 40);  // the null version becomes noncurrent
  Versioning(Versioning::kSuspended);
  Put("k", 5);  // a new null version: the old null one (in the history) is dropped
  ExpectCounted(U(1, 2, 0, 45, 5));
  Put("k", 7);  // replaces the live null version
  ExpectCounted(U(1, 2, 0, 47, 7));
  Delete("k");  // a null delete marker replaces the null version
  ExpectCounted(U(0, 2, 1, 40, 0));
}

TEST_F(UsageTest, MultipartPartsCompleteAndAbort) {
  std::string id = Upload("big");
  ExpectCounted(U(0, 0, 0, 0, 0, 1, 0));
  std::string e1 = Part("big", id, 1, 100);
  Part("big", id, 2, 40);
  ExpectCounted(U(0, 0, 0, 0, 0, 1, 140));
  std::string e2 = Part("big", id, 2, 60);  // re-uploaded: replaces the first
  Part("big", id, 3, 9);                    // uploaded, never listed
  ExpectCounted(U(0, 0, 0, 0, 0, 1, 169));
  auto done = store_->CompleteMultipartUpload("bkt", "big", id, {{1, e1, {}}, {2, e2, {}}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ExpectCounted(U(1, 1, 0, 160, 160));

  std::string other = Upload("gone");
  Part("gone", other, 1, 33);
  ASSERT_TRUE(store_->AbortMultipartUpload("bkt", "gone", other).ok());
  ExpectCounted(U(1, 1, 0, 160, 160));
  // A failed completion changes nothing.
  std::string third = Upload("x");
  Part("x", third, 1, 12);
  EXPECT_FALSE(store_->CompleteMultipartUpload("bkt", "x", third, {{1, "bad", {}}}, {}).ok());
  ExpectCounted(U(1, 1, 0, 160, 160, 1, 12));
}

TEST_F(UsageTest, CopyAndManyDeletesAreCommitsLikeAnyOther) {
  // CopyObject and DeleteObjects reach the store as a PutObject and DeleteObject calls.
  Versioning(Versioning::kEnabled);
  for (int i = 0; i < 20; ++i) Put("k" + std::to_string(i), 10 + i);
  Put("copy", 25);
  for (int i = 0; i < 20; i += 2) Delete("k" + std::to_string(i));
  ExpectCounted(Walk());
  EXPECT_EQ(Counted().objects, 11u);
  EXPECT_EQ(Counted().delete_markers, 10u);
}

TEST_F(UsageTest, RandomMixMatchesTheWalkAndSurvivesReopen) {
  std::mt19937 rng(7);
  std::vector<std::string> uploads;
  for (int step = 0; step < 400; ++step) {
    std::string key = "k" + std::to_string(rng() % 12);
    switch (rng() % 10) {
      case 0: Versioning(Versioning::kEnabled); break;
      case 1:
        if (rng() % 4 == 0) Versioning(Versioning::kSuspended);
        break;
      case 2: Delete(key); break;
      case 3: {
        VersionListQuery q;
        q.prefix = key;
        auto r = store_->ListObjectVersions("bkt", q);
        ASSERT_TRUE(r.ok());
        if (!r->versions.empty()) Delete(key, r->versions[rng() % r->versions.size()].version_id);
        break;
      }
      case 4: {
        std::string id = Upload(key);
        std::string etag = Part(key, id, 1, rng() % 50);
        if (rng() % 2 == 0) {
          ASSERT_TRUE(store_->CompleteMultipartUpload("bkt", key, id, {{1, etag, {}}}, {}).ok());
        } else {
          uploads.push_back(key + "\n" + id);
        }
        break;
      }
      case 5:
        if (!uploads.empty()) {
          std::string entry = uploads.back();
          uploads.pop_back();
          size_t nl = entry.find('\n');
          ASSERT_TRUE(
              store_->AbortMultipartUpload("bkt", entry.substr(0, nl), entry.substr(nl + 1)).ok());
        }
        break;
      default: Put(key, rng() % 60); break;
    }
    if (step % 50 == 0) {
      ASSERT_EQ(Counted(), Walk()) << "step " << step;
    }
  }
  BucketUsage before = Counted();
  EXPECT_EQ(before, Walk());
  Open();
  EXPECT_EQ(Counted(), before);
}

TEST_F(UsageTest, ConcurrentCommitsInOneBucket) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i % 7);
        ASSERT_TRUE(PutString(*store_, "bkt", key, Bytes(static_cast<size_t>(i), 1)).ok());
        if (i % 5 == 0) {
          ASSERT_TRUE(store_->DeleteObject("bkt", key).ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Counted(), Walk());
}

TEST_F(UsageTest, DeleteBucketForgetsAndARecreatedBucketStartsAtZero) {
  std::string id = Upload("u");
  Part("u", id, 1, 10);
  ASSERT_TRUE(store_->DeleteBucket("bkt").ok());  // uploads do not keep it
  ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  ExpectCounted(U(0, 0, 0, 0, 0));
}

TEST_F(UsageTest, LifecycleExpiryIsCounted) {
  for (int i = 0; i < 5; ++i) Put("tmp/" + std::to_string(i), 20);
  Put("keep", 3);
  LifecycleRule rule;
  rule.id = "r";
  rule.filter.prefix = "tmp/";
  rule.expiration_days = 1;
  ASSERT_TRUE(store_->SetBucketLifecycle("bkt", LifecycleConfiguration{{rule}}).ok());
  scanner::ScannerOptions o;
  o.pause = std::chrono::milliseconds(0);
  TimePoint later = Now() + std::chrono::hours(72);
  o.clock = [later] { return later; };
  scanner::LifecycleScanner scanner(*store_, store_.get(), store_.get(), o);
  ASSERT_TRUE(scanner.RunPass().ok());
  ExpectCounted(U(1, 1, 0, 3, 3));
}

// A store written before counters existed: counted once at the first open, then kept.
TEST_F(UsageTest, StoreWithoutCountersIsCountedOnceAtOpen) {
  Versioning(Versioning::kEnabled);
  Put("a", 10);
  Put("a", 20);
  Delete("a");
  Put("b", 30);
  std::string id = Upload("c");
  Part("c", id, 1, 7);
  BucketUsage want = Walk();
  store_.reset();
  {
    // What an older Cairn left: no counters, no marker.
    auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Delete("c/bkt", true).ok());
    ASSERT_TRUE((*db)->Delete("m/usage", true).ok());
    std::string v;
    ASSERT_EQ((*db)->Get("c/bkt", &v).code(), Code::kNotFound);
  }
  Open();
  EXPECT_EQ(Counted(), want);
  Put("d", 1);
  ++want.objects;
  ++want.versions;
  want.bytes += 1;
  want.current_bytes += 1;
  EXPECT_EQ(Counted(), want);
  // The marker keeps a later open from counting again: a counter changed behind its back stays.
  store_.reset();
  {
    auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    meta::WriteBatch batch;
    batch.AddCounters("c/bkt", {1});
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }
  Open();
  EXPECT_EQ(Counted().objects, want.objects + 1);
}

}  // namespace
}  // namespace cairn::storage
