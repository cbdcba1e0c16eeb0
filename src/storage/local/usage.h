// Usage counters: per bucket, one counter vector at `c/<bucket>` (docs/storage-format.md,
// "Usage counters"), changed by a merge operand in the same batch as each commit that adds,
// moves or removes a version, an upload or a part. Counting never reads the counters, so
// concurrent commits in one bucket need no lock between them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/index/index.h"
#include "storage/meta/meta_db.h"
#include "storage/object_store.h"
#include "storage/records.h"

namespace cairn::storage::local {

inline constexpr std::string_view kUsagePrefix = "c/";  // c/<bucket>: the bucket's counters
// Present once every bucket's counters were computed (by the first open that knew them).
inline constexpr std::string_view kUsageCountedKey = "m/usage";
std::string UsageKey(std::string_view bucket);

// The fields of the counter vector, in stored order (new fields go at the end).
enum UsageField : size_t {
  kUsageObjects,
  kUsageVersions,
  kUsageDeleteMarkers,
  kUsageBytes,
  kUsageCurrentBytes,
  kUsageUploads,
  kUsageUploadBytes,
  kUsageFieldCount,
};

// What one commit changes in one bucket's counters.
class UsageDelta {
 public:
  // `rec` put at (+1) or removed from (-1) the object's live place, `o/...`.
  void Live(const ObjectRecord& rec, int sign);
  // `rec` put into (+1) or removed from (-1) the key's history, `v/...`.
  void History(const ObjectRecord& rec, int sign);
  // An upload created (+1) or ended (-1).
  void Upload(int sign) { f_[kUsageUploads] += sign; }
  void PartBytes(int64_t bytes) { f_[kUsageUploadBytes] += bytes; }
  // Adds the change to `batch` (nothing when there is none).
  void AddTo(index::IndexBatch& batch, std::string_view bucket) const;
  int64_t field(UsageField f) const { return f_[f]; }

 private:
  std::array<int64_t, kUsageFieldCount> f_{};
};

BucketUsage DecodeUsage(std::vector<int64_t> counters);

}  // namespace cairn::storage::local
