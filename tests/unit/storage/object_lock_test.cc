#include "storage/object_lock.h"

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

using std::chrono::seconds;

const TimePoint kNow = FromUnixNanos(1700000000000000000);

ObjectLock Retained(RetentionMode mode, TimePoint until) { return ObjectLock{mode, until, false}; }

TEST(ObjectLockTest, RemovalFollowsModeDateAndHold) {
  EXPECT_TRUE(CheckVersionRemovable(ObjectLock{}, kNow, false).ok());
  const ObjectLock compliance = Retained(RetentionMode::kCompliance, kNow + seconds(10));
  EXPECT_EQ(CheckVersionRemovable(compliance, kNow, false).code(), Code::kAccessDenied);
  EXPECT_EQ(CheckVersionRemovable(compliance, kNow, true).code(), Code::kAccessDenied);
  EXPECT_EQ(CheckVersionRemovable(compliance, kNow, true).message(), kObjectLockedMessage);
  EXPECT_TRUE(CheckVersionRemovable(compliance, kNow + seconds(10), false).ok());  // date passed
  const ObjectLock governance = Retained(RetentionMode::kGovernance, kNow + seconds(10));
  EXPECT_EQ(CheckVersionRemovable(governance, kNow, false).code(), Code::kAccessDenied);
  EXPECT_TRUE(CheckVersionRemovable(governance, kNow, true).ok());
  ObjectLock hold;
  hold.legal_hold = true;
  EXPECT_EQ(CheckVersionRemovable(hold, kNow, true).code(), Code::kAccessDenied);
  ObjectLock expired_with_hold = Retained(RetentionMode::kGovernance, kNow - seconds(1));
  expired_with_hold.legal_hold = true;
  EXPECT_TRUE(VersionIsLocked(expired_with_hold, kNow));
  EXPECT_TRUE(VersionIsLocked(governance, kNow));  // lifecycle never bypasses
  EXPECT_FALSE(VersionIsLocked(governance, kNow + seconds(11)));
}

TEST(ObjectLockTest, RetentionMayGrowButNotShrink) {
  const ObjectLock compliance = Retained(RetentionMode::kCompliance, kNow + seconds(10));
  const auto later = kNow + seconds(20), sooner = kNow + seconds(5);
  EXPECT_TRUE(
      CheckRetentionChange(compliance, RetentionMode::kCompliance, later, kNow, false).ok());
  EXPECT_FALSE(
      CheckRetentionChange(compliance, RetentionMode::kCompliance, sooner, kNow, true).ok());
  EXPECT_FALSE(
      CheckRetentionChange(compliance, RetentionMode::kGovernance, later, kNow, true).ok());
  EXPECT_FALSE(CheckRetentionChange(compliance, RetentionMode::kNone, {}, kNow, true).ok());
  const ObjectLock governance = Retained(RetentionMode::kGovernance, kNow + seconds(10));
  EXPECT_TRUE(
      CheckRetentionChange(governance, RetentionMode::kGovernance, later, kNow, false).ok());
  EXPECT_TRUE(
      CheckRetentionChange(governance, RetentionMode::kCompliance, later, kNow, false).ok());
  EXPECT_FALSE(
      CheckRetentionChange(governance, RetentionMode::kGovernance, sooner, kNow, false).ok());
  EXPECT_TRUE(
      CheckRetentionChange(governance, RetentionMode::kGovernance, sooner, kNow, true).ok());
  EXPECT_TRUE(CheckRetentionChange(governance, RetentionMode::kNone, {}, kNow, true).ok());
  // An expired retention no longer protects anything.
  EXPECT_TRUE(
      CheckRetentionChange(compliance, RetentionMode::kNone, {}, kNow + seconds(10), false).ok());
}

TEST(ObjectLockTest, DefaultRetentionCountsDaysAndYears) {
  EXPECT_TRUE(DefaultLockAt(DefaultRetention{}, kNow).empty());
  ObjectLock days = DefaultLockAt(DefaultRetention{RetentionMode::kGovernance, 2, 0}, kNow);
  EXPECT_EQ(days.mode, RetentionMode::kGovernance);
  EXPECT_EQ(days.retain_until, kNow + std::chrono::hours(48));
  ObjectLock years = DefaultLockAt(DefaultRetention{RetentionMode::kCompliance, 0, 1}, kNow);
  EXPECT_EQ(years.retain_until, kNow + std::chrono::hours(24 * 365));
}

}  // namespace
}  // namespace cairn::storage
