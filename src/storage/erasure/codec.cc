#include "storage/erasure/codec.h"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <bit>
#include <string>

namespace cairn::storage::erasure {

namespace {

constexpr size_t kMaxCachedPatterns = 1024;

}  // namespace

Result<ErasureCodec> ErasureCodec::Create(int data, int parity) {
  if (data < 1 || data > kMaxShards || parity < 0 || parity > data || data + parity > kMaxShards) {
    return Status(Code::kInvalidArgument, "erasure: unsupported geometry " + std::to_string(data) +
                                              "+" + std::to_string(parity));
  }
  return ErasureCodec(data, parity);
}

ErasureCodec::ErasureCodec(int data, int parity)
    : data_(data),
      parity_(parity),
      matrix_(static_cast<size_t>(data + parity) * data),
      encode_tables_(32u * data * parity),
      cache_(std::make_shared<Cache>()) {
  gf_gen_cauchy1_matrix(matrix_.data(), data + parity, data);
  if (parity > 0) {
    ec_init_tables(data, parity, matrix_.data() + static_cast<size_t>(data) * data,
                   encode_tables_.data());
  }
}

Status ErasureCodec::Encode(std::span<uint8_t* const> shards, size_t len) const {
  if (shards.size() != static_cast<size_t>(total())) {
    return Status(Code::kInternal, "erasure: encode given the wrong number of shards");
  }
  if (parity_ == 0 || len == 0) return Status::Ok();
  // ISA-L takes non-const pointers but only reads the sources.
  ec_encode_data(static_cast<int>(len), data_, parity_, const_cast<uint8_t*>(encode_tables_.data()),
                 const_cast<uint8_t**>(shards.data()),
                 const_cast<uint8_t**>(shards.data()) + data_);
  return Status::Ok();
}

Result<std::shared_ptr<const std::vector<uint8_t>>> ErasureCodec::DecodeTables(
    uint32_t sources, uint32_t wanted) const {
  uint64_t key = (static_cast<uint64_t>(wanted) << 32) | sources;
  {
    std::lock_guard lock(cache_->mu);
    auto it = cache_->tables.find(key);
    if (it != cache_->tables.end()) return it->second;
  }
  const int k = data_;
  // The k x k submatrix of the generator rows of the sources, inverted: it maps the source
  // shards back to the data shards.
  std::vector<uint8_t> sub(static_cast<size_t>(k) * k), inverse(static_cast<size_t>(k) * k);
  int row = 0;
  for (int i = 0; i < total(); ++i) {
    if (!(sources & (1u << i))) continue;
    std::copy_n(matrix_.data() + static_cast<size_t>(i) * k, k, sub.data() + row * k);
    ++row;
  }
  if (gf_invert_matrix(sub.data(), inverse.data(), k) != 0) {
    return Status(Code::kInternal, "erasure: singular decode matrix");  // impossible for Cauchy
  }
  // One row per wanted shard: a data shard's row of the inverse, or a parity shard's generator
  // row times the inverse.
  int rows = std::popcount(wanted);
  std::vector<uint8_t> coefficients(static_cast<size_t>(rows) * k);
  int out = 0;
  for (int i = 0; i < total(); ++i) {
    if (!(wanted & (1u << i))) continue;
    uint8_t* dst = coefficients.data() + static_cast<size_t>(out) * k;
    if (i < k) {
      std::copy_n(inverse.data() + static_cast<size_t>(i) * k, k, dst);
    } else {
      const uint8_t* gen = matrix_.data() + static_cast<size_t>(i) * k;
      for (int c = 0; c < k; ++c) {
        uint8_t s = 0;
        for (int j = 0; j < k; ++j) s ^= gf_mul(gen[j], inverse[static_cast<size_t>(j) * k + c]);
        dst[c] = s;
      }
    }
    ++out;
  }
  auto tables = std::make_shared<std::vector<uint8_t>>(32u * k * rows);
  ec_init_tables(k, rows, coefficients.data(), tables->data());
  std::lock_guard lock(cache_->mu);
  if (cache_->tables.size() >= kMaxCachedPatterns) cache_->tables.clear();
  cache_->tables.emplace(key, tables);
  return std::shared_ptr<const std::vector<uint8_t>>(std::move(tables));
}

Status ErasureCodec::Reconstruct(std::span<uint8_t* const> shards, uint32_t present,
                                 uint32_t wanted, size_t len) const {
  const uint32_t all = (1u << total()) - 1;
  if (shards.size() != static_cast<size_t>(total()) || (present & ~all) || (wanted & ~all)) {
    return Status(Code::kInternal, "erasure: reconstruct given shards outside the set");
  }
  if (present & wanted) {
    return Status(Code::kInvalidArgument, "erasure: a shard asked for is already present");
  }
  if (wanted == 0) return Status::Ok();
  if (std::popcount(present) < data_) {
    return Status(Code::kUnavailable, "erasure: " + std::to_string(std::popcount(present)) +
                                          " shards present, " + std::to_string(data_) +
                                          " needed to reconstruct");
  }
  // Any data() present shards will do; take the lowest ones (data shards first, so the common
  // case of one lost data shard inverts a matrix close to the identity).
  uint32_t sources = 0;
  std::vector<uint8_t*> in;
  in.reserve(data_);
  for (int i = 0; i < total() && static_cast<int>(in.size()) < data_; ++i) {
    if (present & (1u << i)) {
      sources |= 1u << i;
      in.push_back(shards[i]);
    }
  }
  std::vector<uint8_t*> out;
  for (int i = 0; i < total(); ++i) {
    if (wanted & (1u << i)) out.push_back(shards[i]);
  }
  if (len == 0) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(auto tables, DecodeTables(sources, wanted));
  ec_encode_data(static_cast<int>(len), data_, static_cast<int>(out.size()),
                 const_cast<uint8_t*>(tables->data()), in.data(), out.data());
  return Status::Ok();
}

}  // namespace cairn::storage::erasure
