#include "s3/conditions.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace cairn::s3 {
namespace {

storage::ObjectInfo Info() {
  storage::ObjectInfo info;
  info.etag = "abc123";
  info.size = 100;
  info.modified = *ParseHttpDate("Wed, 01 Jan 2025 12:00:00 GMT") + std::chrono::milliseconds(500);
  return info;
}

Headers With(std::string_view name, std::string_view value) {
  Headers h;
  h.Add(name, value);
  return h;
}

TEST(ConditionsTest, IfMatch) {
  EXPECT_TRUE(CheckReadConditions(With("If-Match", "\"abc123\""), Info()).ok());
  EXPECT_TRUE(CheckReadConditions(With("If-Match", "*"), Info()).ok());
  EXPECT_TRUE(CheckReadConditions(With("If-Match", "\"x\", \"abc123\""), Info()).ok());
  EXPECT_EQ(CheckReadConditions(With("If-Match", "\"other\""), Info()).code(),
            Code::kPreconditionFailed);
}

TEST(ConditionsTest, IfNoneMatchGives304) {
  EXPECT_EQ(CheckReadConditions(With("If-None-Match", "\"abc123\""), Info()).code(),
            Code::kNotModified);
  EXPECT_TRUE(CheckReadConditions(With("If-None-Match", "\"zzz\""), Info()).ok());
}

TEST(ConditionsTest, DatesCompareAtSecondResolution) {
  EXPECT_EQ(CheckReadConditions(With("If-Modified-Since", "Wed, 01 Jan 2025 12:00:00 GMT"), Info())
                .code(),
            Code::kNotModified);
  EXPECT_TRUE(
      CheckReadConditions(With("If-Modified-Since", "Wed, 01 Jan 2025 11:59:59 GMT"), Info()).ok());
  EXPECT_TRUE(
      CheckReadConditions(With("If-Unmodified-Since", "Wed, 01 Jan 2025 12:00:00 GMT"), Info())
          .ok());
  EXPECT_EQ(
      CheckReadConditions(With("If-Unmodified-Since", "Wed, 01 Jan 2025 11:00:00 GMT"), Info())
          .code(),
      Code::kPreconditionFailed);
  // Garbage dates are ignored.
  EXPECT_TRUE(CheckReadConditions(With("If-Unmodified-Since", "yesterday"), Info()).ok());
}

TEST(ConditionsTest, IfMatchOverridesIfUnmodifiedSince) {
  Headers h = With("If-Match", "\"abc123\"");
  h.Add("If-Unmodified-Since", "Wed, 01 Jan 2020 00:00:00 GMT");
  EXPECT_TRUE(CheckReadConditions(h, Info()).ok());
}

TEST(ConditionsTest, CopySourceFailuresAre412) {
  EXPECT_EQ(CheckCopySourceConditions(With("x-amz-copy-source-if-none-match", "\"abc123\""), Info())
                .code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(
      CheckCopySourceConditions(
          With("x-amz-copy-source-if-modified-since", "Thu, 01 Jan 2026 00:00:00 GMT"), Info())
          .code(),
      Code::kPreconditionFailed);
  EXPECT_TRUE(CheckCopySourceConditions(With("x-amz-copy-source-if-match", "abc123"), Info()).ok());
}

std::optional<ByteRange> Range(std::string_view header, uint64_t size) {
  auto r = ParseRange(header, size);
  EXPECT_TRUE(r.ok()) << header;
  return r.ok() ? *r : std::nullopt;
}

TEST(RangeTest, Forms) {
  auto r = Range("bytes=0-9", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, 0u);
  EXPECT_EQ(r->length, 10u);
  r = Range("bytes=10-", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, 10u);
  EXPECT_EQ(r->length, 90u);
  r = Range("bytes=-5", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, 95u);
  EXPECT_EQ(r->length, 5u);
  r = Range("bytes=-500", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, 0u);
  EXPECT_EQ(r->length, 100u);
  r = Range("bytes=90-1000", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 10u);
}

TEST(RangeTest, IgnoredForms) {
  EXPECT_FALSE(Range("bytes=5-1", 100));
  EXPECT_FALSE(Range("bytes=0-1,5-6", 100));
  EXPECT_FALSE(Range("items=0-1", 100));
  EXPECT_FALSE(Range("bytes=abc", 100));
}

TEST(RangeTest, Unsatisfiable) {
  EXPECT_EQ(ParseRange("bytes=100-", 100).status().code(), Code::kInvalidRange);
  EXPECT_EQ(ParseRange("bytes=500-600", 100).status().code(), Code::kInvalidRange);
  EXPECT_EQ(ParseRange("bytes=-0", 100).status().code(), Code::kInvalidRange);
  EXPECT_EQ(ParseRange("bytes=0-", 0).status().code(), Code::kInvalidRange);
}

}  // namespace
}  // namespace cairn::s3
