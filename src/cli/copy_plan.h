// Object→object copies too large for one CopyObject (5 GiB on S3 and Cairn): how the source is
// cut into UploadPartCopy parts (x-amz-copy-source-range), and when a copy goes multipart.
// Pure; S3Client::CopyObjectMultipart does the requests.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::cli {

inline constexpr uint64_t kMinPartSize = 5ull << 20;  // S3's minimum for all but the last part
inline constexpr uint64_t kMaxPartSize = 5ull << 30;  // and its maximum
inline constexpr uint64_t kMaxCopySize = 5ull << 30;  // one CopyObject
inline constexpr int kMaxParts = 10000;

struct CopyPart {
  int number = 0;      // 1-based
  uint64_t first = 0;  // inclusive byte range of the source
  uint64_t last = 0;
  uint64_t size() const { return last - first + 1; }
  // "bytes=first-last", for x-amz-copy-source-range.
  std::string Range() const;
};

// Cuts `size` bytes (> 0) into parts of `part_size` (raised to kMinPartSize, capped at
// kMaxPartSize), the last one shorter. When that would make more than 10,000 parts the part
// size grows to the smallest whole MiB that fits them in 10,000.
std::vector<CopyPart> PlanCopyParts(uint64_t size, uint64_t part_size);

struct CopyTuning {
  uint64_t threshold = 1ull << 30;    // sources larger than this copy multipart
  uint64_t part_size = 512ull << 20;  // before PlanCopyParts' adjustments
  int threads = 4;                    // parts copied at once
  bool Multipart(uint64_t size) const { return size > threshold || size > kMaxCopySize; }
};

// The defaults, or for tests CAIRN_CLI_COPY_THRESHOLD and CAIRN_CLI_COPY_PART_SIZE (sizes as
// ParseSize reads them, e.g. "5MiB"); kInvalidArgument names a variable that does not parse.
// `getenv` is std::getenv outside tests.
Result<CopyTuning> CopyTuningFromEnv(
    const std::function<std::optional<std::string>(const char*)>& getenv);
Result<CopyTuning> CopyTuningFromEnv();

}  // namespace cairn::cli
