// The lifecycle scanner over a real LocalStore, with a clock the test moves.
#include "storage/scanner/lifecycle_scanner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/meta/meta_db.h"
#include "test_util.h"

namespace cairn::storage::scanner {
namespace {

using testing::PutString;
using testing::TempDir;

constexpr int64_t kDay = 86400;

class ScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenOrDie(dir_.path());
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
    now_ = ToUnixNanos(Now());
  }
  ScannerOptions Options(int page = 3) {
    ScannerOptions o;
    o.page_size = page;
    o.pause = std::chrono::milliseconds(0);
    o.clock = [this] { return FromUnixNanos(now_.load()); };
    return o;
  }
  void Advance(int64_t seconds) { now_ += seconds * 1000000000; }
  void Rules(std::vector<LifecycleRule> rules, const std::string& bucket = "bkt") {
    ASSERT_TRUE(store_->SetBucketLifecycle(bucket, LifecycleConfiguration{std::move(rules)}).ok());
  }
  std::string Put(const std::string& key, const std::string& data = "x",
                  const PutOptions& options = {}) {
    auto info = PutString(*store_, "bkt", key, data, options);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->version_id : "";
  }
  bool Exists(const std::string& key) { return store_->HeadObject("bkt", key).ok(); }
  std::vector<ObjectInfo> Versions(const std::string& key) {
    VersionListQuery q;
    q.prefix = key;
    auto r = store_->ListObjectVersions("bkt", q);
    EXPECT_TRUE(r.ok());
    std::vector<ObjectInfo> out;
    for (auto& v : r->versions) {
      if (v.key == key) out.push_back(v);
    }
    return out;
  }
  ScannerPass Pass(LifecycleScanner& scanner) {
    EXPECT_TRUE(scanner.RunPass().ok());
    auto s = scanner.status();
    EXPECT_TRUE(s.last.has_value());
    return s.last.value_or(ScannerPass{});
  }

  TempDir dir_;
  std::unique_ptr<LocalStore> store_;
  std::atomic<int64_t> now_{0};
};

LifecycleRule Expire(const std::string& id, const std::string& prefix, int days) {
  LifecycleRule r;
  r.id = id;
  r.filter.prefix = prefix;
  r.expiration_days = days;
  return r;
}

TEST_F(ScannerTest, ExpiresOnlyThePrefixOnceDue) {
  for (int i = 0; i < 7; ++i) Put("temp/" + std::to_string(i));
  Put("keep/a");
  Put("tempo");
  Rules({Expire("t", "temp/", 1)});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options());
  EXPECT_EQ(Pass(scanner).expired, 0u);  // not due yet
  EXPECT_TRUE(Exists("temp/0"));
  Advance(2 * kDay);
  ScannerPass pass = Pass(scanner);
  EXPECT_EQ(pass.expired, 7u);
  EXPECT_EQ(pass.errors, 0u);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(Exists("temp/" + std::to_string(i)));
  EXPECT_TRUE(Exists("keep/a"));
  EXPECT_TRUE(Exists("tempo"));
  // Walked only the rule's range: the two other objects were never looked at.
  EXPECT_EQ(pass.scanned, 7u);
  // A finished pass leaves no checkpoint.
  EXPECT_FALSE(store_->GetSystem(LifecycleScanner::kCheckpointKey)->has_value());
}

TEST_F(ScannerTest, StatusKeepsTheLastPassThatActed) {
  Put("temp/a");
  Rules({Expire("t", "temp/", 1)});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options());
  Pass(scanner);
  EXPECT_FALSE(scanner.status().last_active.has_value());  // nothing due: an idle pass
  Advance(2 * kDay);
  EXPECT_EQ(Pass(scanner).expired, 1u);
  EXPECT_EQ(Pass(scanner).expired, 0u);  // the next pass finds nothing left
  auto s = scanner.status();
  EXPECT_EQ(s.passes, 3u);
  ASSERT_TRUE(s.last_active.has_value());
  EXPECT_EQ(s.last_active->expired, 1u);
  EXPECT_EQ(s.last->expired, 0u);
}

TEST_F(ScannerTest, TagAndSizeFiltersAndDisabledRules) {
  PutOptions tagged;
  tagged.tags = {{"class", "scratch"}};
  Put("a", "x", tagged);
  Put("b", "x");
  Put("small", "1");
  Put("big", std::string(100, 'b'));
  LifecycleRule by_tag = Expire("tag", "", 1);
  by_tag.filter.tags = {{"class", "scratch"}};
  LifecycleRule by_size = Expire("size", "", 1);
  by_size.filter.size_greater_than = 50;
  LifecycleRule off = Expire("off", "b", 1);
  off.enabled = false;
  Rules({by_tag, by_size, off});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options());
  Advance(2 * kDay);
  EXPECT_EQ(Pass(scanner).expired, 2u);
  EXPECT_FALSE(Exists("a"));
  EXPECT_FALSE(Exists("big"));
  EXPECT_TRUE(Exists("b"));
  EXPECT_TRUE(Exists("small"));
}

TEST_F(ScannerTest, VersionedExpiryWritesAMarkerAndNoncurrentKeepsNewer) {
  ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Put("doc", "v" + std::to_string(i)));
    Advance(60);
  }
  LifecycleRule nc;
  nc.id = "nc";
  nc.noncurrent_days = 1;
  nc.newer_noncurrent_versions = 2;
  Rules({nc});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options(2));
  Advance(2 * kDay);
  ScannerPass pass = Pass(scanner);
  EXPECT_EQ(pass.noncurrent_removed, 2u);
  auto left = Versions("doc");
  ASSERT_EQ(left.size(), 3u);  // the current one and the two newest noncurrent
  EXPECT_EQ(left[0].version_id, ids[4]);
  EXPECT_EQ(left[1].version_id, ids[3]);
  EXPECT_EQ(left[2].version_id, ids[2]);
  // Current expiry in a versioned bucket hides the object behind a marker.
  Rules({Expire("e", "", 1)});
  EXPECT_EQ(Pass(scanner).expired, 1u);
  EXPECT_FALSE(Exists("doc"));
  left = Versions("doc");
  ASSERT_EQ(left.size(), 4u);
  EXPECT_TRUE(left[0].delete_marker);
  // Nothing more to do: a second pass writes no second marker.
  EXPECT_EQ(Pass(scanner).expired, 0u);
  EXPECT_EQ(Versions("doc").size(), 4u);
}

TEST_F(ScannerTest, RemovesOnlyDeleteMarkersLeftAlone) {
  ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
  std::string alone = Put("alone");
  ASSERT_TRUE(store_->DeleteObject("bkt", "alone", alone).ok());
  ASSERT_TRUE(store_->DeleteObject("bkt", "alone", "").ok());  // a marker over nothing
  Put("hidden");
  ASSERT_TRUE(store_->DeleteObject("bkt", "hidden", "").ok());  // a marker over a version
  ASSERT_EQ(Versions("alone").size(), 1u);
  LifecycleRule m;
  m.id = "m";
  m.expired_object_delete_marker = true;
  Rules({m});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options());
  EXPECT_EQ(Pass(scanner).markers_removed, 1u);
  EXPECT_TRUE(Versions("alone").empty());
  EXPECT_EQ(Versions("hidden").size(), 2u);
}

TEST_F(ScannerTest, AbortsStaleUploadsUnderThePrefix) {
  auto stale = store_->CreateMultipartUpload("bkt", "tmp/a", {});
  auto other = store_->CreateMultipartUpload("bkt", "keep/a", {});
  ASSERT_TRUE(stale.ok() && other.ok());
  LifecycleRule r;
  r.id = "abort";
  r.filter.prefix = "tmp/";
  r.abort_days = 1;
  Rules({r});
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options());
  EXPECT_EQ(Pass(scanner).uploads_aborted, 0u);
  Advance(2 * kDay);
  EXPECT_EQ(Pass(scanner).uploads_aborted, 1u);
  EXPECT_EQ(store_->GetUpload("bkt", "tmp/a", stale->upload_id).status().code(),
            Code::kNoSuchUpload);
  EXPECT_TRUE(store_->GetUpload("bkt", "keep/a", other->upload_id).ok());
}

TEST_F(ScannerTest, ResumesFromACheckpointLeftByAnInterruptedPass) {
  for (int i = 0; i < 10; ++i) Put("t/" + std::to_string(i));
  Rules({Expire("t", "t/", 1)});
  Advance(2 * kDay);
  // A pass killed after handling t/0 .. t/3 (they are gone) left its position at t/3.
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(store_->DeleteObject("bkt", "t/" + std::to_string(i)).ok());
  Put("t/0");  // written again after the killed pass had handled it: before the position
  const std::string checkpoint = std::to_string(now_.load()) + std::string(
                                                                   "\0bkt\0"
                                                                   "0\0"
                                                                   "0\0t/3",
                                                                   12);
  ASSERT_TRUE(store_->PutSystem(LifecycleScanner::kCheckpointKey, checkpoint).ok());
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), Options(4));
  ScannerPass pass = Pass(scanner);
  EXPECT_TRUE(pass.resumed);
  EXPECT_EQ(pass.scanned, 6u);  // t/4 .. t/9: the checkpoint's range after its marker
  EXPECT_EQ(pass.expired, 6u);
  EXPECT_TRUE(Exists("t/0"));
  for (int i = 4; i < 10; ++i) EXPECT_FALSE(Exists("t/" + std::to_string(i)));
  EXPECT_FALSE(store_->GetSystem(LifecycleScanner::kCheckpointKey)->has_value());
  // The next pass is a whole one again, and walks the range from its start.
  pass = Pass(scanner);
  EXPECT_FALSE(pass.resumed);
  EXPECT_EQ(pass.scanned, 1u);
  EXPECT_EQ(pass.expired, 1u);
  EXPECT_FALSE(Exists("t/0"));
}

TEST_F(ScannerTest, StopReturnsPromptlyWhilePaced) {
  for (int i = 0; i < 20; ++i) Put("p/" + std::to_string(i));
  Rules({Expire("p", "p/", 1)});
  Advance(2 * kDay);
  ScannerOptions o = Options(1);
  o.pause = std::chrono::milliseconds(1000);
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), o);
  scanner.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto before = std::chrono::steady_clock::now();
  scanner.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(900));
  // Paced: one entry per second, so at most a couple were handled.
  int left = 0;
  for (int i = 0; i < 20; ++i) left += Exists("p/" + std::to_string(i)) ? 1 : 0;
  EXPECT_GE(left, 18);
  // The interrupted pass kept its position for the next start.
  EXPECT_TRUE(store_->GetSystem(LifecycleScanner::kCheckpointKey)->has_value());
}

// A lease another gateway holds: this scanner runs no pass until it is free, then scans.
class FlagLease final : public ScanLease {
 public:
  Result<bool> Hold(std::chrono::seconds) override {
    ++asked;
    return free.load();
  }
  void Release() override { ++released; }
  std::atomic<bool> free{false};
  std::atomic<int> asked{0}, released{0};
};

TEST_F(ScannerTest, APassRunsOnlyWhileTheLeaseIsHeld) {
  Put("old/a");
  Rules({Expire("old", "old/", 1)});
  Advance(2 * kDay);
  auto lease = std::make_shared<FlagLease>();
  ScannerOptions o = Options();
  o.interval = std::chrono::milliseconds(20);
  o.lease = lease;
  LifecycleScanner scanner(*store_, store_.get(), store_.get(), o);
  scanner.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_GE(lease->asked, 2);  // asked again every interval
  EXPECT_EQ(scanner.status().passes, 0u);
  EXPECT_TRUE(Exists("old/a"));
  lease->free = true;
  for (int i = 0; i < 200 && scanner.status().passes == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(scanner.status().passes, 1u);
  EXPECT_FALSE(Exists("old/a"));
  scanner.Stop();
  EXPECT_EQ(lease->released, 1);  // given up when the scanner stops
}

}  // namespace
}  // namespace cairn::storage::scanner
