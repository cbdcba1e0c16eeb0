// Bitrot hashes: every shard block is stored after its hash, and every read checks it, so a
// flipped bit on a drive is a detected, repairable loss instead of wrong bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::storage::erasure {

// Values are stored in shard headers: never renumber.
enum class BitrotAlgorithm : uint8_t {
  // HighwayHash-256 keyed with MinIO's fixed key (cmd/bitrot.go magicHighwayHash256Key): the
  // hash MinIO's streaming bitrot format uses; 32 bytes.
  kHighwayHash256 = 1,
  // XXH3-128 (libxxhash, its runtime-dispatched SIMD build), seed 0, canonical (big-endian)
  // form; 16 bytes.
  kXxh3_128 = 2,
};

// The algorithm new shards are written with, chosen by measurement (docs/storage-format.md,
// "Erasure shards"; bench/RESULTS.md): XXH3-128 hashes ~3x faster than HighwayHash-256 here,
// and the hashes are most of the encoder's and decoder's CPU. Readers accept either.
inline constexpr BitrotAlgorithm kDefaultBitrotAlgorithm = BitrotAlgorithm::kXxh3_128;

inline constexpr size_t kMaxBitrotHashSize = 32;

bool IsKnownBitrotAlgorithm(uint8_t value);
// Hash bytes of `algorithm` (0 for an unknown value).
size_t BitrotHashSize(BitrotAlgorithm algorithm);
// Writes BitrotHashSize(algorithm) bytes of the hash of [data, data + size) to `out`.
void ComputeBitrotHash(BitrotAlgorithm algorithm, const uint8_t* data, size_t size, uint8_t* out);

// HighwayHash-256 of [data, data + size) under a 32-byte key (both byte strings, as MinIO's Go
// implementation reads and writes them), 32 bytes to `out`.
void HighwayHash256(const uint8_t* key, const uint8_t* data, size_t size, uint8_t* out);

}  // namespace cairn::storage::erasure
