#include "platform/process_limits.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace cairn::platform {
namespace {

TEST(ProcessLimitsTest, RaisesSoftOpenFileLimitToHardLimit) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  rlimit lowered = before;
  lowered.rlim_cur = std::min<rlim_t>(before.rlim_max, 256);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

  uint64_t now = RaiseOpenFileLimit();

  rlimit after{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
  EXPECT_EQ(now, after.rlim_cur == RLIM_INFINITY ? UINT64_MAX : after.rlim_cur);
}

}  // namespace
}  // namespace cairn::platform
