// Per-process resource limits the server depends on.
#pragma once

#include <cstdint>

namespace cairn::platform {

// Raises the soft limit on open files to the hard limit and returns the new soft limit (0 if it
// could not be read). A multipart object keeps every part file open while it is read, so a
// 10,000-part GET needs that many descriptors; the common default soft limit is 1024.
uint64_t RaiseOpenFileLimit();

// The process's resident set size in bytes (from /proc/self/statm), 0 when it cannot be read.
uint64_t ResidentMemoryBytes();

}  // namespace cairn::platform
