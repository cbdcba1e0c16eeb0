// StripeReader (internal to storage/erasure): loads the shard blocks of one block of an object,
// checking headers and bitrot hashes, reading parity only when a shard it needs fails, and
// reconstructing what is missing. Shared by the decoder and the healer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "storage/erasure/codec.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"

namespace cairn::storage::erasure {

class StripeReader {
 public:
  // `sources` has params.data + params.parity entries (nullptr: missing); they outlive the reader.
  // Shards in `excluded` are never read nor reported (the healer's targets).
  StripeReader(const ErasureParams& params, ErasureCodec codec, uint64_t object_size,
               std::span<ShardSource* const> sources, uint32_t excluded);

  // Makes shard blocks `needed` (bit i = shard i) of block `block` available through shard().
  // Shard blocks already read or rebuilt for the same block are kept, so successive loads of
  // one block read each shard once. kUnavailable when fewer than data shards of it are good.
  Status Load(uint64_t block, uint32_t needed);
  // Reads and checks the headers of shards `which` not checked yet (Load does it on first use).
  void CheckHeaders(uint32_t which);
  // Shard block `i` of the last Load (shard_block_size() bytes).
  uint8_t* shard(int i) { return slots_.data() + static_cast<size_t>(i) * stride_ + hash_size_; }
  uint64_t shard_block_size() const { return shard_block_size_; }

  // Missing and corrupt shards found so far.
  ShardReport Report() const;

 private:
  enum class State { kUnchecked, kGood, kMissing, kCorrupt, kExcluded };
  // Reads shard `i`'s block `block` into its slot and verifies it; false when the shard is bad.
  bool ReadShard(int i, uint64_t block);
  // Checks shard `i`'s header once; false when the shard is bad.
  bool CheckHeader(int i);
  void MarkFailed(int i, const Status& status);

  ErasureParams params_;
  ErasureCodec codec_;
  ErasureLayout layout_;
  uint64_t object_size_;
  std::vector<ShardSource*> sources_;
  // A shard whose header was refused, that is short (kCorruption) or unreadable is not read
  // again; one with a block failing its hash is (rotten_), only that block is treated as missing.
  std::vector<State> states_;
  uint32_t rotten_ = 0;  // shards with at least one block failing its hash
  size_t hash_size_;
  size_t stride_;                  // slot bytes per shard: hash, then the largest shard block
  std::vector<uint8_t> slots_;     // one slot per shard
  uint64_t shard_block_size_ = 0;  // of the last loaded block
  uint64_t loaded_block_ = UINT64_MAX;
  uint32_t valid_ = 0;        // slots holding the loaded block's shard blocks (read or rebuilt)
  uint32_t failed_here_ = 0;  // shards that failed for the loaded block
};

}  // namespace cairn::storage::erasure
