// Bucket lifecycle rules as the store keeps them, and the pure judgements made from them: which
// rules apply to an object, when a current version expires, when a noncurrent version or an
// upload is due. The S3 layer parses and renders the XML (s3/lifecycle_xml.h); the scanner
// (storage/scanner/) carries the rules out; GET/HEAD/PUT answer x-amz-expiration from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"

namespace cairn::storage {

// The same alias object_store.h declares (which includes this header).
using Tags = std::vector<std::pair<std::string, std::string>>;

// A real day. CAIRN_LIFECYCLE_DAY_SECONDS shortens it for tests.
inline constexpr int64_t kSecondsPerDay = 86400;

// How a rule's filter was written, so GetBucketLifecycleConfiguration answers the shape given.
enum class LifecycleFilterForm : uint8_t {
  kLegacyPrefix = 0,  // <Rule><Prefix>..</Prefix> (the pre-2016 form)
  kFilter = 1,        // <Filter> with at most one condition (or none: every object)
  kAnd = 2,           // <Filter><And>..</And></Filter>
};

// Every condition present must hold. Size bounds are strict, as AWS's are.
struct LifecycleFilter {
  LifecycleFilterForm form = LifecycleFilterForm::kFilter;
  std::string prefix;
  Tags tags;
  std::optional<uint64_t> size_greater_than;
  std::optional<uint64_t> size_less_than;
};

struct LifecycleRule {
  std::string id;
  bool enabled = true;
  LifecycleFilter filter;
  // Expiration of the current version: after `expiration_days` days, or on `expiration_date`
  // (midnight UTC); or, alone, the removal of expired object delete markers.
  std::optional<int> expiration_days;
  std::optional<TimePoint> expiration_date;
  bool expired_object_delete_marker = false;
  // NoncurrentVersionExpiration: a version this many days after it became noncurrent, keeping
  // the `newer_noncurrent_versions` newest noncurrent ones.
  std::optional<int> noncurrent_days;
  std::optional<int> newer_noncurrent_versions;
  // AbortIncompleteMultipartUpload.
  std::optional<int> abort_days;

  bool ExpiresCurrent() const { return expiration_days || expiration_date; }
};

struct LifecycleConfiguration {
  std::vector<LifecycleRule> rules;
};

// Whether an object version (its key, size and tags) passes `filter`.
bool LifecycleMatches(const LifecycleFilter& filter, std::string_view key, uint64_t size,
                      const Tags& tags);

// The moment `days` lifecycle days after `since`. With real days (kSecondsPerDay) it is rounded
// up to the next midnight UTC, as AWS computes expiry dates; shortened test days are not rounded.
TimePoint LifecycleDueTime(TimePoint since, int days, int64_t day_seconds);

// When the current version of an object expires, and by which rule: the earliest among the
// enabled rules that match it and expire current versions. nullopt when none does.
struct LifecycleExpiry {
  TimePoint when;
  std::string rule_id;
};
std::optional<LifecycleExpiry> CurrentVersionExpiry(const LifecycleConfiguration& config,
                                                    std::string_view key, uint64_t size,
                                                    const Tags& tags, TimePoint modified,
                                                    int64_t day_seconds);

// The x-amz-expiration header value: expiry-date="Fri, 23 Dec 2026 00:00:00 GMT", rule-id="r".
std::string FormatExpirationHeader(const LifecycleExpiry& expiry);

// Whether a noncurrent version is due: it became noncurrent at `noncurrent_since` and
// `newer_noncurrent` noncurrent versions of its key are newer than it. True when an enabled
// rule matching it says so at `now`.
bool NoncurrentVersionDue(const LifecycleConfiguration& config, std::string_view key, uint64_t size,
                          const Tags& tags, TimePoint noncurrent_since, int newer_noncurrent,
                          TimePoint now, int64_t day_seconds);

// Whether a delete marker that is the only version of its key left is to be removed.
bool ExpiredDeleteMarkerDue(const LifecycleConfiguration& config, std::string_view key);

// Whether a multipart upload of `key` initiated at `initiated` is to be aborted at `now`.
bool UploadAbortDue(const LifecycleConfiguration& config, std::string_view key, TimePoint initiated,
                    TimePoint now, int64_t day_seconds);

}  // namespace cairn::storage
