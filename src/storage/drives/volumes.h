// The data folders of a server as MinIO's command line and MINIO_VOLUMES name them: plain
// folders, or patterns with MinIO's ellipses, `/mnt/disk{1...4}` (decimal; `{01...16}` keeps the
// zero padding; lower-case hex ranges such as `{a...f}`), several per argument expanding to
// every combination, left to right.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::storage::drives {

// MinIO's limits for one erasure set (Cairn serves one set: a single pool).
inline constexpr size_t kMaxDrives = 16;

// One argument's folders. kInvalidArgument for a malformed range (start after end, not a
// number, an empty side), or one expanding to more than kMaxDrives * 64 names.
Result<std::vector<std::string>> ExpandEllipses(std::string_view arg);

// Every argument expanded, in order. All of them use ellipses or none do (MinIO refuses a mix);
// a folder named twice, or more than kMaxDrives folders in all, is kInvalidArgument.
Result<std::vector<std::string>> ExpandVolumes(const std::vector<std::string>& args);

}  // namespace cairn::storage::drives
