// Writing a body as data + parity shard streams, one block at a time (memory: one stripe, a
// block plus its parity), each shard block after its bitrot hash (shard_format.h).
// ErasureWriter is the push form (the engine's BlobWriter::Append feeds it); ErasureEncoder
// pulls a ByteSource through one.
#pragma once

#include <cstdint>
#include <memory>
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

// Shard i goes to sinks[i]. A null or failing sink is a lost shard; writing goes on while
// WriteQuorum() sinks are alive, below it every call is kUnavailable. Errors are sticky; after
// one, the sinks are left unfinished for the caller to discard. Used by one thread at a time.
class ErasureWriter {
 public:
  // Writes every shard's header. `size_hint` (the body's size, when known) only sizes the
  // stripe: a body smaller than a block gets a stripe of its size. The sinks outlive the writer.
  static Result<std::unique_ptr<ErasureWriter>> Open(const ErasureParams& params,
                                                     std::span<ShardSink* const> sinks,
                                                     uint64_t size_hint = kUnknownSize);

  Status Append(const char* data, size_t n);
  // Zero-copy appends: Room() is where the next bytes go (never empty), Commit(n) says that
  // the first n of them were filled.
  std::span<uint8_t> Room();
  Status Commit(size_t n);
  // Encodes the last (short) block and finishes every sink still alive.
  Result<EncodeResult> Finish();

  uint64_t size() const { return size_; }

 private:
  ErasureWriter(const ErasureParams& params, ErasureCodec codec, std::span<ShardSink* const> sinks,
                uint64_t size_hint);
  Status EncodeBlock();
  Status CheckQuorum() const;
  void AppendTo(int i, std::span<const uint8_t> bytes);
  std::vector<int> Lost() const;

  ErasureParams params_;
  ErasureCodec codec_;
  std::vector<ShardSink*> sinks_;  // null once lost
  size_t hash_size_;
  std::vector<uint8_t> stripe_;  // the block's bytes (the data shard blocks back to back), parity
  size_t room_;                  // block bytes the stripe holds (grows to a block if needed)
  size_t fill_ = 0;              // bytes of the current block
  uint64_t size_ = 0;
  Status failed_;
  bool finished_ = false;
};

class ErasureEncoder {
 public:
  static Result<ErasureEncoder> Create(const ErasureParams& params);

  // Reads `body` (exactly `size` bytes, kIncompleteBody if it ends early, never reading past
  // them; or to its end with kUnknownSize) through an ErasureWriter over `sinks`.
  Result<EncodeResult> Encode(ByteSource& body, uint64_t size,
                              std::span<ShardSink* const> sinks) const;

  const ErasureParams& params() const { return params_; }

 private:
  explicit ErasureEncoder(const ErasureParams& params) : params_(params) {}
  ErasureParams params_;
};

}  // namespace cairn::storage::erasure
