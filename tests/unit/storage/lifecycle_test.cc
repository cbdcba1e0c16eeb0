// Lifecycle rule matching and due dates (storage/lifecycle.h).
#include "storage/lifecycle.h"

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

TimePoint At(const char* iso) { return *ParseIso8601(iso); }

LifecycleRule ExpireAfter(std::string id, std::string prefix, int days) {
  LifecycleRule r;
  r.id = std::move(id);
  r.filter.prefix = std::move(prefix);
  r.expiration_days = days;
  return r;
}

TEST(LifecycleTest, FilterMatchesPrefixTagsAndStrictSizes) {
  LifecycleFilter f;
  f.prefix = "temp/";
  EXPECT_TRUE(LifecycleMatches(f, "temp/a", 0, {}));
  EXPECT_FALSE(LifecycleMatches(f, "tem", 0, {}));
  EXPECT_FALSE(LifecycleMatches(f, "other/temp/a", 0, {}));
  f.tags = {{"class", "scratch"}, {"team", "a"}};
  EXPECT_FALSE(LifecycleMatches(f, "temp/a", 0, {{"class", "scratch"}}));
  EXPECT_TRUE(LifecycleMatches(f, "temp/a", 0, {{"team", "a"}, {"x", "y"}, {"class", "scratch"}}));
  EXPECT_FALSE(LifecycleMatches(f, "temp/a", 0, {{"team", "b"}, {"class", "scratch"}}));
  LifecycleFilter sized;
  sized.size_greater_than = 10;
  sized.size_less_than = 20;
  EXPECT_FALSE(LifecycleMatches(sized, "k", 10, {}));  // strictly greater
  EXPECT_TRUE(LifecycleMatches(sized, "k", 11, {}));
  EXPECT_TRUE(LifecycleMatches(sized, "k", 19, {}));
  EXPECT_FALSE(LifecycleMatches(sized, "k", 20, {}));  // strictly less
}

TEST(LifecycleTest, RealDaysRoundUpToTheNextMidnightUtc) {
  // AWS: creation time + days, rounded up to the next midnight UTC.
  EXPECT_EQ(LifecycleDueTime(At("2026-12-21T10:30:00Z"), 1, kSecondsPerDay),
            At("2026-12-23T00:00:00Z"));
  EXPECT_EQ(LifecycleDueTime(At("2026-12-21T00:00:00Z"), 2, kSecondsPerDay),
            At("2026-12-23T00:00:00Z"));
  // Shortened test days are not rounded.
  EXPECT_EQ(LifecycleDueTime(At("2026-12-21T10:30:00Z"), 3, 2), At("2026-12-21T10:30:06Z"));
}

TEST(LifecycleTest, CurrentExpiryIsTheEarliestMatchingEnabledRule) {
  LifecycleConfiguration c;
  c.rules.push_back(ExpireAfter("all-30", "", 30));
  c.rules.push_back(ExpireAfter("temp-1", "temp/", 1));
  LifecycleRule off = ExpireAfter("off", "", 0);
  off.enabled = false;
  c.rules.push_back(off);
  LifecycleRule dated;
  dated.id = "dated";
  dated.filter.prefix = "logs/";
  dated.expiration_date = At("2026-01-01T00:00:00Z");
  c.rules.push_back(dated);
  const TimePoint made = At("2026-12-21T10:30:00Z");
  auto temp = CurrentVersionExpiry(c, "temp/x", 1, {}, made, kSecondsPerDay);
  ASSERT_TRUE(temp);
  EXPECT_EQ(temp->rule_id, "temp-1");
  EXPECT_EQ(temp->when, At("2026-12-23T00:00:00Z"));
  EXPECT_EQ(FormatExpirationHeader(*temp),
            "expiry-date=\"Wed, 23 Dec 2026 00:00:00 GMT\", rule-id=\"temp-1\"");
  auto other = CurrentVersionExpiry(c, "x", 1, {}, made, kSecondsPerDay);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->rule_id, "all-30");
  auto logs = CurrentVersionExpiry(c, "logs/a", 1, {}, made, kSecondsPerDay);
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->rule_id, "dated");
  LifecycleConfiguration none;
  none.rules.push_back(off);
  EXPECT_FALSE(CurrentVersionExpiry(none, "x", 1, {}, made, kSecondsPerDay));
}

TEST(LifecycleTest, NoncurrentDueKeepsTheNewerVersionsAsked) {
  LifecycleConfiguration c;
  LifecycleRule r;
  r.id = "nc";
  r.noncurrent_days = 1;
  r.newer_noncurrent_versions = 2;
  c.rules.push_back(r);
  const TimePoint since = At("2026-01-01T00:00:00Z");
  const TimePoint later = At("2026-01-03T00:00:00Z");
  EXPECT_FALSE(NoncurrentVersionDue(c, "k", 1, {}, since, 0, later, kSecondsPerDay));
  EXPECT_FALSE(NoncurrentVersionDue(c, "k", 1, {}, since, 1, later, kSecondsPerDay));
  EXPECT_TRUE(NoncurrentVersionDue(c, "k", 1, {}, since, 2, later, kSecondsPerDay));
  // Not yet a day noncurrent.
  EXPECT_FALSE(
      NoncurrentVersionDue(c, "k", 1, {}, since, 5, At("2026-01-01T12:00:00Z"), kSecondsPerDay));
}

TEST(LifecycleTest, MarkersAndUploads) {
  LifecycleConfiguration c;
  LifecycleRule r;
  r.id = "m";
  r.filter.prefix = "a/";
  r.expired_object_delete_marker = true;
  r.abort_days = 2;
  c.rules.push_back(r);
  EXPECT_TRUE(ExpiredDeleteMarkerDue(c, "a/x"));
  EXPECT_FALSE(ExpiredDeleteMarkerDue(c, "b/x"));
  const TimePoint made = At("2026-01-01T00:00:00Z");
  EXPECT_FALSE(UploadAbortDue(c, "a/x", made, At("2026-01-02T23:00:00Z"), kSecondsPerDay));
  EXPECT_TRUE(UploadAbortDue(c, "a/x", made, At("2026-01-03T00:00:00Z"), kSecondsPerDay));
  EXPECT_FALSE(UploadAbortDue(c, "b/x", made, At("2027-01-01T00:00:00Z"), kSecondsPerDay));
}

}  // namespace
}  // namespace cairn::storage
