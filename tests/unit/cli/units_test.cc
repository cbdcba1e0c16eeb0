#include "cli/units.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

TEST(DurationTest, Parses) {
  EXPECT_EQ(ParseDuration("90").value().count(), 90);
  EXPECT_EQ(ParseDuration("90s").value().count(), 90);
  EXPECT_EQ(ParseDuration("15m").value().count(), 900);
  EXPECT_EQ(ParseDuration("1h").value().count(), 3600);
  EXPECT_EQ(ParseDuration("1h30m").value().count(), 5400);
  EXPECT_EQ(ParseDuration("7d").value().count(), 604800);
  EXPECT_EQ(ParseDuration("2w").value().count(), 1209600);
}

TEST(DurationTest, Rejects) {
  for (const char* bad : {"", "h", "7x", "-1h", "1h30", "0", "0s", "1.5h"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(DurationTest, Formats) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(604800)), "7d");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(3600)), "1h");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(200)), "3m20s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(0)), "0s");
}

TEST(SizeTest, ParsesAndFormats) {
  EXPECT_EQ(ParseSize("512").value(), 512u);
  EXPECT_EQ(ParseSize("10KB").value(), 10000u);
  EXPECT_EQ(ParseSize("10KiB").value(), 10240u);
  EXPECT_EQ(ParseSize("1MiB").value(), 1048576u);
  EXPECT_EQ(ParseSize("1gib").value(), 1073741824u);
  EXPECT_EQ(ParseSize("1.5K").value(), 1500u);
  EXPECT_FALSE(ParseSize("MB").ok());
  EXPECT_FALSE(ParseSize("10XB").ok());
  EXPECT_FALSE(ParseSize("10MBB").ok());
  EXPECT_EQ(FormatSize(12), "12B");
  EXPECT_EQ(FormatSize(1536), "1.5KiB");
  EXPECT_EQ(FormatSize(200u << 20), "200.0MiB");
}

TEST(GlobTest, Matches) {
  EXPECT_TRUE(GlobMatch("*.jpg", "a.jpg"));
  EXPECT_FALSE(GlobMatch("*.jpg", "a.png"));
  EXPECT_TRUE(GlobMatch("file?.txt", "file1.txt"));
  EXPECT_TRUE(GlobMatch("[ab]*", "beta"));
}

TEST(DateTest, Formats) { EXPECT_EQ(FormatDate(FromUnixNanos(0)), "1970-01-01 00:00:00 UTC"); }

}  // namespace
}  // namespace cairn::cli
