// Conditional requests: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since on reads
// (RFC 7232 order, as S3 applies it) and the x-amz-copy-source-if-* family on copies.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/headers.h"
#include "common/status.h"
#include "storage/object_store.h"

namespace cairn::s3 {

// OK, kNotModified (304) or kPreconditionFailed (412).
Status CheckReadConditions(const Headers& headers, const storage::ObjectInfo& info);
// OK or kPreconditionFailed: every failing copy-source condition is a 412.
Status CheckCopySourceConditions(const Headers& headers, const storage::ObjectInfo& info);

// True when an If-Match / If-None-Match list ("*", "\"a\"", "a, \"b\"") names `etag`.
bool EtagListMatches(std::string_view list, std::string_view etag);
// Strips surrounding quotes (and a weak "W/" prefix) from an entity tag.
std::string_view UnquoteEtag(std::string_view etag);

// A single byte range resolved against an object's size.
struct ByteRange {
  uint64_t start = 0;
  uint64_t length = 0;
};
// Parses a Range header against `size`. nullopt: no usable range, serve the whole object
// (absent, malformed, or several ranges). kInvalidRange when the range cannot be satisfied.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size);

}  // namespace cairn::s3
