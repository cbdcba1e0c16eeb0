#include "common/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace cairn {
namespace {

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Crc32(0, "123456789", 9), 0xCBF43926u);
}

TEST(HashTest, IncrementalEqualsOneShot) {
  Digest d(DigestAlgorithm::kMd5);
  d.Update("hello ");
  d.Update("world");
  EXPECT_EQ(d.Finish(), Md5("hello world"));
  d.Update("again");  // Finish resets
  EXPECT_EQ(d.Finish(), Md5("again"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(HashTest, Crc32cKnownValueAndContinuation) {
  EXPECT_EQ(Crc32c(0, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(Crc32c(0, "", 0), 0u);
  uint32_t crc = Crc32c(0, "1234", 4);
  EXPECT_EQ(Crc32c(crc, "56789", 5), 0xE3069283u);
}

TEST(HashTest, Crc64NvmeKnownValueAndContinuation) {
  EXPECT_EQ(Crc64Nvme(0, "123456789", 9), 0xae8b14860a799888ULL);
  EXPECT_EQ(Crc64Nvme(0, "", 0), 0u);
  // Every split point of a buffer longer than one 8-byte stride gives the same CRC, so the
  // sliced and byte-wise paths agree.
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  uint64_t whole = Crc64Nvme(0, data.data(), data.size());
  for (size_t split = 0; split <= data.size(); ++split) {
    uint64_t crc = Crc64Nvme(0, data.data(), split);
    EXPECT_EQ(Crc64Nvme(crc, data.data() + split, data.size() - split), whole) << split;
  }
  // A bit-at-a-time reference on the same buffer.
  uint64_t ref = ~0ULL;
  for (unsigned char c : data) {
    ref ^= c;
    for (int i = 0; i < 8; ++i) ref = (ref >> 1) ^ ((ref & 1) ? 0x9a6c9329ac4bc9b5ULL : 0);
  }
  EXPECT_EQ(whole, ~ref);
}

// Combining the CRCs of two pieces equals the CRC of their concatenation, for every split,
// lengths with and without whole 8-byte strides, and a long tail (the square-and-multiply path).
TEST(HashTest, CrcCombineEqualsCrcOfConcatenation) {
  std::string data;
  uint32_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<char>(x >> 16));
  }
  const uint32_t crc32 = Crc32(0, data.data(), data.size());
  const uint32_t crc32c = Crc32c(0, data.data(), data.size());
  const uint64_t crc64 = Crc64Nvme(0, data.data(), data.size());
  for (size_t split :
       {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{100}, size_t{2999}, size_t{3000}}) {
    const char* a = data.data();
    const char* b = data.data() + split;
    size_t blen = data.size() - split;
    EXPECT_EQ(Crc32Combine(Crc32(0, a, split), Crc32(0, b, blen), blen), crc32) << split;
    EXPECT_EQ(Crc32cCombine(Crc32c(0, a, split), Crc32c(0, b, blen), blen), crc32c) << split;
    EXPECT_EQ(Crc64NvmeCombine(Crc64Nvme(0, a, split), Crc64Nvme(0, b, blen), blen), crc64)
        << split;
  }
  // Three pieces, combined left to right.
  uint64_t c = Crc64Nvme(0, data.data(), 1000);
  c = Crc64NvmeCombine(c, Crc64Nvme(0, data.data() + 1000, 1), 1);
  c = Crc64NvmeCombine(c, Crc64Nvme(0, data.data() + 1001, 1999), 1999);
  EXPECT_EQ(c, crc64);
  // A known value: "123456789" from "1234" and "56789".
  EXPECT_EQ(Crc32Combine(Crc32(0, "1234", 4), Crc32(0, "56789", 5), 5), 0xCBF43926u);
  EXPECT_EQ(Crc32cCombine(Crc32c(0, "1234", 4), Crc32c(0, "56789", 5), 5), 0xE3069283u);
  EXPECT_EQ(Crc64NvmeCombine(Crc64Nvme(0, "1234", 4), Crc64Nvme(0, "56789", 5), 5),
            0xae8b14860a799888ULL);
}

// A large second length (8 GiB of zeros) against the byte-at-a-time zero operator applied in
// doubling steps: CRC(A || 0^n) combined equals combining zero-piece CRCs of halves.
TEST(HashTest, CrcCombineLargeLengthsAreAssociative) {
  const uint32_t a = Crc32(0, "abc", 3);
  std::string zeros(4096, '\0');
  uint32_t z = Crc32(0, zeros.data(), zeros.size());
  // z_n = CRC of 4096 * 2^n zero bytes, built by combining with itself.
  uint64_t len = zeros.size();
  for (int i = 0; i < 21; ++i) {
    z = Crc32Combine(z, z, len);
    len *= 2;
  }
  // CRC(abc || zeros(len)) two ways: directly combined, and via two halves.
  uint32_t half = Crc32(0, zeros.data(), zeros.size());
  uint64_t half_len = zeros.size();
  for (int i = 0; i < 20; ++i) {
    half = Crc32Combine(half, half, half_len);
    half_len *= 2;
  }
  EXPECT_EQ(Crc32Combine(a, z, len), Crc32Combine(Crc32Combine(a, half, half_len), half, half_len));
}

}  // namespace
}  // namespace cairn
