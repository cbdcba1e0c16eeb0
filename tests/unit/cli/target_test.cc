#include "cli/target.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

bool IsLocal(std::string_view name) { return name == "local" || name == "play"; }

TEST(TargetTest, AliasBucketKey) {
  Target t = ParseTarget("local/photos/2024/a b.jpg", IsLocal);
  EXPECT_TRUE(t.remote);
  EXPECT_EQ(t.alias, "local");
  EXPECT_EQ(t.bucket, "photos");
  EXPECT_EQ(t.key, "2024/a b.jpg");
  EXPECT_EQ(t.Display(), "local/photos/2024/a b.jpg");
}

TEST(TargetTest, AliasOnlyAndBucketOnly) {
  Target a = ParseTarget("local", IsLocal);
  EXPECT_TRUE(a.remote);
  EXPECT_EQ(a.bucket, "");
  Target b = ParseTarget("local/photos", IsLocal);
  EXPECT_EQ(b.bucket, "photos");
  EXPECT_EQ(b.key, "");
  Target c = ParseTarget("local/photos/", IsLocal);
  EXPECT_EQ(c.bucket, "photos");
  EXPECT_EQ(c.key, "");
  Target d = ParseTarget("local/photos/dir/", IsLocal);
  EXPECT_EQ(d.key, "dir/");
}

TEST(TargetTest, SeedPrefixWithStarStaysVerbatim) {
  Target t = ParseTarget("local/ensure-study-documents/classrooms/*/thumbnails/", IsLocal);
  EXPECT_EQ(t.bucket, "ensure-study-documents");
  EXPECT_EQ(t.key, "classrooms/*/thumbnails/");
}

TEST(TargetTest, LocalPaths) {
  for (const char* p : {"./local/x", "/local/x", "-", "nosuch/bucket/key", "file.txt", ""}) {
    Target t = ParseTarget(p, IsLocal);
    EXPECT_FALSE(t.remote) << p;
    EXPECT_EQ(t.local, p);
  }
}

TEST(TargetTest, NotAnAliasMessage) {
  Status s = NotAnAliasError("nosuch/bucket");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("no alias named `nosuch`"), std::string::npos);
}

TEST(TargetTest, JoinAndBaseName) {
  EXPECT_EQ(JoinKey("", "a/b"), "a/b");
  EXPECT_EQ(JoinKey("dir", "a"), "dir/a");
  EXPECT_EQ(JoinKey("dir/", "/a"), "dir/a");
  EXPECT_EQ(BaseName("a/b/c"), "c");
  EXPECT_EQ(BaseName("a/b/"), "b");
  EXPECT_EQ(BaseName("c"), "c");
}

}  // namespace
}  // namespace cairn::cli
