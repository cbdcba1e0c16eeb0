// ErasureLayout: MinIO's stripe arithmetic. An object is cut into blocks of block_size bytes
// (the last one shorter); each block is split into `data` shard blocks of ceil(block / data)
// bytes, the last of them zero-padded, and `parity` shard blocks of the same size are computed
// from them. Shard i of an object is the concatenation of shard block i of every block.
#pragma once

#include <cstdint>

namespace cairn::storage::erasure {

inline constexpr uint64_t kDefaultBlockSize = 1 << 20;  // MinIO's blockSizeV2

// Where one block's share of a byte range lies.
struct BlockSpan {
  uint64_t block = 0;             // block index in the object
  uint64_t block_size = 0;        // object bytes in this block
  uint64_t shard_block_size = 0;  // bytes of each shard block of this block
  uint64_t begin = 0;             // first wanted byte, relative to the block start
  uint64_t end = 0;               // one past the last wanted byte, relative to the block start
  int first_shard = 0;            // data shards holding [begin, end): first_shard..last_shard
  int last_shard = 0;
};

// Blocks [first, last] hold a byte range; empty when count == 0.
struct BlockRange {
  uint64_t first = 0;
  uint64_t count = 0;
};

class ErasureLayout {
 public:
  // data >= 1 and block_size >= 1 (the codec validates the geometry).
  ErasureLayout(int data, uint64_t block_size) : data_(data), block_size_(block_size) {}

  int data() const { return data_; }
  uint64_t block_size() const { return block_size_; }
  // Shard block bytes of a full block: ceil(block_size / data).
  uint64_t shard_block_size() const { return CeilDiv(block_size_, data_); }

  uint64_t BlockCount(uint64_t object_size) const { return CeilDiv(object_size, block_size_); }
  // Object bytes in block `block` (0 past the end).
  uint64_t BlockSizeOf(uint64_t object_size, uint64_t block) const;
  // Bytes of each shard block of block `block`.
  uint64_t ShardBlockSizeOf(uint64_t object_size, uint64_t block) const {
    return CeilDiv(BlockSizeOf(object_size, block), data_);
  }
  // Payload bytes of every shard of the object (MinIO's ShardFileSize): the same for all shards.
  uint64_t ShardSize(uint64_t object_size) const;
  // Payload offset of block `block`'s shard block within a shard (every earlier block is full).
  uint64_t ShardOffsetOf(uint64_t block) const { return block * shard_block_size(); }

  // The blocks holding [offset, offset + length); offset + length <= object_size.
  BlockRange BlocksOf(uint64_t object_size, uint64_t offset, uint64_t length) const;
  // Block `block`'s share of [offset, offset + length); the block must be in BlocksOf().
  BlockSpan SpanOf(uint64_t object_size, uint64_t block, uint64_t offset, uint64_t length) const;

  static uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

 private:
  int data_;
  uint64_t block_size_;
};

}  // namespace cairn::storage::erasure
