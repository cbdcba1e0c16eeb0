// Object and bucket tags on the client side, as pure functions: the `tag set` argument
// ("k1=v1&k2=v2", mc's form), the <Tagging> documents sent and received, and `tag list`'s lines.
// The requests themselves are in s3_client.*.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cairn::cli {

using TagList = std::vector<std::pair<std::string, std::string>>;

// "k1=v1&k2=v2" (URL-encoded as a query string: `%26` is a literal `&`, `+` a space). A pair
// without `=` is a key with an empty value. kInvalidArgument for an empty string, an empty key,
// a key given twice, or bad percent-encoding. The server checks S3's limits.
Result<TagList> ParseTagsArgument(std::string_view text);

// <Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...</TagSet></Tagging>
std::string TaggingXml(const TagList& tags);
// GetObjectTagging / GetBucketTagging answers, in document order.
Result<TagList> ParseTaggingXml(std::string_view xml);

// mc's `tag list` text: "Name : <name>" and then "<key> : <value>" by key, the names padded to
// the longest (at least "Name").
std::string TagListText(std::string_view name, const TagList& tags);

}  // namespace cairn::cli
