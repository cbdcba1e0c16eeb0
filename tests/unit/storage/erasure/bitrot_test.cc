#include "storage/erasure/bitrot.h"

#include <gtest/gtest.h>

#include <xxhash.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/erasure/encoder.h"
#include "storage/erasure/heal.h"
#include "storage/erasure/shard_format.h"
#include "test_shards.h"

namespace cairn::storage::erasure {
namespace {

using testing::MemoryShardSource;
using testing::MemorySink;
using testing::RandomBytes;

std::string Hex(const uint8_t* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// MinIO derives its key as the HighwayHash-256, under a zero key, of the first 100 decimals of
// pi: recomputing it checks the library, the key and the byte order of key and result at once.
TEST(Bitrot, MinioKeyIsHighwayHashOfPi) {
  const std::string pi_decimals =
      "1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348"
      "253421170679";
  ASSERT_EQ(pi_decimals.size(), 100u);
  uint8_t zero[32] = {}, out[32];
  HighwayHash256(zero, reinterpret_cast<const uint8_t*>(pi_decimals.data()), pi_decimals.size(),
                 out);
  EXPECT_EQ(Hex(out, 32), "4be734fa8e238acd263e83e6bb968552040f935da39f441497e09d1322de36a0");
}

// The SIMD-dispatched XXH3 the shards use gives the portable function's bytes (so shards do not
// depend on the CPU that wrote them), in canonical big-endian order.
TEST(Bitrot, Xxh3IsThePortableXxh3InCanonicalForm) {
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{17}, size_t{240}, size_t{4096}, size_t{100003}}) {
    std::string data = RandomBytes(size, static_cast<uint32_t>(size));
    uint8_t got[16];
    ComputeBitrotHash(BitrotAlgorithm::kXxh3_128, reinterpret_cast<const uint8_t*>(data.data()),
                      size, got);
    XXH128_hash_t want = XXH3_128bits(data.data(), size);
    uint8_t expected[16];
    for (int i = 0; i < 8; ++i) {
      expected[i] = static_cast<uint8_t>(want.high64 >> (56 - 8 * i));
      expected[8 + i] = static_cast<uint8_t>(want.low64 >> (56 - 8 * i));
    }
    EXPECT_EQ(Hex(got, 16), Hex(expected, 16)) << size;
  }
}

TEST(Bitrot, HashesDifferOnAnyFlippedBit) {
  std::string data = RandomBytes(4096, 1);
  for (BitrotAlgorithm alg : {BitrotAlgorithm::kHighwayHash256, BitrotAlgorithm::kXxh3_128}) {
    size_t size = BitrotHashSize(alg);
    uint8_t base[kMaxBitrotHashSize], flipped[kMaxBitrotHashSize];
    ComputeBitrotHash(alg, reinterpret_cast<const uint8_t*>(data.data()), data.size(), base);
    for (size_t bit = 0; bit < data.size() * 8; bit += 97) {
      std::string copy = data;
      copy[bit / 8] ^= static_cast<char>(1 << (bit % 8));
      ComputeBitrotHash(alg, reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), flipped);
      ASSERT_NE(Hex(base, size), Hex(flipped, size)) << bit;
    }
  }
  EXPECT_EQ(BitrotHashSize(BitrotAlgorithm::kHighwayHash256), 32u);
  EXPECT_EQ(BitrotHashSize(BitrotAlgorithm::kXxh3_128), 16u);
  EXPECT_FALSE(IsKnownBitrotAlgorithm(0));
  EXPECT_FALSE(IsKnownBitrotAlgorithm(3));
}

TEST(ShardHeader, RoundTripsAndRefusesOthers) {
  ErasureParams params{
      .data = 4, .parity = 2, .block_size = 1 << 20, .algorithm = BitrotAlgorithm::kHighwayHash256};
  params.stream_id[0] = 0x42;
  auto header = EncodeShardHeader(params, 3);
  EXPECT_EQ(std::string(header.begin(), header.begin() + 4), "CRNS");
  EXPECT_TRUE(CheckShardHeader(header, params, 3).ok());
  EXPECT_EQ(CheckShardHeader(header, params, 2).code(), Code::kCorruption);  // moved
  ErasureParams other = params;
  other.stream_id[0] = 0x43;
  EXPECT_EQ(CheckShardHeader(header, other, 3).code(), Code::kCorruption);  // another object
  other = params;
  other.parity = 3;
  EXPECT_EQ(CheckShardHeader(header, other, 3).code(), Code::kCorruption);
  other = params;
  other.block_size = 1 << 19;
  EXPECT_EQ(CheckShardHeader(header, other, 3).code(), Code::kCorruption);
  other = params;
  other.algorithm = BitrotAlgorithm::kXxh3_128;
  EXPECT_EQ(CheckShardHeader(header, other, 3).code(), Code::kCorruption);
  EXPECT_EQ(CheckShardHeader(std::span(header).first(35), params, 3).code(), Code::kCorruption);
  for (size_t i = 0; i < header.size(); ++i) {  // any flipped header byte is caught
    auto bad = header;
    bad[i] ^= 0x10;
    EXPECT_EQ(CheckShardHeader(bad, params, 3).code(), Code::kCorruption) << i;
  }
}

// Shard files of a small object (4 data + 2 parity, 64-byte blocks, 4 blocks).
class BitrotDetection : public ::testing::TestWithParam<BitrotAlgorithm> {
 protected:
  void SetUp() override {
    params_ = ErasureParams{.data = 4, .parity = 2, .block_size = 64, .algorithm = GetParam()};
    params_.stream_id.fill(7);
    auto encoder = ErasureEncoder::Create(params_);
    ASSERT_TRUE(encoder.ok());
    body_ = RandomBytes(kSize, 5);
    std::vector<std::unique_ptr<MemorySink>> sinks;
    for (int i = 0; i < 6; ++i) sinks.push_back(std::make_unique<MemorySink>());
    MemorySource body(body_.data(), body_.size());
    auto result = encoder->Encode(body, kSize, testing::Pointers(sinks));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    for (auto& s : sinks) {
      ASSERT_EQ(s->bytes.size(), ShardFileSize(params_, kSize));
      shards_.push_back(s->bytes);
    }
  }

  // VerifyShards over `shards`.
  ShardReport Verify(const std::vector<std::string>& shards) {
    std::vector<std::unique_ptr<MemoryShardSource>> sources;
    for (const auto& s : shards) sources.push_back(std::make_unique<MemoryShardSource>(s));
    auto report = VerifyShards(params_, kSize, testing::Pointers(sources));
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : ShardReport{};
  }

  static constexpr uint64_t kSize = 200;  // blocks of 64, 64, 64, 8 bytes
  ErasureParams params_;
  std::string body_;
  std::vector<std::string> shards_;
};

TEST_P(BitrotDetection, IntactShardsVerify) { EXPECT_TRUE(Verify(shards_).healthy()); }

// Every byte of every shard file (header, hashes, shard blocks): flipping it is detected, and
// the report names exactly that shard as corrupt.
TEST_P(BitrotDetection, AnyFlippedByteIsDetected) {
  for (int shard = 0; shard < 6; ++shard) {
    for (size_t at = 0; at < shards_[shard].size(); ++at) {
      auto damaged = shards_;
      damaged[shard][at] ^= 0x01;
      ShardReport report = Verify(damaged);
      ASSERT_EQ(report.corrupt, std::vector<int>{shard}) << "shard " << shard << " byte " << at;
      ASSERT_TRUE(report.missing.empty());
    }
  }
}

TEST_P(BitrotDetection, TruncationIsDetected) {
  for (int shard : {0, 5}) {
    for (size_t keep = 0; keep < shards_[shard].size(); keep += 7) {
      auto damaged = shards_;
      damaged[shard].resize(keep);
      ShardReport report = Verify(damaged);
      ASSERT_EQ(report.corrupt, std::vector<int>{shard}) << "kept " << keep;
    }
  }
}

TEST_P(BitrotDetection, ShardsAtTheWrongIndexAreRefused) {
  auto swapped = shards_;
  std::swap(swapped[1], swapped[4]);
  EXPECT_EQ(Verify(swapped).corrupt, (std::vector<int>{1, 4}));
  auto foreign = shards_;
  foreign[2] = std::string(foreign[2].size(), 'z');  // not a shard at all
  EXPECT_EQ(Verify(foreign).corrupt, std::vector<int>{2});
}

INSTANTIATE_TEST_SUITE_P(Algorithms, BitrotDetection,
                         ::testing::Values(BitrotAlgorithm::kHighwayHash256,
                                           BitrotAlgorithm::kXxh3_128));

}  // namespace
}  // namespace cairn::storage::erasure
