// ErasureEncoder: streams a body into data + parity shard streams, one block at a time (memory:
// one block plus its parity), each shard block written after its bitrot hash (shard_format.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/byte_source.h"
#include "common/status.h"
#include "storage/erasure/codec.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"

namespace cairn::storage::erasure {

inline constexpr uint64_t kUnknownSize = UINT64_MAX;

struct EncodeResult {
  uint64_t size = 0;      // body bytes encoded
  std::vector<int> lost;  // shards whose sink was absent or failed (to heal later)
};

class ErasureEncoder {
 public:
  static Result<ErasureEncoder> Create(const ErasureParams& params);

  // Reads `body` (exactly `size` bytes, kIncompleteBody if it ends early, never reading past
  // them; or to its end with kUnknownSize) and writes shard i to sinks[i], then Finishes every
  // sink still alive. A null or failing sink is a lost shard and the encode goes on while
  // WriteQuorum() sinks are alive; below it the result is kUnavailable. On any error the sinks
  // are left unfinished for the caller to discard.
  Result<EncodeResult> Encode(ByteSource& body, uint64_t size,
                              std::span<ShardSink* const> sinks) const;

  const ErasureParams& params() const { return params_; }

 private:
  ErasureEncoder(const ErasureParams& params, ErasureCodec codec)
      : params_(params), codec_(std::move(codec)) {}
  ErasureParams params_;
  ErasureCodec codec_;
};

}  // namespace cairn::storage::erasure
