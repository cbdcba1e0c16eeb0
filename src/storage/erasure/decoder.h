// Reading an object back from its shard streams. Only the blocks a read touches are read and,
// within them, only the data shards holding the wanted bytes; parity is read only for a block
// where one of those shards is missing or corrupt. Every shard block read is checked against
// its bitrot hash; a failing one is treated as missing for that block and its shard reported
// corrupt. A shard that is absent, unreadable, short or whose header is refused is dropped for
// the rest of the reader's life and reported. Memory: one stripe (block + parity).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "common/byte_source.h"
#include "common/status.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"
#include "storage/erasure/stripe_reader.h"

namespace cairn::storage::erasure {

// Positional reads (what a blob's ReadAt needs). A block's shard blocks are kept while reads
// stay in it, so reading a block in pieces reads each shard block once. One thread at a time.
class ErasureReader {
 public:
  // An object of `object_size` bytes; `sources[i]` reads shard i (nullptr: missing), and the
  // sources outlive the reader.
  static Result<std::unique_ptr<ErasureReader>> Open(const ErasureParams& params,
                                                     uint64_t object_size,
                                                     std::span<ShardSource* const> sources);

  // Up to `n` bytes at `pos` (pos <= size(), else kInvalidArgument), stopping at the end of
  // pos's block; 0 only at the end of the object. kUnavailable when the block has lost read
  // quorum: never wrong bytes.
  Result<size_t> ReadAt(uint64_t pos, char* buf, size_t n);
  // Loads the block holding `pos` for a read of up to `n` bytes without copying (so a caller
  // can fail before sending anything).
  Status Prepare(uint64_t pos, size_t n);

  uint64_t size() const { return object_size_; }
  // The shards found missing or corrupt by the reads so far.
  ShardReport report() const { return stripes_.Report(); }

 private:
  ErasureReader(const ErasureParams& params, ErasureCodec codec, uint64_t object_size,
                std::span<ShardSource* const> sources);

  ErasureLayout layout_;
  uint64_t object_size_;
  StripeReader stripes_;
};

// A byte range as a ByteSource, over an ErasureReader.
class ErasureDecoder final : public ByteSource {
 public:
  // Bytes [offset, offset + length) of an object of `object_size` bytes (the range must lie
  // within it: kInvalidArgument otherwise). The first block is decoded here, so a lost read
  // quorum is an error before any byte is handed out; a later block without quorum fails its
  // Read() (kUnavailable), and every Read() after it.
  static Result<std::unique_ptr<ErasureDecoder>> Open(const ErasureParams& params,
                                                      uint64_t object_size, uint64_t offset,
                                                      uint64_t length,
                                                      std::span<ShardSource* const> sources);

  Result<size_t> Read(char* buf, size_t n) override;

  // The shards found missing or corrupt by the reads so far (complete once Read() returned 0).
  ShardReport report() const { return reader_->report(); }

 private:
  ErasureDecoder(std::unique_ptr<ErasureReader> reader, uint64_t offset, uint64_t length)
      : reader_(std::move(reader)), pos_(offset), end_(offset + length) {}

  std::unique_ptr<ErasureReader> reader_;
  uint64_t pos_;  // next byte to hand out
  uint64_t end_;  // one past the range
  Status failed_;
};

}  // namespace cairn::storage::erasure
