#include "storage/erasure/stripe_reader.h"

#include <bit>
#include <cstring>
#include <string>

namespace cairn::storage::erasure {

StripeReader::StripeReader(const ErasureParams& params, ErasureCodec codec, uint64_t object_size,
                           std::span<ShardSource* const> sources, uint32_t excluded)
    : params_(params),
      codec_(std::move(codec)),
      layout_(LayoutOf(params)),
      object_size_(object_size),
      sources_(sources.begin(), sources.end()),
      states_(sources.size(), State::kUnchecked),
      hash_size_(BitrotHashSize(params.algorithm)),
      // The first block is the largest: a small object gets a small stripe.
      stride_(hash_size_ + layout_.ShardBlockSizeOf(object_size, 0)),
      slots_(stride_ * sources.size()) {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (excluded & (1u << i)) {
      states_[i] = State::kExcluded;
    } else if (sources_[i] == nullptr) {
      states_[i] = State::kMissing;
    }
  }
}

void StripeReader::MarkFailed(int i, const Status& status) {
  states_[i] = status.code() == Code::kCorruption ? State::kCorrupt : State::kMissing;
}

bool StripeReader::CheckHeader(int i) {
  if (states_[i] == State::kUnchecked) {
    uint8_t header[kShardHeaderSize];
    Status read = sources_[i]->ReadAt(0, header);
    if (read.ok()) read = CheckShardHeader(header, params_, i);
    if (!read.ok()) {
      MarkFailed(i, read);
      return false;
    }
    states_[i] = State::kGood;
  }
  return states_[i] == State::kGood;
}

void StripeReader::CheckHeaders(uint32_t which) {
  for (size_t i = 0; i < states_.size(); ++i) {
    if (which & (1u << i)) CheckHeader(static_cast<int>(i));
  }
}

bool StripeReader::ReadShard(int i, uint64_t block) {
  if (!CheckHeader(i)) return false;
  uint8_t* slot = slots_.data() + static_cast<size_t>(i) * stride_;
  Status read = sources_[i]->ReadAt(ShardFileOffsetOf(params_, block),
                                    std::span<uint8_t>(slot, hash_size_ + shard_block_size_));
  if (!read.ok()) {
    MarkFailed(i, read);
    return false;
  }
  uint8_t hash[kMaxBitrotHashSize];
  ComputeBitrotHash(params_.algorithm, slot + hash_size_, shard_block_size_, hash);
  if (std::memcmp(hash, slot, hash_size_) != 0) {
    // Bitrot spoils a block, not the shard: its other blocks stay usable, so blocks rotten on
    // different shards still decode as long as each block has data good shards.
    rotten_ |= 1u << i;
    return false;
  }
  return true;
}

Status StripeReader::Load(uint64_t block, uint32_t needed) {
  if (block != loaded_block_) {
    loaded_block_ = block;
    valid_ = 0;
    failed_here_ = 0;
    shard_block_size_ = layout_.ShardBlockSizeOf(object_size_, block);
  }
  if ((valid_ & needed) == needed) return Status::Ok();
  const int total = codec_.total();
  // Shards already read or rebuilt for this block serve again, as sources too.
  uint32_t good = valid_;
  auto try_read = [&](int i) {
    const uint32_t bit = 1u << i;
    if ((good | failed_here_) & bit) return;
    if (ReadShard(i, block)) {
      good |= bit;
    } else {
      failed_here_ |= bit;
    }
  };
  for (int i = 0; i < total; ++i) {
    if (needed & (1u << i)) try_read(i);
  }
  if ((good & needed) != needed) {
    // Reach for the other shards (the rest of the data shards first, then parity) until
    // data() good ones can rebuild what failed.
    for (int i = 0; i < total && std::popcount(good) < codec_.data(); ++i) try_read(i);
  }
  valid_ = good;
  if ((good & needed) == needed) return Status::Ok();
  if (std::popcount(good) < codec_.data()) {
    return Status(Code::kUnavailable, "erasure: block " + std::to_string(block) + " has " +
                                          std::to_string(std::popcount(good)) + " good shards, " +
                                          std::to_string(codec_.data()) +
                                          " needed (read quorum lost)");
  }
  std::vector<uint8_t*> shards(total);
  for (int i = 0; i < total; ++i) shards[i] = shard(i);
  CAIRN_RETURN_IF_ERROR(codec_.Reconstruct(shards, good, needed & ~good, shard_block_size_));
  valid_ = good | needed;
  return Status::Ok();
}

ShardReport StripeReader::Report() const {
  ShardReport report;
  for (size_t i = 0; i < states_.size(); ++i) {
    bool corrupt = states_[i] == State::kCorrupt || (rotten_ & (1u << i));
    if (corrupt) {
      report.corrupt.push_back(static_cast<int>(i));
    } else if (states_[i] == State::kMissing) {
      report.missing.push_back(static_cast<int>(i));
    }
  }
  return report;
}

}  // namespace cairn::storage::erasure
