#include "common/headers.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

TEST(HeadersTest, SafeHeaderValueRefusesEveryControlByteButTab) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string value = "a" + std::string(1, static_cast<char>(byte)) + "b";
    bool control = (byte < 0x20 && byte != '\t') || byte == 0x7f;
    EXPECT_EQ(IsSafeHeaderValue(value), !control) << "byte " << byte;
  }
  EXPECT_TRUE(IsSafeHeaderValue(""));
  EXPECT_TRUE(IsSafeHeaderValue("text/plain; charset=utf-8"));
  EXPECT_TRUE(IsSafeHeaderValue("caf\xc3\xa9"));  // UTF-8 passes: it cannot split a head
  EXPECT_FALSE(IsSafeHeaderValue("text/plain\r\nSet-Cookie: evil=1"));
  EXPECT_FALSE(IsSafeHeaderValue(std::string("x\0y", 3)));
}

TEST(HeadersTest, HttpTokenIsAFieldName) {
  EXPECT_TRUE(IsHttpToken("x-amz-meta-mtime"));
  EXPECT_TRUE(IsHttpToken("X_Custom.1!#$%&'*+^`|~"));
  EXPECT_FALSE(IsHttpToken(""));
  EXPECT_FALSE(IsHttpToken("x-amz-meta-a b"));
  EXPECT_FALSE(IsHttpToken("x-amz-meta-a:b"));
  EXPECT_FALSE(IsHttpToken("x-amz-meta-a\r\nset-cookie"));
  EXPECT_FALSE(IsHttpToken("x-amz-meta-\xc3\xa9"));
}

TEST(HeadersTest, LookupIsCaseInsensitiveAndJoinsRepeats) {
  Headers h;
  h.Add("Cache-Control", "a");
  h.Add("cache-control", "b");
  EXPECT_EQ(h.Get("CACHE-CONTROL").value_or(""), "a");
  EXPECT_EQ(h.GetJoined("cache-control").value_or(""), "a,b");
}

}  // namespace
}  // namespace cairn
