// The shard file (or stream) format, docs/storage-format.md "Erasure shards":
//
//   shard  = header, then for each block of the object: hash(shard block) || shard block
//   header = 36 bytes (below); the last shard block is shorter, an empty object has none
//
// The header names the geometry, the hash and this shard's position, and a 16-byte stream id
// chosen by the writer (e.g. the version's data id), so a reader refuses a foreign shard, a
// shard of another object, or one moved to another position, before trusting its hashes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/status.h"
#include "storage/erasure/bitrot.h"
#include "storage/erasure/layout.h"

namespace cairn::storage::erasure {

inline constexpr size_t kShardHeaderSize = 36;
inline constexpr uint8_t kShardMagic[4] = {'C', 'R', 'N', 'S'};
inline constexpr uint8_t kShardFormatVersion = 1;
// Blocks are at most 64 MiB (the header stores them in 32 bits; MinIO uses 1 MiB).
inline constexpr uint64_t kMaxBlockSize = 64 << 20;

using StreamId = std::array<uint8_t, 16>;

// Everything a writer and a reader of one object's shards must agree on.
struct ErasureParams {
  int data = 1;
  int parity = 0;
  uint64_t block_size = kDefaultBlockSize;
  BitrotAlgorithm algorithm = kDefaultBitrotAlgorithm;
  StreamId stream_id{};
};

// The geometry is one the codec accepts, the block size is 1..kMaxBlockSize, the algorithm known.
Status ValidateParams(const ErasureParams& params);
// Shards that must be written durably for a write to count: data, +1 when data == parity (so
// two halves of a split set can never both accept a write).
int WriteQuorum(int data, int parity);
// Good shards a read needs: data (any data of them decode).
inline int ReadQuorum(int data, int /*parity*/) { return data; }

ErasureLayout LayoutOf(const ErasureParams& params);
// Bytes of one shard file of an object of `object_size` bytes: header, hashes and payload.
uint64_t ShardFileSize(const ErasureParams& params, uint64_t object_size);
// Offset in a shard file of block `block`'s hash (its shard block follows).
uint64_t ShardFileOffsetOf(const ErasureParams& params, uint64_t block);

std::array<uint8_t, kShardHeaderSize> EncodeShardHeader(const ErasureParams& params, int index);
// kCorruption, saying why, unless `bytes` is the header of shard `index` of `params`.
Status CheckShardHeader(std::span<const uint8_t> bytes, const ErasureParams& params, int index);

}  // namespace cairn::storage::erasure
