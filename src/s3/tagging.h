// Tag sets: the <Tagging> XML body, the x-amz-tagging header, and S3's limits on both.
// Pure: no I/O, so the fuzz target for XML bodies calls it alone.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/object_store.h"

namespace cairn::s3 {

inline constexpr size_t kMaxObjectTags = 10;
inline constexpr size_t kMaxBucketTags = 50;

// S3's rules: at most `max_tags` tags (kBadRequest past it), keys of 1..128 and values of
// 0..256 Unicode characters, no duplicate key, no "aws:" prefix (kInvalidTag).
Status ValidateTags(const storage::Tags& tags, size_t max_tags);

// <Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...</TagSet></Tagging>, validated.
Result<storage::Tags> ParseTagging(std::string_view xml, size_t max_tags);

// x-amz-tagging: "k1=v1&k2=v2", URL-encoded, validated as an object's tag set.
Result<storage::Tags> ParseTaggingHeader(std::string_view header);

std::string RenderTagging(const storage::Tags& tags);

}  // namespace cairn::s3
