#include "platform/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace cairn::platform {
namespace {

class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn-env-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Env* env_ = Env::Default();
  std::string dir_;
};

TEST_F(EnvTest, WriteSyncReadBack) {
  std::string path = JoinPath(dir_, "f");
  auto w = env_->NewWritableFile(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("hello ", 6).ok());
  ASSERT_TRUE((*w)->Append("world", 5).ok());
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_FALSE((*w)->Close().ok());

  auto r = env_->NewRandomAccessFile(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 11u);
  EXPECT_GE((*r)->fd(), 0);
  char buf[32];
  auto n = (*r)->Read(6, sizeof(buf), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "world");
  n = (*r)->Read(11, 4, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(*env_->GetFileSize(path), 11u);
}

TEST_F(EnvTest, NewWritableFileIsExclusive) {
  std::string path = JoinPath(dir_, "f");
  ASSERT_TRUE(env_->NewWritableFile(path).ok());
  auto again = env_->NewWritableFile(path);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kIOError);
  EXPECT_NE(again.status().message().find(path), std::string::npos);
}

TEST_F(EnvTest, MissingFilesAreNotFound) {
  std::string path = JoinPath(dir_, "missing");
  EXPECT_EQ(env_->NewRandomAccessFile(path).status().code(), Code::kNotFound);
  EXPECT_EQ(env_->RemoveFile(path).code(), Code::kNotFound);
  EXPECT_EQ(env_->GetFileSize(path).status().code(), Code::kNotFound);
  EXPECT_EQ(env_->ListDir(path).status().code(), Code::kNotFound);
  EXPECT_FALSE(env_->FileExists(path));
}

TEST_F(EnvTest, DirsRenameListRemove) {
  std::string sub = JoinPath(dir_, "a/b/c");
  ASSERT_TRUE(env_->CreateDirs(sub).ok());
  ASSERT_TRUE(env_->CreateDirs(sub).ok());  // idempotent
  ASSERT_TRUE(env_->CreateDirs(sub + "/").ok());
  std::string from = JoinPath(sub, "x");
  ASSERT_TRUE(env_->NewWritableFile(from).ok());
  ASSERT_TRUE(env_->RenameFile(from, JoinPath(sub, "y")).ok());
  ASSERT_TRUE(env_->SyncDir(sub).ok());
  auto names = env_->ListDir(sub);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"y"});
  EXPECT_TRUE(env_->FileExists(JoinPath(sub, "y")));
  ASSERT_TRUE(env_->RemoveFile(JoinPath(sub, "y")).ok());
  EXPECT_TRUE(env_->ListDir(sub)->empty());
  // A file in the way of a directory is an error.
  ASSERT_TRUE(env_->NewWritableFile(JoinPath(dir_, "file")).ok());
  EXPECT_FALSE(env_->CreateDirs(JoinPath(dir_, "file")).ok());
  EXPECT_FALSE(env_->CreateDirs(JoinPath(dir_, "file/sub")).ok());
}

TEST_F(EnvTest, ReaderSurvivesUnlink) {
  std::string path = JoinPath(dir_, "f");
  auto w = env_->NewWritableFile(path);
  ASSERT_TRUE((*w)->Append("data", 4).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = env_->NewRandomAccessFile(path);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(env_->RemoveFile(path).ok());
  char buf[4];
  auto n = (*r)->Read(0, 4, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "data");
}

TEST_F(EnvTest, DiskSpaceAndRandom) {
  auto space = env_->GetDiskSpace(dir_);
  ASSERT_TRUE(space.ok());
  EXPECT_GT(space->total, 0u);
  EXPECT_LE(space->available, space->total);
  char a[16] = {}, b[16] = {};
  ASSERT_TRUE(RandomBytes(a, sizeof(a)).ok());
  ASSERT_TRUE(RandomBytes(b, sizeof(b)).ok());
  EXPECT_NE(std::string(a, 16), std::string(b, 16));
}

TEST(JoinPathTest, OneSlash) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
}

}  // namespace
}  // namespace cairn::platform
