#include "storage/erasure/decoder.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace cairn::storage::erasure {

Result<std::unique_ptr<ErasureDecoder>> ErasureDecoder::Open(
    const ErasureParams& params, uint64_t object_size, uint64_t offset, uint64_t length,
    std::span<ShardSource* const> sources) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  if (sources.size() != static_cast<size_t>(params.data + params.parity)) {
    return Status(Code::kInternal, "erasure: decode given the wrong number of sources");
  }
  if (offset > object_size || length > object_size - offset) {
    return Status(Code::kInvalidArgument, "erasure: range outside the object");
  }
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  std::unique_ptr<ErasureDecoder> decoder(
      new ErasureDecoder(params, std::move(codec), object_size, offset, length, sources));
  if (length > 0) CAIRN_RETURN_IF_ERROR(decoder->LoadBlock(offset / params.block_size));
  return decoder;
}

ErasureDecoder::ErasureDecoder(const ErasureParams& params, ErasureCodec codec,
                               uint64_t object_size, uint64_t offset, uint64_t length,
                               std::span<ShardSource* const> sources)
    : layout_(LayoutOf(params)),
      object_size_(object_size),
      offset_(offset),
      end_(offset + length),
      reader_(params, std::move(codec), object_size, sources, /*excluded=*/0) {}

Status ErasureDecoder::LoadBlock(uint64_t block) {
  BlockSpan span = layout_.SpanOf(object_size_, block, offset_, end_ - offset_);
  uint32_t needed = 0;
  for (int i = span.first_shard; i <= span.last_shard; ++i) needed |= 1u << i;
  Status loaded = reader_.Load(block, needed);
  if (!loaded.ok()) {
    failed_ = loaded;
    span_.reset();
    return loaded;
  }
  span_ = span;
  return Status::Ok();
}

Result<size_t> ErasureDecoder::Read(char* buf, size_t n) {
  if (!failed_.ok()) return failed_;
  size_t copied = 0;
  while (copied < n && offset_ < end_) {
    uint64_t block = offset_ / layout_.block_size();
    if (!span_ || span_->block != block) {
      Status loaded = LoadBlock(block);
      if (!loaded.ok()) {
        if (copied > 0) return copied;  // hand out what is good; the error comes next
        return loaded;
      }
    }
    // Block byte x lies in data shard x / shard_block_size, at x % shard_block_size.
    uint64_t in_block = offset_ - block * layout_.block_size();
    uint64_t sbs = span_->shard_block_size;
    int shard = static_cast<int>(in_block / sbs);
    uint64_t at = in_block % sbs;
    uint64_t block_end = std::min<uint64_t>(span_->end, static_cast<uint64_t>(shard + 1) * sbs);
    size_t count = static_cast<size_t>(std::min<uint64_t>(n - copied, block_end - in_block));
    std::memcpy(buf + copied, reader_.shard(shard) + at, count);
    copied += count;
    offset_ += count;
  }
  return copied;
}

}  // namespace cairn::storage::erasure
