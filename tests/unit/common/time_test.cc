#include "common/time.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(TimeTest, FormatsAndParsesAllThreeForms) {
  TimePoint t = *ParseAmzDate("20130524T000000Z");
  EXPECT_EQ(FormatAmzDate(t), "20130524T000000Z");
  EXPECT_EQ(FormatHttpDate(t), "Fri, 24 May 2013 00:00:00 GMT");
  EXPECT_EQ(FormatIso8601(t + std::chrono::milliseconds(123)), "2013-05-24T00:00:00.123Z");
  EXPECT_EQ(*ParseHttpDate("Fri, 24 May 2013 00:00:00 GMT"), t);
  EXPECT_EQ(*ParseHttpDate("Friday, 24-May-13 00:00:00 GMT"), t);
  EXPECT_EQ(*ParseHttpDate("Fri May 24 00:00:00 2013"), t);
  EXPECT_EQ(*ParseIso8601("2013-05-24T00:00:00.000Z"), t);
  EXPECT_EQ(*ParseIso8601("2013-05-24T00:00:00Z"), t);
}

TEST(TimeTest, RejectsGarbage) {
  EXPECT_FALSE(ParseAmzDate("2013-05-24").has_value());
  EXPECT_FALSE(ParseAmzDate("20131324T000000Z").has_value());
  EXPECT_FALSE(ParseHttpDate("yesterday").has_value());
  EXPECT_FALSE(ParseIso8601("2013-05-24 00:00:00Z").has_value());
}

// Found by tests/fuzz/conditions_fuzz: "If-Modified-Since: Fri, 24 May 3012 00:00:00 GMT"
// overflowed the nanosecond count (undefined behaviour) instead of being ignored.
TEST(TimeTest, RejectsDatesATimePointCannotHold) {
  EXPECT_FALSE(ParseHttpDate("Fri, 24 May 3012 00:00:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Mon, 01 Jan 0001 00:00:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-2147483647 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov--2147483648 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun Nov  6 08:49:37 9999").has_value());
  EXPECT_FALSE(ParseIso8601("9999-12-31T23:59:59.999Z").has_value());
  EXPECT_FALSE(ParseAmzDate("16000101T000000Z").has_value());
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("1678-01-01T00:00:00Z")), "1678-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace cairn
