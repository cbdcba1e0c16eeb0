#include "storage/erasure/shard_format.h"

#include <isa-l/crc.h>

#include <cstring>
#include <string>

#include "storage/erasure/codec.h"

namespace cairn::storage::erasure {

namespace {

// Header fields: magic[4] version alg data parity index reserved[3] block_size:u32le id[16]
// crc32c:u32le (of the 32 bytes before it).
constexpr size_t kCrcOffset = 32;

uint32_t HeaderCrc(const uint8_t* header) {
  return crc32_iscsi(const_cast<uint8_t*>(header), kCrcOffset, 0xffffffff);  // only reads
}

void StoreLittle32(uint32_t v, uint8_t* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t LoadLittle32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

Status Refused(int index, const std::string& why) {
  return Status(Code::kCorruption, "erasure: shard " + std::to_string(index) + " refused: " + why);
}

}  // namespace

Status ValidateParams(const ErasureParams& params) {
  CAIRN_RETURN_IF_ERROR(ErasureCodec::Create(params.data, params.parity).status());
  if (params.block_size < 1 || params.block_size > kMaxBlockSize) {
    return Status(Code::kInvalidArgument, "erasure: block size out of range");
  }
  if (!IsKnownBitrotAlgorithm(static_cast<uint8_t>(params.algorithm))) {
    return Status(Code::kInvalidArgument, "erasure: unknown bitrot algorithm");
  }
  return Status::Ok();
}

int WriteQuorum(int data, int parity) { return data + (data == parity ? 1 : 0); }

ErasureLayout LayoutOf(const ErasureParams& params) {
  return ErasureLayout(params.data, params.block_size);
}

uint64_t ShardFileSize(const ErasureParams& params, uint64_t object_size) {
  ErasureLayout layout = LayoutOf(params);
  return kShardHeaderSize + layout.BlockCount(object_size) * BitrotHashSize(params.algorithm) +
         layout.ShardSize(object_size);
}

uint64_t ShardFileOffsetOf(const ErasureParams& params, uint64_t block) {
  return kShardHeaderSize +
         block * (BitrotHashSize(params.algorithm) + LayoutOf(params).shard_block_size());
}

std::array<uint8_t, kShardHeaderSize> EncodeShardHeader(const ErasureParams& params, int index) {
  std::array<uint8_t, kShardHeaderSize> h{};
  std::memcpy(h.data(), kShardMagic, 4);
  h[4] = kShardFormatVersion;
  h[5] = static_cast<uint8_t>(params.algorithm);
  h[6] = static_cast<uint8_t>(params.data);
  h[7] = static_cast<uint8_t>(params.parity);
  h[8] = static_cast<uint8_t>(index);
  StoreLittle32(static_cast<uint32_t>(params.block_size), h.data() + 12);
  std::memcpy(h.data() + 16, params.stream_id.data(), params.stream_id.size());
  StoreLittle32(HeaderCrc(h.data()), h.data() + kCrcOffset);
  return h;
}

Status CheckShardHeader(std::span<const uint8_t> bytes, const ErasureParams& params, int index) {
  if (bytes.size() < kShardHeaderSize) return Refused(index, "shorter than its header");
  const uint8_t* h = bytes.data();
  if (std::memcmp(h, kShardMagic, 4) != 0) return Refused(index, "not a Cairn shard");
  if (LoadLittle32(h + kCrcOffset) != HeaderCrc(h)) return Refused(index, "header checksum");
  if (h[4] != kShardFormatVersion) {
    return Refused(index, "unknown format version " + std::to_string(h[4]));
  }
  if (h[5] != static_cast<uint8_t>(params.algorithm)) return Refused(index, "other bitrot hash");
  if (h[6] != params.data || h[7] != params.parity) return Refused(index, "other geometry");
  if (LoadLittle32(h + 12) != params.block_size) return Refused(index, "other block size");
  if (std::memcmp(h + 16, params.stream_id.data(), params.stream_id.size()) != 0) {
    return Refused(index, "belongs to another stream");
  }
  if (h[8] != index) {
    return Refused(index, "written as shard " + std::to_string(h[8]) + " (moved)");
  }
  return Status::Ok();
}

}  // namespace cairn::storage::erasure
