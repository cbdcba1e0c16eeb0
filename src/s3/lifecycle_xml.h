// The XML of PutBucketLifecycleConfiguration / GetBucketLifecycleConfiguration. Pure: no I/O.
//
// ParseLifecycleConfiguration validates as AWS does: kMalformedXML for a body that is not a
// LifecycleConfiguration of 1..1000 Rules, a Rule with an unknown element, a bad Status, both or
// neither of Filter and Prefix, a Filter with more than one condition outside And, Days with Date,
// or ExpiredObjectDeleteMarker with either; kInvalidArgumentS3 for an ID over 255 characters or
// used twice, a count that is not a positive integer, a Date not at midnight UTC, size bounds that
// cross; kInvalidRequest for a rule without action, duplicate tag keys in a filter, or a tag filter
// on AbortIncompleteMultipartUpload; kNotImplemented for Transition and
// NoncurrentVersionTransition (Cairn has no storage tiers).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/lifecycle.h"

namespace cairn::s3 {

inline constexpr size_t kMaxLifecycleRules = 1000;
inline constexpr size_t kMaxLifecycleRuleId = 255;

Result<storage::LifecycleConfiguration> ParseLifecycleConfiguration(std::string_view xml);
std::string RenderLifecycleConfiguration(const storage::LifecycleConfiguration& config);

}  // namespace cairn::s3
