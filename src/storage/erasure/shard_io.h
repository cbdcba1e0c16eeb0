// The seams between the erasure streams and whatever stores shards (drive files today, RADOS
// objects later). The erasure library never opens a file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"

namespace cairn::storage::erasure {

// Where one shard is written, in order. Called from one thread at a time.
class ShardSink {
 public:
  virtual ~ShardSink() = default;
  // Appends bytes. An error marks the shard lost: nothing more is appended to it.
  virtual Status Append(std::span<const uint8_t> bytes) = 0;
  // Called once after the last Append: the shard is complete (a file sink syncs it here).
  virtual Status Finish() = 0;
};

// Where one shard is read from. Called from one thread at a time.
class ShardSource {
 public:
  virtual ~ShardSource() = default;
  // Fills all of `out` with the shard's bytes at `offset`. Bytes that are not there (the shard
  // is shorter: truncated) are kCorruption; any other error (the drive is gone) means missing.
  virtual Status ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
};

// What a read or heal found about the shards it touched, for the engine to queue a heal.
// Shards it did not need to read are in neither list.
struct ShardReport {
  std::vector<int> missing;  // no source, or its reads failed
  std::vector<int> corrupt;  // a refused header, a short shard, or a block failing its hash
  bool healthy() const { return missing.empty() && corrupt.empty(); }
};

}  // namespace cairn::storage::erasure
