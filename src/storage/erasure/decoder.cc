#include "storage/erasure/decoder.h"

#include <algorithm>
#include <cstring>

namespace cairn::storage::erasure {

Result<std::unique_ptr<ErasureReader>> ErasureReader::Open(const ErasureParams& params,
                                                           uint64_t object_size,
                                                           std::span<ShardSource* const> sources) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  if (sources.size() != static_cast<size_t>(params.data + params.parity)) {
    return Status(Code::kInternal, "erasure: reader given the wrong number of sources");
  }
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  return std::unique_ptr<ErasureReader>(
      new ErasureReader(params, std::move(codec), object_size, sources));
}

ErasureReader::ErasureReader(const ErasureParams& params, ErasureCodec codec, uint64_t object_size,
                             std::span<ShardSource* const> sources)
    : layout_(LayoutOf(params)),
      object_size_(object_size),
      stripes_(params, std::move(codec), object_size, sources, /*excluded=*/0) {}

Status ErasureReader::Prepare(uint64_t pos, size_t n) {
  if (pos > object_size_) return Status(Code::kInvalidArgument, "erasure: read past the end");
  uint64_t length = std::min<uint64_t>(n, object_size_ - pos);
  if (length == 0) return Status::Ok();
  uint64_t block = pos / layout_.block_size();
  BlockSpan span = layout_.SpanOf(object_size_, block, pos, length);
  uint32_t needed = 0;
  for (int i = span.first_shard; i <= span.last_shard; ++i) needed |= 1u << i;
  return stripes_.Load(block, needed);
}

Result<size_t> ErasureReader::ReadAt(uint64_t pos, char* buf, size_t n) {
  CAIRN_RETURN_IF_ERROR(Prepare(pos, n));
  uint64_t block = pos / layout_.block_size();
  uint64_t block_end = std::min(object_size_, (block + 1) * layout_.block_size());
  size_t want = static_cast<size_t>(std::min<uint64_t>(n, block_end - pos));
  // Block byte x lies in data shard x / shard_block_size, at x % shard_block_size.
  const uint64_t sbs = stripes_.shard_block_size();
  uint64_t in_block = pos - block * layout_.block_size();
  size_t copied = 0;
  while (copied < want) {
    int shard = static_cast<int>(in_block / sbs);
    uint64_t at = in_block % sbs;
    size_t count = static_cast<size_t>(std::min<uint64_t>(want - copied, sbs - at));
    std::memcpy(buf + copied, stripes_.shard(shard) + at, count);
    copied += count;
    in_block += count;
  }
  return copied;
}

Result<std::unique_ptr<ErasureDecoder>> ErasureDecoder::Open(
    const ErasureParams& params, uint64_t object_size, uint64_t offset, uint64_t length,
    std::span<ShardSource* const> sources) {
  if (offset > object_size || length > object_size - offset) {
    return Status(Code::kInvalidArgument, "erasure: range outside the object");
  }
  CAIRN_ASSIGN_OR_RETURN(auto reader, ErasureReader::Open(params, object_size, sources));
  if (length > 0) {
    CAIRN_RETURN_IF_ERROR(reader->Prepare(
        offset, static_cast<size_t>(std::min<uint64_t>(length, params.block_size))));
  }
  return std::unique_ptr<ErasureDecoder>(new ErasureDecoder(std::move(reader), offset, length));
}

Result<size_t> ErasureDecoder::Read(char* buf, size_t n) {
  if (!failed_.ok()) return failed_;
  size_t copied = 0;
  while (copied < n && pos_ < end_) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n - copied, end_ - pos_));
    auto got = reader_->ReadAt(pos_, buf + copied, want);
    if (!got.ok()) {
      failed_ = got.status();
      if (copied > 0) return copied;  // hand out what is good; the error comes next
      return failed_;
    }
    copied += *got;
    pos_ += *got;
  }
  return copied;
}

}  // namespace cairn::storage::erasure
