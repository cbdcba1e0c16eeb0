#include "common/hash.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cairn
