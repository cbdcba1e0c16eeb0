// ErasureCodec: systematic Reed-Solomon over GF(2^8) (ISA-L), `data` data shards and `parity`
// parity shards of equal length. The generator is a Cauchy matrix (identity on top), so any
// `data` of the `data + parity` shards determine the rest: EVERY pattern of up to `parity`
// missing shards decodes. (A Vandermonde-derived RS matrix does not guarantee that.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "common/status.h"

namespace cairn::storage::erasure {

// MinIO's limits for one erasure set.
inline constexpr int kMaxShards = 16;

class ErasureCodec {
 public:
  // data 1..16, parity 0..data, data + parity <= 16; anything else is kInvalidArgument.
  static Result<ErasureCodec> Create(int data, int parity);

  int data() const { return data_; }
  int parity() const { return parity_; }
  int total() const { return data_ + parity_; }

  // `shards` holds total() pointers to `len`-byte buffers; reads the data shards [0, data) and
  // writes the parity shards [data, total).
  Status Encode(std::span<uint8_t* const> shards, size_t len) const;

  // Rebuilds the shards marked in `wanted` (bit i = shard i) from shards marked in `present`.
  // `shards` holds total() pointers; present ones are read, wanted ones written, others are
  // untouched (may be null). Fewer than data() present shards is kUnavailable, never garbage.
  // A wanted shard that is also present is kInvalidArgument. Thread-safe.
  Status Reconstruct(std::span<uint8_t* const> shards, uint32_t present, uint32_t wanted,
                     size_t len) const;

 private:
  ErasureCodec(int data, int parity);
  // The expanded ISA-L tables rebuilding `wanted` from the first data() shards of `present`,
  // computed once per pattern.
  Result<std::shared_ptr<const std::vector<uint8_t>>> DecodeTables(uint32_t sources,
                                                                   uint32_t wanted) const;

  int data_;
  int parity_;
  std::vector<uint8_t> matrix_;         // total x data generator, row-major
  std::vector<uint8_t> encode_tables_;  // ec_init_tables of the parity rows
  // Decode tables per (sources, wanted) pattern; bounded (cleared when full). Shared between
  // copies of the codec so a copy keeps its warm cache.
  struct Cache {
    std::mutex mu;
    std::map<uint64_t, std::shared_ptr<const std::vector<uint8_t>>> tables;  // guarded by mu
  };
  std::shared_ptr<Cache> cache_;
};

}  // namespace cairn::storage::erasure
