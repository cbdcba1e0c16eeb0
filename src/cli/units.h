// Human units on the command line: durations ("7d", "1h30m"), sizes ("10MiB", "1GB") and their
// display, and shell-style name globs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time.h"

namespace cairn::cli {

// "90" (seconds), "90s", "15m", "1h30m", "7d", "2w"; kInvalidArgument otherwise or when zero.
Result<std::chrono::seconds> ParseDuration(std::string_view text);
// "512", "10KB" (1000), "10KiB" (1024), "1.5G" (GiB-less letters count as decimal: K, M, G, T).
Result<uint64_t> ParseSize(std::string_view text);

// 1536 → "1.5KiB", 12 → "12B" (as mc prints sizes).
std::string FormatSize(uint64_t bytes);
// "2024-05-01 13:04:05 UTC"
std::string FormatDate(TimePoint t);
// A duration as "7d0h0m0s"-free text: "7d", "1h", "3m20s".
std::string FormatDuration(std::chrono::seconds d);

// Shell glob (`*`, `?`, `[...]`) on a whole name.
bool GlobMatch(std::string_view pattern, std::string_view name);

}  // namespace cairn::cli
