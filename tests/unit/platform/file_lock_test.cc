#include "platform/file_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace cairn::platform {
namespace {

std::string LockPath() {
  return (std::filesystem::path(::testing::TempDir()) /
          ("cairn-lock-" + std::to_string(::getpid())))
      .string();
}

TEST(FileLockTest, OneHolderAtATimeUntilReleased) {
  const std::string path = LockPath();
  auto first = FileLock::Acquire(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = FileLock::Acquire(path);
  EXPECT_EQ(second.status().code(), Code::kUnavailable) << second.status().ToString();
  first->reset();
  auto third = FileLock::Acquire(path);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
  third->reset();
  std::filesystem::remove(path);
}

// The kernel releases it when its holder dies, however it dies.
TEST(FileLockTest, ADeadHoldersLockIsFree) {
  const std::string path = LockPath() + "-dead";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = FileLock::Acquire(path);
    ::_exit(held.ok() ? 0 : 1);  // exits holding it: never released by a destructor
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto taken = FileLock::Acquire(path);
  EXPECT_TRUE(taken.ok()) << taken.status().ToString();
  taken->reset();
  std::filesystem::remove(path);
}

TEST(FileLockTest, AnUnwritablePlaceIsAnError) {
  auto lock = FileLock::Acquire("/nonexistent-dir-for-cairn/lock");
  EXPECT_EQ(lock.status().code(), Code::kIOError);
}

}  // namespace
}  // namespace cairn::platform
