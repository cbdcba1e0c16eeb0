#pragma once

#include <string_view>

namespace cairn::s3 {

// The S3 general-purpose bucket naming rules: 3-63 characters of a-z 0-9 . -, starting and
// ending with a letter or digit, no "..", not an IPv4 address, none of the reserved prefixes
// (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap, --x-s3).
bool IsValidBucketName(std::string_view name);

}  // namespace cairn::s3
