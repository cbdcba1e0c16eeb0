#include "storage/erasure/heal.h"

#include <string>
#include <vector>

#include "storage/erasure/stripe_reader.h"

namespace cairn::storage::erasure {

namespace {

Status CheckCounts(const ErasureParams& params, size_t sources, size_t targets) {
  CAIRN_RETURN_IF_ERROR(ValidateParams(params));
  size_t total = static_cast<size_t>(params.data + params.parity);
  if (sources != total || targets != total) {
    return Status(Code::kInternal, "erasure: heal given the wrong number of shards");
  }
  return Status::Ok();
}

}  // namespace

Result<ShardReport> HealShards(const ErasureParams& params, uint64_t object_size,
                               std::span<ShardSource* const> sources,
                               std::span<ShardSink* const> targets) {
  CAIRN_RETURN_IF_ERROR(CheckCounts(params, sources.size(), targets.size()));
  const int total = params.data + params.parity;
  uint32_t wanted = 0;
  for (int i = 0; i < total; ++i) {
    if (targets[i] != nullptr) wanted |= 1u << i;
  }
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  StripeReader reader(params, std::move(codec), object_size, sources, /*excluded=*/wanted);
  if (wanted == 0) return reader.Report();

  auto append = [&](int i, std::span<const uint8_t> bytes) -> Status {
    Status s = targets[i]->Append(bytes);
    if (s.ok()) return s;
    return Status(s.code(), "erasure: healing shard " + std::to_string(i) + ": " + s.message());
  };
  for (int i = 0; i < total; ++i) {
    if (wanted & (1u << i)) CAIRN_RETURN_IF_ERROR(append(i, EncodeShardHeader(params, i)));
  }
  const ErasureLayout layout = LayoutOf(params);
  const size_t hash_size = BitrotHashSize(params.algorithm);
  uint8_t hash[kMaxBitrotHashSize];
  for (uint64_t block = 0; block < layout.BlockCount(object_size); ++block) {
    CAIRN_RETURN_IF_ERROR(reader.Load(block, wanted));
    for (int i = 0; i < total; ++i) {
      if (!(wanted & (1u << i))) continue;
      std::span<const uint8_t> shard(reader.shard(i), reader.shard_block_size());
      ComputeBitrotHash(params.algorithm, shard.data(), shard.size(), hash);
      CAIRN_RETURN_IF_ERROR(append(i, std::span<const uint8_t>(hash, hash_size)));
      CAIRN_RETURN_IF_ERROR(append(i, shard));
    }
  }
  for (int i = 0; i < total; ++i) {
    if (!(wanted & (1u << i))) continue;
    Status s = targets[i]->Finish();
    if (!s.ok()) {
      return Status(s.code(),
                    "erasure: finishing healed shard " + std::to_string(i) + ": " + s.message());
    }
  }
  return reader.Report();
}

Result<ShardReport> VerifyShards(const ErasureParams& params, uint64_t object_size,
                                 std::span<ShardSource* const> sources) {
  CAIRN_RETURN_IF_ERROR(CheckCounts(params, sources.size(), sources.size()));
  CAIRN_ASSIGN_OR_RETURN(ErasureCodec codec, ErasureCodec::Create(params.data, params.parity));
  StripeReader reader(params, std::move(codec), object_size, sources, /*excluded=*/0);
  const uint32_t all = (1u << (params.data + params.parity)) - 1;
  reader.CheckHeaders(all);
  const ErasureLayout layout = LayoutOf(params);
  for (uint64_t block = 0; block < layout.BlockCount(object_size); ++block) {
    // Loading every shard reads (and checks) each one that is still good.
    Status loaded = reader.Load(block, all);
    if (!loaded.ok()) return loaded;
  }
  return reader.Report();
}

}  // namespace cairn::storage::erasure
