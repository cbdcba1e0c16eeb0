#include "storage/erasure/bitrot.h"

#include <highwayhash/highwayhash_target.h>
#include <highwayhash/instruction_sets.h>
#include <xxh_x86dispatch.h>  // XXH3 with the widest vectors the CPU has
#include <xxhash.h>

#include <cstring>

namespace cairn::storage::erasure {

namespace {

// MinIO's magicHighwayHash256Key: the HighwayHash-256 (zero key) of the first 100 decimals of
// pi; the unit tests recompute it.
constexpr uint8_t kMinioHighwayKey[32] = {
    0x4b, 0xe7, 0x34, 0xfa, 0x8e, 0x23, 0x8a, 0xcd, 0x26, 0x3e, 0x83, 0xe6, 0xbb, 0x96, 0x85, 0x52,
    0x04, 0x0f, 0x93, 0x5d, 0xa3, 0x9f, 0x44, 0x14, 0x97, 0xe0, 0x9d, 0x13, 0x22, 0xde, 0x36, 0xa0};

uint64_t LoadLittle64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void StoreLittle64(uint64_t v, uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

// The key and hash words are little-endian byte strings, as in MinIO's Go implementation.
void HighwayHash256(const uint8_t* key_bytes, const uint8_t* data, size_t size, uint8_t* out) {
  highwayhash::HHKey key;
  for (int i = 0; i < 4; ++i) key[i] = LoadLittle64(key_bytes + 8 * i);
  highwayhash::HHResult256 result;
  highwayhash::InstructionSets::Run<highwayhash::HighwayHash>(
      key, reinterpret_cast<const char*>(data), size, &result);
  for (int i = 0; i < 4; ++i) StoreLittle64(result[i], out + 8 * i);
}

bool IsKnownBitrotAlgorithm(uint8_t value) {
  return value == static_cast<uint8_t>(BitrotAlgorithm::kHighwayHash256) ||
         value == static_cast<uint8_t>(BitrotAlgorithm::kXxh3_128);
}

size_t BitrotHashSize(BitrotAlgorithm algorithm) {
  switch (algorithm) {
    case BitrotAlgorithm::kHighwayHash256: return 32;
    case BitrotAlgorithm::kXxh3_128: return 16;
  }
  return 0;
}

void ComputeBitrotHash(BitrotAlgorithm algorithm, const uint8_t* data, size_t size, uint8_t* out) {
  switch (algorithm) {
    case BitrotAlgorithm::kHighwayHash256:
      HighwayHash256(kMinioHighwayKey, data, size, out);
      return;
    case BitrotAlgorithm::kXxh3_128: {
      XXH128_canonical_t canonical;
      XXH128_canonicalFromHash(&canonical, XXH3_128bits_dispatch(data, size));
      std::memcpy(out, canonical.digest, sizeof(canonical.digest));
      return;
    }
  }
}

}  // namespace cairn::storage::erasure
