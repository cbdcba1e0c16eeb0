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

}  // namespace
}  // namespace cairn
