// Healing: rewriting lost or corrupt shards of an object from its other shards.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"

namespace cairn::storage::erasure {

// Rebuilds every shard i with targets[i] != nullptr, byte-identical to what the encoder wrote,
// from the other shards' sources (sources at target positions are ignored), and Finishes each
// target. Every block read is verified; the report names the sources found missing or corrupt
// on the way. A block with fewer than data good sources is kUnavailable; a failing target is
// that target's error (the caller discards what it wrote). Memory: one stripe.
Result<ShardReport> HealShards(const ErasureParams& params, uint64_t object_size,
                               std::span<ShardSource* const> sources,
                               std::span<ShardSink* const> targets);

// Reads and verifies every block of every shard (a scanner's deep check); the report names the
// bad ones. kUnavailable when some block cannot be decoded from what is good.
Result<ShardReport> VerifyShards(const ErasureParams& params, uint64_t object_size,
                                 std::span<ShardSource* const> sources);

}  // namespace cairn::storage::erasure
