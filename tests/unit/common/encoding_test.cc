#include "common/encoding.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(EncodingTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0g").has_value());
  EXPECT_FALSE(HexDecode("abc").has_value());
}

TEST(EncodingTest, Base64) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(*Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(*Base64Decode("aGVsbG8h"), "hello!");
  EXPECT_EQ(*Base64Decode("aGVsbA=="), "hell");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());
  EXPECT_FALSE(Base64Decode("a=VsbG8=").has_value());
  EXPECT_FALSE(Base64Decode("aGV$bG8=").has_value());
  EXPECT_EQ(*Base64Decode(""), "");
}

TEST(EncodingTest, UriEncodeFollowsSigV4) {
  EXPECT_EQ(UriEncode("a b/c~d+e%", true), "a%20b/c~d%2Be%25");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xf0\x9f\x98\x80", false), "%F0%9F%98%80");
}

TEST(EncodingTest, UriDecode) {
  EXPECT_EQ(*UriDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*UriDecode("a%20b+c", false), "a b+c");
  EXPECT_FALSE(UriDecode("%2", false).has_value());
  EXPECT_FALSE(UriDecode("%zz", false).has_value());
  EXPECT_FALSE(UriDecode("abc%", false).has_value());
}

TEST(EncodingTest, ParseQuery) {
  auto q = ParseQuery("list-type=2&prefix=a%2Fb&uploads&x=");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[1].first, "prefix");
  EXPECT_EQ((*q)[1].second, "a/b");
  EXPECT_EQ((*q)[2].first, "uploads");
  EXPECT_EQ((*q)[2].second, "");
}

TEST(EncodingTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80 emoji"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));  // truncated
}

}  // namespace
}  // namespace cairn
