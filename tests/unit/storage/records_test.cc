#include "storage/records.h"

#include <gtest/gtest.h>

#include "storage/meta/coding.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

ObjectRecord Sample(bool is_inline) {
  ObjectRecord r;
  r.etag = "0123456789abcdef0123456789abcdef";
  r.modified = FromUnixNanos(1700000000123456789);
  r.attributes.content_type = "text/plain; charset=utf-8";
  r.attributes.headers = {
      {"cache-control", "no-cache"}, {"x-amz-meta-a", ""}, {"x-amz-meta-a", "second"}};
  r.checksums = {{"crc32", "AAAAAA=="}};
  r.is_inline = is_inline;
  if (is_inline) {
    r.inline_data = std::string("ab\0c", 4);
    r.size = 4;
  } else {
    r.size = 1ull << 40;
    r.file_id = *data::FileId::FromHex("00112233445566778899aabbccddeeff");
  }
  return r;
}

void ExpectSame(const ObjectRecord& a, const ObjectRecord& b) {
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.modified, b.modified);
  EXPECT_EQ(a.attributes.content_type, b.attributes.content_type);
  EXPECT_EQ(a.attributes.headers, b.attributes.headers);
  EXPECT_EQ(a.checksums, b.checksums);
  EXPECT_EQ(a.is_inline, b.is_inline);
  if (a.is_inline) {
    EXPECT_EQ(a.inline_data, b.inline_data);
  } else {
    EXPECT_EQ(a.file_id, b.file_id);
  }
}

TEST(RecordsTest, ObjectRoundTrip) {
  for (bool is_inline : {true, false}) {
    ObjectRecord in = Sample(is_inline);
    ObjectRecord out;
    ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(in), &out, true).ok());
    ExpectSame(in, out);
  }
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(Sample(true)), &out, false).ok());
  EXPECT_TRUE(out.inline_data.empty());
  EXPECT_EQ(out.size, 4u);
}

TEST(RecordsTest, BucketRoundTrip) {
  BucketRecord in{FromUnixNanos(42), "eu-west-1"};
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(EncodeBucketRecord(in), &out).ok());
  EXPECT_EQ(out.created, in.created);
  EXPECT_EQ(out.region, in.region);
  EXPECT_EQ(DecodeBucketRecord("", &out).code(), Code::kCorruption);
  EXPECT_EQ(DecodeBucketRecord(EncodeBucketRecord(in) + "x", &out).code(), Code::kCorruption);
}

// Every truncation, every single-byte change and random garbage either decodes or gives
// kCorruption; nothing crashes or reads out of bounds (run under ASan to be sure).
TEST(RecordsTest, DecodeIsDefensive) {
  for (bool is_inline : {true, false}) {
    std::string good = EncodeObjectRecord(Sample(is_inline));
    ObjectRecord out;
    for (size_t n = 0; n < good.size(); ++n) {
      Status s = DecodeObjectRecord(std::string_view(good).substr(0, n), &out, true);
      EXPECT_EQ(s.code(), Code::kCorruption) << n;
    }
    EXPECT_EQ(DecodeObjectRecord(good + "x", &out, true).code(), Code::kCorruption);
    for (size_t i = 0; i < good.size(); ++i) {
      for (int v : {0x00, 0x7f, 0x80, 0xff}) {
        std::string bad = good;
        bad[i] = static_cast<char>(v);
        Status s = DecodeObjectRecord(bad, &out, true);
        EXPECT_TRUE(s.ok() || s.code() == Code::kCorruption);
      }
    }
  }
  ObjectRecord out;
  for (uint32_t seed = 0; seed < 2000; ++seed) {
    std::string junk = testing::Bytes(seed % 97, seed);
    if (!junk.empty()) junk[0] = 1;  // get past the version byte
    if (junk.size() > 1) junk[1] = static_cast<char>(seed & 1);
    Status s = DecodeObjectRecord(junk, &out, true);
    EXPECT_TRUE(s.ok() || s.code() == Code::kCorruption);
  }
  EXPECT_EQ(DecodeObjectRecord(std::string("\x02\x00", 2), &out, true).code(), Code::kCorruption);
  EXPECT_EQ(DecodeObjectRecord(std::string("\x01\x02", 2), &out, true).code(), Code::kCorruption);
}

TEST(RecordsTest, KeysSortPerBucketInByteOrder) {
  EXPECT_EQ(ObjectKey("b", "k/x"), "o/b/k/x");
  // A bucket's prefix never covers another bucket's keys.
  EXPECT_NE(ObjectKey("ab", "c").rfind(ObjectPrefix("a"), 0), 0u);
  EXPECT_LT(ObjectKey("b", "a"), ObjectKey("b", "\xc3\xa9"));
  EXPECT_EQ(IntentKey(*data::FileId::FromHex("00112233445566778899aabbccddeeff")),
            "t/00112233445566778899aabbccddeeff");
}

TEST(CodingTest, Varints) {
  using namespace meta;
  std::string s;
  std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  std::string_view overlong = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&overlong, &v));
  std::string big;
  PutVarint64(&big, uint64_t{UINT32_MAX} + 1);
  std::string_view big_in = big;
  uint32_t v32;
  EXPECT_FALSE(GetVarint32(&big_in, &v32));
  std::string_view cut = "\x80";
  EXPECT_FALSE(GetVarint64(&cut, &v));
}

}  // namespace
}  // namespace cairn::storage
