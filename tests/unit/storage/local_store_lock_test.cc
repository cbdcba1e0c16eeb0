// Object lock through the ObjectStore seam: buckets created with lock, lock enabled later,
// default retention on PUT and multipart, enforcement on version deletes and retention changes,
// and the lock state surviving a restart.
#include <gtest/gtest.h>

#include <thread>

#include "common/byte_source.h"
#include "storage/local_store.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::PutString;
using testing::TempDir;

class LockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.min_part_size = 1;
    Open();
    ASSERT_TRUE(store_->CreateBucket("locked", "", /*object_lock=*/true).ok());
    ASSERT_TRUE(store_->CreateBucket("plain", "").ok());
  }
  void Open() {
    store_.reset();
    store_ = testing::OpenOrDie(dir_.path(), options_);
  }
  ObjectInfo Put(const std::string& bucket, const std::string& key, const ObjectLock& lock = {}) {
    PutOptions options;
    options.lock = lock;
    auto info = PutString(*store_, bucket, key, "data", options);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? *info : ObjectInfo{};
  }

  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LockTest, LockedBucketIsVersionedAndCannotBeSuspended) {
  auto info = store_->GetBucket("locked");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->object_lock);
  EXPECT_EQ(info->versioning, Versioning::kEnabled);
  EXPECT_EQ(store_->SetBucketVersioning("locked", Versioning::kSuspended).code(),
            Code::kInvalidBucketState);
  EXPECT_TRUE(store_->SetBucketVersioning("locked", Versioning::kEnabled).ok());
  // Enabling lock later needs versioning Enabled.
  EXPECT_EQ(store_->SetBucketObjectLock("plain", {}).code(), Code::kInvalidBucketState);
  ASSERT_TRUE(store_->SetBucketVersioning("plain", Versioning::kSuspended).ok());
  EXPECT_EQ(store_->SetBucketObjectLock("plain", {}).code(), Code::kInvalidBucketState);
  ASSERT_TRUE(store_->SetBucketVersioning("plain", Versioning::kEnabled).ok());
  DefaultRetention def{RetentionMode::kGovernance, 1, 0};
  ASSERT_TRUE(store_->SetBucketObjectLock("plain", def).ok());
  Open();  // durable
  info = store_->GetBucket("plain");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->object_lock);
  EXPECT_EQ(info->default_retention, def);
}

TEST_F(LockTest, LockStateOnABucketWithoutLockIsRefused) {
  PutOptions options;
  options.lock.legal_hold = true;
  EXPECT_EQ(PutString(*store_, "plain", "k", "x", options).status().code(), Code::kInvalidRequest);
  EXPECT_EQ(store_->CreateMultipartUpload("plain", "k", options).status().code(),
            Code::kInvalidRequest);
  ASSERT_TRUE(PutString(*store_, "plain", "k", "x").ok());
  EXPECT_EQ(store_->SetObjectLegalHold("plain", "k", "", true).status().code(),
            Code::kInvalidRequest);
}

TEST_F(LockTest, ComplianceBlocksDeletionUntilItsDate) {
  const TimePoint until = Now() + std::chrono::milliseconds(1500);
  ObjectInfo v = Put("locked", "k", ObjectLock{RetentionMode::kCompliance, until, false});
  EXPECT_EQ(v.lock.mode, RetentionMode::kCompliance);
  DeleteOptions bypass;
  bypass.bypass_governance = true;
  EXPECT_EQ(store_->DeleteObject("locked", "k", v.version_id, bypass).status().code(),
            Code::kAccessDenied);
  // Shortening is refused, extending is not.
  EXPECT_EQ(store_
                ->SetObjectRetention("locked", "k", v.version_id, RetentionMode::kCompliance,
                                     until - std::chrono::milliseconds(500), true)
                .status()
                .code(),
            Code::kAccessDenied);
  // Without a version id a delete marker is written; the version stays.
  auto marker = store_->DeleteObject("locked", "k");
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  Open();  // the lock is in the committed record
  auto head = store_->HeadObject("locked", "k", v.version_id);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->lock.retain_until, until);
  EXPECT_EQ(store_->DeleteObject("locked", "k", v.version_id).status().code(), Code::kAccessDenied);
  std::this_thread::sleep_until(
      Clock::time_point(std::chrono::duration_cast<Clock::duration>(until.time_since_epoch())) +
      std::chrono::milliseconds(50));
  EXPECT_TRUE(store_->DeleteObject("locked", "k", v.version_id).ok());
  EXPECT_EQ(store_->HeadObject("locked", "k", v.version_id).status().code(), Code::kNoSuchVersion);
}

TEST_F(LockTest, GovernanceNeedsTheBypassAndLegalHoldBlocksBoth) {
  ObjectInfo v = Put("locked", "g",
                     ObjectLock{RetentionMode::kGovernance, Now() + std::chrono::hours(1), false});
  EXPECT_EQ(store_->DeleteObject("locked", "g", v.version_id).status().code(), Code::kAccessDenied);
  ASSERT_TRUE(store_->SetObjectLegalHold("locked", "g", v.version_id, true).ok());
  DeleteOptions bypass;
  bypass.bypass_governance = true;
  EXPECT_EQ(store_->DeleteObject("locked", "g", v.version_id, bypass).status().code(),
            Code::kAccessDenied);
  ASSERT_TRUE(store_->SetObjectLegalHold("locked", "g", v.version_id, false).ok());
  EXPECT_TRUE(store_->DeleteObject("locked", "g", v.version_id, bypass).ok());
  // A legal hold alone blocks too, and lifts when cleared.
  ObjectLock hold;
  hold.legal_hold = true;
  ObjectInfo h = Put("locked", "h", hold);
  EXPECT_EQ(store_->DeleteObject("locked", "h", h.version_id).status().code(), Code::kAccessDenied);
  ASSERT_TRUE(store_->SetObjectLegalHold("locked", "h", h.version_id, false).ok());
  EXPECT_TRUE(store_->DeleteObject("locked", "h", h.version_id).ok());
}

TEST_F(LockTest, DefaultRetentionAppliesToPutsAndMultipart) {
  ASSERT_TRUE(
      store_->SetBucketObjectLock("locked", DefaultRetention{RetentionMode::kCompliance, 1, 0})
          .ok());
  const TimePoint before = Now();
  ObjectInfo v = Put("locked", "d");
  EXPECT_EQ(v.lock.mode, RetentionMode::kCompliance);
  EXPECT_GE(v.lock.retain_until, before + std::chrono::hours(24));
  EXPECT_LE(v.lock.retain_until, Now() + std::chrono::hours(24));
  // An explicit retention wins over the default.
  const TimePoint until = Now() + std::chrono::hours(2);
  ObjectInfo e = Put("locked", "e", ObjectLock{RetentionMode::kGovernance, until, false});
  EXPECT_EQ(e.lock.mode, RetentionMode::kGovernance);
  EXPECT_EQ(e.lock.retain_until, until);

  auto up = store_->CreateMultipartUpload("locked", "mp", {});
  ASSERT_TRUE(up.ok());
  testing::TestSource body("part");
  auto part = store_->UploadPart("locked", "mp", up->upload_id, 1, body, 4, {});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  auto done = store_->CompleteMultipartUpload("locked", "mp", up->upload_id,
                                              {CompletedPart{1, part->etag, {}}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->lock.mode, RetentionMode::kCompliance);
  EXPECT_EQ(store_->DeleteObject("locked", "mp", done->version_id).status().code(),
            Code::kAccessDenied);
}

}  // namespace
}  // namespace cairn::storage
