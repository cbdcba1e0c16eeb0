#include "storage/erasure/codec.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <vector>

#include "test_shards.h"

namespace cairn::storage::erasure {
namespace {

using testing::RandomBytes;

// Shards of `len` bytes, the data ones random, the parity ones encoded.
struct Stripe {
  std::vector<std::string> shards;
  std::vector<uint8_t*> Pointers() {
    std::vector<uint8_t*> out;
    for (auto& s : shards) out.push_back(reinterpret_cast<uint8_t*>(s.data()));
    return out;
  }
};

Stripe Encoded(const ErasureCodec& codec, size_t len, uint32_t seed) {
  Stripe stripe;
  for (int i = 0; i < codec.total(); ++i) {
    stripe.shards.push_back(i < codec.data() ? RandomBytes(len, seed + i) : std::string(len, '\0'));
  }
  auto ptrs = stripe.Pointers();
  EXPECT_TRUE(codec.Encode(ptrs, len).ok());
  return stripe;
}

// Erases the shards in `missing` (overwrites them with junk), reconstructs them, compares.
void ExpectReconstructs(const ErasureCodec& codec, const Stripe& original, uint32_t missing) {
  Stripe damaged = original;
  for (int i = 0; i < codec.total(); ++i) {
    if (missing & (1u << i)) damaged.shards[i].assign(damaged.shards[i].size(), '\xa5');
  }
  uint32_t all = (1u << codec.total()) - 1;
  auto ptrs = damaged.Pointers();
  Status s = codec.Reconstruct(ptrs, all & ~missing, missing, original.shards[0].size());
  ASSERT_TRUE(s.ok()) << s.ToString() << " missing mask " << missing;
  for (int i = 0; i < codec.total(); ++i) {
    ASSERT_EQ(damaged.shards[i], original.shards[i])
        << codec.data() << "+" << codec.parity() << " shard " << i << " missing mask " << missing;
  }
}

// Every subset of {0..n-1} with exactly `size` members, as masks (Gosper's hack).
std::vector<uint32_t> Subsets(int n, int size) {
  std::vector<uint32_t> out;
  if (size == 0) return {0};
  for (uint32_t m = (1u << size) - 1; m < (1u << n);) {
    out.push_back(m);
    uint32_t c = m & -m, r = m + c;
    m = (((r ^ m) >> 2) / c) | r;
  }
  return out;
}

TEST(ErasureCodec, RejectsGeometryOutsideMinioLimits) {
  EXPECT_FALSE(ErasureCodec::Create(0, 0).ok());
  EXPECT_FALSE(ErasureCodec::Create(17, 0).ok());
  EXPECT_FALSE(ErasureCodec::Create(4, 5).ok());   // parity > data
  EXPECT_FALSE(ErasureCodec::Create(10, 7).ok());  // 17 shards
  EXPECT_FALSE(ErasureCodec::Create(4, -1).ok());
  EXPECT_TRUE(ErasureCodec::Create(1, 0).ok());
  EXPECT_TRUE(ErasureCodec::Create(1, 1).ok());
  EXPECT_TRUE(ErasureCodec::Create(8, 8).ok());
  EXPECT_TRUE(ErasureCodec::Create(16, 0).ok());
  EXPECT_TRUE(ErasureCodec::Create(12, 4).ok());
}

TEST(ErasureCodec, DataShardsAreStoredAsIs) {
  auto codec = ErasureCodec::Create(3, 2);
  ASSERT_TRUE(codec.ok());
  Stripe stripe = Encoded(*codec, 100, 7);
  EXPECT_EQ(stripe.shards[0], RandomBytes(100, 7));
  EXPECT_EQ(stripe.shards[2], RandomBytes(100, 9));
  EXPECT_NE(stripe.shards[3], std::string(100, '\0'));
}

// Every pattern of up to `parity` missing shards decodes: exhaustively for n <= 8, for larger
// sets every pattern of one and two, and a sample of each larger size.
TEST(ErasureCodec, EveryErasurePatternUpToParityReconstructs) {
  std::mt19937 rng(42);
  int checked = 0;
  for (int n = 2; n <= 16; ++n) {
    std::vector<int> parities;
    if (n <= 8) {
      for (int p = 0; p <= n / 2; ++p) parities.push_back(p);
    } else {
      parities = {0, 1, 2, 4, n / 2};
    }
    for (int p : parities) {
      auto codec = ErasureCodec::Create(n - p, p);
      ASSERT_TRUE(codec.ok()) << n << " " << p;
      // 1000 bytes: the SIMD path and a tail; 5 bytes: ISA-L's short-vector path.
      for (size_t len : {size_t{1000}, size_t{5}}) {
        Stripe stripe = Encoded(*codec, len, static_cast<uint32_t>(n * 100 + p));
        for (int missing = 1; missing <= p; ++missing) {
          std::vector<uint32_t> patterns = Subsets(n, missing);
          if (n > 8 && missing > 2 && patterns.size() > 200) {
            std::shuffle(patterns.begin(), patterns.end(), rng);
            patterns.resize(200);
          }
          for (uint32_t pattern : patterns) {
            ExpectReconstructs(*codec, stripe, pattern);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

TEST(ErasureCodec, ParityPlusOneMissingIsAnErrorNotGarbage) {
  for (auto [d, p] :
       std::vector<std::pair<int, int>>{{2, 2}, {3, 3}, {4, 4}, {2, 1}, {4, 2}, {12, 4}, {8, 0}}) {
    auto codec = ErasureCodec::Create(d, p);
    ASSERT_TRUE(codec.ok());
    Stripe stripe = Encoded(*codec, 64, 3);
    for (uint32_t missing : Subsets(d + p, p + 1)) {
      Stripe damaged = stripe;
      uint32_t all = (1u << (d + p)) - 1;
      auto ptrs = damaged.Pointers();
      Status s = codec->Reconstruct(ptrs, all & ~missing, missing, 64);
      EXPECT_EQ(s.code(), Code::kUnavailable) << d << "+" << p << " mask " << missing;
    }
  }
}

TEST(ErasureCodec, ReconstructsOnlyTheShardsAskedFor) {
  auto codec = ErasureCodec::Create(4, 2);
  ASSERT_TRUE(codec.ok());
  Stripe stripe = Encoded(*codec, 256, 11);
  Stripe damaged = stripe;
  damaged.shards[1].assign(256, 'x');
  damaged.shards[5].assign(256, 'y');
  auto ptrs = damaged.Pointers();
  // Shard 5 is gone too but only shard 1 is wanted: 5 stays as it was.
  ASSERT_TRUE(codec->Reconstruct(ptrs, 0b011101, 0b000010, 256).ok());
  EXPECT_EQ(damaged.shards[1], stripe.shards[1]);
  EXPECT_EQ(damaged.shards[5], std::string(256, 'y'));
  // Asking for a present shard is a caller's mistake.
  EXPECT_EQ(codec->Reconstruct(ptrs, 0b111111, 0b000001, 256).code(), Code::kInvalidArgument);
}

TEST(ErasureCodec, CopiesShareTheDecodeCacheAndAgree) {
  auto codec = ErasureCodec::Create(6, 3);
  ASSERT_TRUE(codec.ok());
  ErasureCodec copy = *codec;
  Stripe stripe = Encoded(*codec, 333, 5);
  for (int round = 0; round < 3; ++round) {  // cached tables give the same answers
    ExpectReconstructs(*codec, stripe, 0b100010001);
    ExpectReconstructs(copy, stripe, 0b100010001);
  }
}

}  // namespace
}  // namespace cairn::storage::erasure
