#include "storage/erasure/layout.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/erasure/shard_format.h"

namespace cairn::storage::erasure {
namespace {

constexpr uint64_t B = kDefaultBlockSize;

// The shard size summed block by block, the way the encoder writes it.
uint64_t SummedShardSize(const ErasureLayout& layout, uint64_t size) {
  uint64_t sum = 0;
  for (uint64_t b = 0; b < layout.BlockCount(size); ++b) sum += layout.ShardBlockSizeOf(size, b);
  return sum;
}

TEST(ErasureLayout, ShardSizesFollowMinioArithmetic) {
  ErasureLayout layout(4, B);  // 4+2 on six drives, or 4+4 on eight
  EXPECT_EQ(layout.shard_block_size(), B / 4);
  EXPECT_EQ(layout.ShardSize(0), 0u);
  EXPECT_EQ(layout.BlockCount(0), 0u);
  EXPECT_EQ(layout.ShardSize(1), 1u);
  EXPECT_EQ(layout.ShardSize(5), 2u);
  EXPECT_EQ(layout.ShardSize(B - 1), B / 4);
  EXPECT_EQ(layout.ShardSize(B), B / 4);
  EXPECT_EQ(layout.ShardSize(B + 1), B / 4 + 1);
  EXPECT_EQ(layout.BlockCount(B + 1), 2u);
  EXPECT_EQ(layout.ShardSize(10 * B + 7), 10 * (B / 4) + 2);

  ErasureLayout odd(3, B);  // 1 MiB does not split evenly in three: shard blocks are padded
  EXPECT_EQ(odd.shard_block_size(), (B + 2) / 3);
  EXPECT_EQ(odd.ShardSize(B), (B + 2) / 3);
  EXPECT_EQ(odd.ShardSize(2 * B + 4), 2 * ((B + 2) / 3) + 2);
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, B - 1, B, B + 1, 7 * B + 12345}) {
    EXPECT_EQ(odd.ShardSize(size), SummedShardSize(odd, size)) << size;
    EXPECT_EQ(layout.ShardSize(size), SummedShardSize(layout, size)) << size;
  }
}

TEST(ErasureLayout, ShardFileSizeAddsHeaderAndOneHashPerBlock) {
  ErasureParams params{
      .data = 2, .parity = 2, .block_size = B, .algorithm = BitrotAlgorithm::kHighwayHash256};
  EXPECT_EQ(ShardFileSize(params, 0), kShardHeaderSize);
  EXPECT_EQ(ShardFileSize(params, 1), kShardHeaderSize + 32 + 1);
  EXPECT_EQ(ShardFileSize(params, B), kShardHeaderSize + 32 + B / 2);
  EXPECT_EQ(ShardFileSize(params, 3 * B + 1), kShardHeaderSize + 4 * 32 + 3 * (B / 2) + 1);
  EXPECT_EQ(ShardFileOffsetOf(params, 0), kShardHeaderSize);
  EXPECT_EQ(ShardFileOffsetOf(params, 2), kShardHeaderSize + 2 * (32 + B / 2));
  params.algorithm = BitrotAlgorithm::kXxh3_128;
  EXPECT_EQ(ShardFileSize(params, B + 1), kShardHeaderSize + 2 * 16 + B / 2 + 1);
}

// MinIO's quorums: 4 drives EC:2 write with 3 (data == parity), read with 2; 6 EC:2 with 4/4;
// 16 EC:4 with 12/12; one drive (no parity) with 1/1.
TEST(ErasureQuorum, AsMinioDecides) {
  EXPECT_EQ(WriteQuorum(2, 2), 3);
  EXPECT_EQ(ReadQuorum(2, 2), 2);
  EXPECT_EQ(WriteQuorum(4, 2), 4);
  EXPECT_EQ(ReadQuorum(4, 2), 4);
  EXPECT_EQ(WriteQuorum(3, 3), 4);
  EXPECT_EQ(WriteQuorum(12, 4), 12);
  EXPECT_EQ(ReadQuorum(12, 4), 12);
  EXPECT_EQ(WriteQuorum(1, 0), 1);
  EXPECT_EQ(WriteQuorum(1, 1), 2);
}

TEST(ErasureLayout, BlocksOfARange) {
  ErasureLayout layout(4, B);
  uint64_t size = 5 * B + 10;
  EXPECT_EQ(layout.BlocksOf(size, 0, 0).count, 0u);
  EXPECT_EQ(layout.BlocksOf(0, 0, 0).count, 0u);
  auto one = layout.BlocksOf(size, 0, 1);
  EXPECT_EQ(one.first, 0u);
  EXPECT_EQ(one.count, 1u);
  auto edge = layout.BlocksOf(size, B - 1, 2);
  EXPECT_EQ(edge.first, 0u);
  EXPECT_EQ(edge.count, 2u);
  auto tail = layout.BlocksOf(size, 5 * B, 10);
  EXPECT_EQ(tail.first, 5u);
  EXPECT_EQ(tail.count, 1u);
  auto all = layout.BlocksOf(size, 0, size);
  EXPECT_EQ(all.first, 0u);
  EXPECT_EQ(all.count, 6u);

  BlockSpan last = layout.SpanOf(size, 5, 5 * B + 3, 7);
  EXPECT_EQ(last.block_size, 10u);
  EXPECT_EQ(last.shard_block_size, 3u);
  EXPECT_EQ(last.begin, 3u);
  EXPECT_EQ(last.end, 10u);
  EXPECT_EQ(last.first_shard, 1);
  EXPECT_EQ(last.last_shard, 3);
  BlockSpan head = layout.SpanOf(size, 1, B + 10, 20);  // within data shard 0 of block 1
  EXPECT_EQ(head.first_shard, 0);
  EXPECT_EQ(head.last_shard, 0);
}

// Mapping a range to blocks and shard bytes and back gives the range: every byte once, in
// order, each found in the shard and at the offset the layout names.
TEST(ErasureLayout, RangeMappingRoundTrips) {
  std::mt19937_64 rng(9);
  for (int data : {1, 2, 3, 4, 6, 12}) {
    for (uint64_t block : {uint64_t{16}, uint64_t{1000}, B}) {
      ErasureLayout layout(data, block);
      for (int round = 0; round < 60; ++round) {
        uint64_t size = rng() % (5 * block + 3) + 1;
        uint64_t offset = rng() % size;
        uint64_t length = rng() % (size - offset) + 1;
        BlockRange blocks = layout.BlocksOf(size, offset, length);
        uint64_t next = offset;
        for (uint64_t b = blocks.first; b < blocks.first + blocks.count; ++b) {
          BlockSpan span = layout.SpanOf(size, b, offset, length);
          ASSERT_EQ(b * block + span.begin, next);
          ASSERT_GT(span.end, span.begin);
          ASSERT_LE(span.end, span.block_size);
          ASSERT_LE(span.shard_block_size * data, span.block_size + data - 1);
          ASSERT_GE(span.shard_block_size * data, span.block_size);
          ASSERT_EQ(span.first_shard, static_cast<int>(span.begin / span.shard_block_size));
          ASSERT_EQ(span.last_shard, static_cast<int>((span.end - 1) / span.shard_block_size));
          ASSERT_LT(span.last_shard, data);
          next = b * block + span.end;
        }
        ASSERT_EQ(next, offset + length) << data << " " << block << " " << size;
      }
    }
  }
}

}  // namespace
}  // namespace cairn::storage::erasure
