#include "storage/erasure/encoder.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace cairn::storage::erasure {

namespace {

// Reads until `want` bytes or the end of `body`; the count read.
Result<size_t> ReadFull(ByteSource& body, uint8_t* buf, size_t want) {
  size_t got = 0;
  while (got < want) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, body.Read(reinterpret_cast<char*>(buf) + got, want - got));
    if (n == 0) break;
    got += n;
  }
  return got;
}

// The sinks still alive, with the quorum they must keep.
class SinkSet {
 public:
  SinkSet(std::span<ShardSink* const> sinks, int quorum)
      : sinks_(sinks.begin(), sinks.end()), quorum_(quorum) {}

  int alive() const {
    return static_cast<int>(
        std::count_if(sinks_.begin(), sinks_.end(), [](ShardSink* s) { return s != nullptr; }));
  }
  Status CheckQuorum() const {
    if (alive() >= quorum_) return Status::Ok();
    return Status(Code::kUnavailable, "erasure: " + std::to_string(alive()) +
                                          " shards writable, write quorum is " +
                                          std::to_string(quorum_));
  }
  bool alive(int i) const { return sinks_[i] != nullptr; }
  // Appends to shard i unless it is lost; a failure loses it.
  void Append(int i, std::span<const uint8_t> bytes) {
    if (sinks_[i] != nullptr && !sinks_[i]->Append(bytes).ok()) sinks_[i] = nullptr;
  }
  void FinishAll() {
    for (ShardSink*& sink : sinks_) {
      if (sink != nullptr && !sink->Finish().ok()) sink = nullptr;
    }
  }
  std::vector<int> Lost() const {
    std::vector<int> lost;
    for (size_t i = 0; i < sinks_.size(); ++i) {
      if (sinks_[i] == nullptr) lost.push_back(static_cast<int>(i));
    }
    return lost;
  }

 private:
  std::vector<ShardSink*> sinks_;
  int quorum_;
};

}  // namespace

Result<ErasureEncoder> ErasureEncoder::Create(const ErasureParams& params) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  return ErasureEncoder(params, std::move(codec));
}

Result<EncodeResult> ErasureEncoder::Encode(ByteSource& body, uint64_t size,
                                            std::span<ShardSink* const> sinks) const {
  const int total = codec_.total();
  if (sinks.size() != static_cast<size_t>(total)) {
    return Status(Code::kInternal, "erasure: encode given the wrong number of sinks");
  }
  SinkSet set(sinks, WriteQuorum(params_.data, params_.parity));
  CAIRN_RETURN_IF_ERROR(set.CheckQuorum());
  for (int i = 0; i < total; ++i) set.Append(i, EncodeShardHeader(params_, i));
  CAIRN_RETURN_IF_ERROR(set.CheckQuorum());

  const ErasureLayout layout = LayoutOf(params_);
  const size_t hash_size = BitrotHashSize(params_.algorithm);
  // The block's bytes are the data shard blocks back to back; parity follows.
  // (A body of known size smaller than a block gets a stripe of its size.)
  const uint64_t largest_block =
      size == kUnknownSize ? params_.block_size : layout.BlockSizeOf(size, 0);
  std::vector<uint8_t> stripe(static_cast<size_t>(total) *
                              ErasureLayout::CeilDiv(largest_block, params_.data));
  std::vector<uint8_t> hash(kMaxBitrotHashSize);
  std::vector<uint8_t*> shards(total);
  uint64_t done = 0;
  for (;;) {
    size_t want = static_cast<size_t>(
        size == kUnknownSize ? params_.block_size : std::min(params_.block_size, size - done));
    if (want == 0) break;
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, stripe.data(), want));
    if (got < want && size != kUnknownSize) {
      return Status(Code::kIncompleteBody, "erasure: the body ended after " +
                                               std::to_string(done + got) + " of " +
                                               std::to_string(size) + " bytes");
    }
    if (got == 0) break;
    done += got;
    const size_t shard_block = static_cast<size_t>(ErasureLayout::CeilDiv(got, params_.data));
    std::memset(stripe.data() + got, 0, shard_block * params_.data - got);
    for (int i = 0; i < total; ++i)
      shards[i] = stripe.data() + static_cast<size_t>(i) * shard_block;
    CAIRN_RETURN_IF_ERROR(codec_.Encode(shards, shard_block));
    for (int i = 0; i < total; ++i) {
      if (!set.alive(i)) continue;
      ComputeBitrotHash(params_.algorithm, shards[i], shard_block, hash.data());
      set.Append(i, std::span<const uint8_t>(hash.data(), hash_size));
      set.Append(i, std::span<const uint8_t>(shards[i], shard_block));
    }
    CAIRN_RETURN_IF_ERROR(set.CheckQuorum());
    if (got < params_.block_size) break;  // a short block is the last one
  }
  set.FinishAll();
  CAIRN_RETURN_IF_ERROR(set.CheckQuorum());
  return EncodeResult{done, set.Lost()};
}

}  // namespace cairn::storage::erasure
