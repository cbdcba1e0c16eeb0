#include "storage/erasure/layout.h"

#include <algorithm>

namespace cairn::storage::erasure {

uint64_t ErasureLayout::BlockSizeOf(uint64_t object_size, uint64_t block) const {
  uint64_t start = block * block_size_;
  if (block >= BlockCount(object_size)) return 0;
  return std::min(block_size_, object_size - start);
}

uint64_t ErasureLayout::ShardSize(uint64_t object_size) const {
  uint64_t full = object_size / block_size_;
  return full * shard_block_size() + CeilDiv(object_size % block_size_, data_);
}

BlockRange ErasureLayout::BlocksOf(uint64_t object_size, uint64_t offset, uint64_t length) const {
  if (length == 0 || offset >= object_size) return {};
  uint64_t last = (offset + length - 1) / block_size_;
  uint64_t first = offset / block_size_;
  return {first, last - first + 1};
}

BlockSpan ErasureLayout::SpanOf(uint64_t object_size, uint64_t block, uint64_t offset,
                                uint64_t length) const {
  BlockSpan span;
  span.block = block;
  span.block_size = BlockSizeOf(object_size, block);
  span.shard_block_size = CeilDiv(span.block_size, data_);
  uint64_t start = block * block_size_;
  span.begin = offset > start ? offset - start : 0;
  span.end = std::min(span.block_size, offset + length - start);
  if (span.end > span.begin && span.shard_block_size > 0) {
    span.first_shard = static_cast<int>(span.begin / span.shard_block_size);
    span.last_shard = static_cast<int>((span.end - 1) / span.shard_block_size);
  }
  return span;
}

}  // namespace cairn::storage::erasure
