#include "storage/erasure/encoder.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace cairn::storage::erasure {

Result<std::unique_ptr<ErasureWriter>> ErasureWriter::Open(const ErasureParams& params,
                                                           std::span<ShardSink* const> sinks,
                                                           uint64_t size_hint) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  if (sinks.size() != static_cast<size_t>(params.data + params.parity)) {
    return Status(Code::kInternal, "erasure: writer given the wrong number of sinks");
  }
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  std::unique_ptr<ErasureWriter> writer(
      new ErasureWriter(params, std::move(codec), sinks, size_hint));
  CAIRN_RETURN_IF_ERROR(writer->CheckQuorum());
  for (int i = 0; i < writer->codec_.total(); ++i) {
    writer->AppendTo(i, EncodeShardHeader(params, i));
  }
  CAIRN_RETURN_IF_ERROR(writer->CheckQuorum());
  return writer;
}

ErasureWriter::ErasureWriter(const ErasureParams& params, ErasureCodec codec,
                             std::span<ShardSink* const> sinks, uint64_t size_hint)
    : params_(params),
      codec_(std::move(codec)),
      sinks_(sinks.begin(), sinks.end()),
      hash_size_(BitrotHashSize(params.algorithm)),
      room_(static_cast<size_t>(std::max<uint64_t>(1, std::min(params.block_size, size_hint)))) {
  stripe_.resize(static_cast<size_t>(codec_.total()) * ErasureLayout::CeilDiv(room_, params.data));
}

Status ErasureWriter::CheckQuorum() const {
  int alive = static_cast<int>(
      std::count_if(sinks_.begin(), sinks_.end(), [](ShardSink* s) { return s != nullptr; }));
  int quorum = WriteQuorum(params_.data, params_.parity);
  if (alive >= quorum) return Status::Ok();
  return Status(Code::kUnavailable, "erasure: " + std::to_string(alive) +
                                        " shards writable, write quorum is " +
                                        std::to_string(quorum));
}

void ErasureWriter::AppendTo(int i, std::span<const uint8_t> bytes) {
  if (sinks_[i] != nullptr && !sinks_[i]->Append(bytes).ok()) sinks_[i] = nullptr;
}

std::vector<int> ErasureWriter::Lost() const {
  std::vector<int> lost;
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (sinks_[i] == nullptr) lost.push_back(static_cast<int>(i));
  }
  return lost;
}

std::span<uint8_t> ErasureWriter::Room() {
  if (fill_ == room_ && room_ < params_.block_size) {
    // The body outgrew its size hint: a full block's stripe from here on.
    room_ = static_cast<size_t>(params_.block_size);
    stripe_.resize(static_cast<size_t>(codec_.total()) *
                   ErasureLayout::CeilDiv(room_, params_.data));
  }
  return std::span<uint8_t>(stripe_.data() + fill_, room_ - fill_);
}

Status ErasureWriter::Commit(size_t n) {
  if (!failed_.ok()) return failed_;
  if (finished_ || n > room_ - fill_) {
    return Status(Code::kInternal, "erasure: commit past the room given");
  }
  fill_ += n;
  size_ += n;
  if (fill_ == params_.block_size) return EncodeBlock();
  return Status::Ok();
}

Status ErasureWriter::Append(const char* data, size_t n) {
  while (n > 0) {
    if (!failed_.ok()) return failed_;
    std::span<uint8_t> room = Room();
    size_t count = std::min(n, room.size());
    std::memcpy(room.data(), data, count);
    CAIRN_RETURN_IF_ERROR(Commit(count));
    data += count;
    n -= count;
  }
  return failed_;
}

Status ErasureWriter::EncodeBlock() {
  const int total = codec_.total();
  const size_t shard_block = static_cast<size_t>(ErasureLayout::CeilDiv(fill_, params_.data));
  std::memset(stripe_.data() + fill_, 0, shard_block * params_.data - fill_);
  uint8_t* shards[kMaxShards];
  for (int i = 0; i < total; ++i) shards[i] = stripe_.data() + static_cast<size_t>(i) * shard_block;
  Status encoded = codec_.Encode(std::span<uint8_t* const>(shards, total), shard_block);
  if (!encoded.ok()) return failed_ = encoded;
  uint8_t hash[kMaxBitrotHashSize];
  for (int i = 0; i < total; ++i) {
    if (sinks_[i] == nullptr) continue;
    ComputeBitrotHash(params_.algorithm, shards[i], shard_block, hash);
    AppendTo(i, std::span<const uint8_t>(hash, hash_size_));
    AppendTo(i, std::span<const uint8_t>(shards[i], shard_block));
  }
  fill_ = 0;
  return failed_ = CheckQuorum();
}

Result<EncodeResult> ErasureWriter::Finish() {
  if (!failed_.ok()) return failed_;
  if (finished_) return Status(Code::kInternal, "erasure: writer finished twice");
  finished_ = true;
  if (fill_ > 0) CAIRN_RETURN_IF_ERROR(EncodeBlock());
  for (ShardSink*& sink : sinks_) {
    if (sink != nullptr && !sink->Finish().ok()) sink = nullptr;
  }
  CAIRN_RETURN_IF_ERROR(failed_ = CheckQuorum());
  return EncodeResult{size_, Lost()};
}

Result<ErasureEncoder> ErasureEncoder::Create(const ErasureParams& params) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  return ErasureEncoder(params);
}

Result<EncodeResult> ErasureEncoder::Encode(ByteSource& body, uint64_t size,
                                            std::span<ShardSink* const> sinks) const {
  CAIRN_ASSIGN_OR_RETURN(auto writer, ErasureWriter::Open(params_, sinks, size));
  // Reads straight into the stripe: no copy between the body and the codec.
  for (;;) {
    std::span<uint8_t> room = writer->Room();
    if (size != kUnknownSize) {
      uint64_t left = size - writer->size();
      if (left == 0) break;
      room = room.first(static_cast<size_t>(std::min<uint64_t>(room.size(), left)));
    }
    CAIRN_ASSIGN_OR_RETURN(size_t got,
                           body.Read(reinterpret_cast<char*>(room.data()), room.size()));
    if (got == 0) break;
    CAIRN_RETURN_IF_ERROR(writer->Commit(got));
  }
  if (size != kUnknownSize && writer->size() < size) {
    return Status(Code::kIncompleteBody, "erasure: the body ended after " +
                                             std::to_string(writer->size()) + " of " +
                                             std::to_string(size) + " bytes");
  }
  return writer->Finish();
}

}  // namespace cairn::storage::erasure
