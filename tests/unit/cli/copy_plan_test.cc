// Multipart copy planning: ranges, the short last part, S3's part-size and part-count limits.
#include "cli/copy_plan.h"

#include <gtest/gtest.h>

#include <map>

namespace cairn::cli {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

// Every byte exactly once, in order, numbered from 1.
void ExpectContiguous(const std::vector<CopyPart>& parts, uint64_t size) {
  ASSERT_FALSE(parts.empty());
  uint64_t next = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].number, static_cast<int>(i + 1));
    EXPECT_EQ(parts[i].first, next);
    EXPECT_GE(parts[i].last, parts[i].first);
    next = parts[i].last + 1;
  }
  EXPECT_EQ(next, size);
}

TEST(CopyPlanTest, RangesAndLastPart) {
  auto parts = PlanCopyParts(40 * kMiB + 3, 5 * kMiB);
  ExpectContiguous(parts, 40 * kMiB + 3);
  ASSERT_EQ(parts.size(), 9u);
  EXPECT_EQ(parts[0].Range(), "bytes=0-5242879");
  EXPECT_EQ(parts[1].Range(), "bytes=5242880-10485759");
  EXPECT_EQ(parts[8].size(), 3u);
  EXPECT_EQ(parts[8].Range(), "bytes=41943040-41943042");

  auto even = PlanCopyParts(40 * kMiB, 5 * kMiB);
  ASSERT_EQ(even.size(), 8u);
  EXPECT_EQ(even.back().size(), 5 * kMiB);

  auto one = PlanCopyParts(1, 5 * kMiB);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].Range(), "bytes=0-0");
  EXPECT_TRUE(PlanCopyParts(0, 5 * kMiB).empty());
}

TEST(CopyPlanTest, SixGibInDefaultParts) {
  CopyTuning tuning;
  uint64_t size = 6 * kGiB + 1;
  auto parts = PlanCopyParts(size, tuning.part_size);
  ExpectContiguous(parts, size);
  ASSERT_EQ(parts.size(), 13u);  // twelve of 512 MiB and one byte
  EXPECT_EQ(parts[0].size(), 512 * kMiB);
  EXPECT_EQ(parts.back().size(), 1u);
}

TEST(CopyPlanTest, PartSizeLimits) {
  // Below S3's 5 MiB minimum: raised to it.
  auto parts = PlanCopyParts(12 * kMiB, 1 * kMiB);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].size(), 5 * kMiB);
  // Above the 5 GiB maximum: capped.
  auto big = PlanCopyParts(12 * kGiB, 8 * kGiB);
  ASSERT_EQ(big.size(), 3u);
  EXPECT_EQ(big[0].size(), 5 * kGiB);
}

TEST(CopyPlanTest, TenThousandPartsGrowThePartSize) {
  // Exactly 10,000 parts of 5 MiB: kept.
  auto exact = PlanCopyParts(10000 * 5 * kMiB, 5 * kMiB);
  EXPECT_EQ(exact.size(), 10000u);
  EXPECT_EQ(exact[0].size(), 5 * kMiB);
  // One byte more would need 10,001: the part grows to the next whole MiB (6 MiB).
  uint64_t size = 10000 * 5 * kMiB + 1;
  auto grown = PlanCopyParts(size, 5 * kMiB);
  ExpectContiguous(grown, size);
  EXPECT_LE(grown.size(), 10000u);
  EXPECT_EQ(grown[0].size(), 6 * kMiB);
  // 5 TiB (S3's largest object) needs 10,240 parts of 512 MiB: they grow to 525 MiB.
  uint64_t five_tib = 5ull << 40;
  for (uint64_t asked : {512 * kMiB, 5 * kMiB}) {
    auto huge = PlanCopyParts(five_tib, asked);
    ExpectContiguous(huge, five_tib);
    EXPECT_EQ(huge.size(), 9987u);
    EXPECT_EQ(huge[0].size(), 525 * kMiB);
  }
}

TEST(CopyPlanTest, TuningDefaultsAndTestOverrides) {
  std::map<std::string, std::string> env;
  auto getenv = [&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto d = CopyTuningFromEnv(getenv);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->threshold, 1 * kGiB);
  EXPECT_EQ(d->part_size, 512 * kMiB);
  EXPECT_EQ(d->threads, 4);
  EXPECT_FALSE(d->Multipart(1 * kGiB));
  EXPECT_TRUE(d->Multipart(1 * kGiB + 1));

  env["CAIRN_CLI_COPY_THRESHOLD"] = "10MiB";
  env["CAIRN_CLI_COPY_PART_SIZE"] = "5MiB";
  auto t = CopyTuningFromEnv(getenv);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->threshold, 10 * kMiB);
  EXPECT_EQ(t->part_size, 5 * kMiB);
  EXPECT_TRUE(t->Multipart(40 * kMiB));

  // Whatever the threshold says, beyond CopyObject's 5 GiB it is multipart.
  env["CAIRN_CLI_COPY_THRESHOLD"] = "1T";
  EXPECT_TRUE(CopyTuningFromEnv(getenv)->Multipart(5 * kGiB + 1));
  EXPECT_FALSE(CopyTuningFromEnv(getenv)->Multipart(5 * kGiB));

  env["CAIRN_CLI_COPY_PART_SIZE"] = "lots";
  auto bad = CopyTuningFromEnv(getenv);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("CAIRN_CLI_COPY_PART_SIZE"), std::string::npos);
}

}  // namespace
}  // namespace cairn::cli
