// ErasureDecoder: a byte range of an object read back from its shard streams as a ByteSource.
// It reads only the blocks holding the range and, within them, only the data shards holding
// the range; parity is read only for a block where one of those shards is missing or corrupt.
// Every shard block read is checked against its bitrot hash; a failing one is treated as
// missing for that block and its shard reported corrupt. A shard that is absent, unreadable,
// short or whose header is refused is dropped for the rest of the read and reported. Memory:
// one stripe (block + parity).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "common/byte_source.h"
#include "common/status.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"
#include "storage/erasure/stripe_reader.h"

namespace cairn::storage::erasure {

class ErasureDecoder final : public ByteSource {
 public:
  // Bytes [offset, offset + length) of an object of `object_size` bytes (the range must lie
  // within it: kInvalidArgument otherwise). `sources[i]` reads shard i (nullptr: missing); they
  // must outlive the decoder. The first block is decoded here, so a lost read quorum is an
  // error before any byte is handed out; a later block without quorum fails its Read()
  // (kUnavailable), never yielding wrong bytes.
  static Result<std::unique_ptr<ErasureDecoder>> Open(const ErasureParams& params,
                                                      uint64_t object_size, uint64_t offset,
                                                      uint64_t length,
                                                      std::span<ShardSource* const> sources);

  Result<size_t> Read(char* buf, size_t n) override;

  // The shards found missing or corrupt by the reads so far (complete once Read() returned 0).
  ShardReport report() const { return reader_.Report(); }

 private:
  ErasureDecoder(const ErasureParams& params, ErasureCodec codec, uint64_t object_size,
                 uint64_t offset, uint64_t length, std::span<ShardSource* const> sources);
  Status LoadBlock(uint64_t block);

  ErasureLayout layout_;
  uint64_t object_size_;
  uint64_t offset_;  // next byte to hand out (object offset)
  uint64_t end_;     // one past the range
  StripeReader reader_;
  std::optional<BlockSpan> span_;  // the loaded block's share of the range
  Status failed_;                  // sticky: a source that failed must not be read again
};

}  // namespace cairn::storage::erasure
