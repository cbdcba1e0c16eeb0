#include "cli/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace cairn::cli {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn-cli-config-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    dir_ = root_ + "/conf";
  }
  void TearDown() override {
    std::filesystem::remove_all(root_);
    ::unsetenv("CAIRN_HOST_envonly");
    ::unsetenv("MC_HOST_envonly");
    ::unsetenv("CAIRN_CONFIG_DIR");
  }
  std::string root_, dir_;
};

TEST_F(ConfigTest, MissingFileIsEmpty) {
  auto config = LoadConfig(dir_);
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->aliases.empty());
}

TEST_F(ConfigTest, RoundTripWithPrivateModes) {
  Config config;
  config.aliases["local"] = {"http://localhost:9000", "minioadmin", "minioadmin123", "s3v4",
                             "auto"};
  ASSERT_TRUE(SaveConfig(dir_, config).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto loaded = LoadConfig(dir_);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->aliases.count("local"), 1u);
  EXPECT_EQ(loaded->aliases["local"].url, "http://localhost:9000");
  EXPECT_EQ(loaded->aliases["local"].secret_key, "minioadmin123");
}

TEST_F(ConfigTest, RewriteNarrowsAWideFile) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/config.json") << "{}";
  ::chmod((dir_ + "/config.json").c_str(), 0644);
  ASSERT_TRUE(SaveConfig(dir_, Config{}).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfigTest, BadJsonIsAnError) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/config.json") << "{not json";
  auto config = LoadConfig(dir_);
  EXPECT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("not valid JSON"), std::string::npos);
}

TEST_F(ConfigTest, ConfigDirOverride) {
  ::setenv("CAIRN_CONFIG_DIR", dir_.c_str(), 1);
  EXPECT_EQ(ConfigDir(), dir_);
}

TEST_F(ConfigTest, HostUrlFromEnvironment) {
  auto alias = ParseHostUrl("https://AK:s%2Fecret@example.com:9000/");
  ASSERT_TRUE(alias.ok()) << alias.status().message();
  EXPECT_EQ(alias->url, "https://example.com:9000");
  EXPECT_EQ(alias->access_key, "AK");
  EXPECT_EQ(alias->secret_key, "s/ecret");
  EXPECT_FALSE(ParseHostUrl("http://example.com").ok());
  EXPECT_FALSE(ParseHostUrl("ftp://a:b@example.com").ok());

  ::setenv("MC_HOST_envonly", "http://a:b@127.0.0.1:1", 1);
  Config empty;
  auto found = FindAlias(empty, "envonly");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->url, "http://127.0.0.1:1");
  ::setenv("CAIRN_HOST_envonly", "http://c:d@127.0.0.1:2", 1);
  found = FindAlias(empty, "envonly");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->access_key, "c");  // CAIRN_HOST_ wins
  EXPECT_FALSE(FindAlias(empty, "other").has_value());
}

TEST_F(ConfigTest, Validation) {
  EXPECT_TRUE(ValidAliasName("local"));
  EXPECT_TRUE(ValidAliasName("my-minio_2"));
  EXPECT_FALSE(ValidAliasName(""));
  EXPECT_FALSE(ValidAliasName("-x"));
  EXPECT_FALSE(ValidAliasName("a/b"));
  EXPECT_EQ(NormalizeUrl("http://localhost:9000/").value(), "http://localhost:9000");
  EXPECT_FALSE(NormalizeUrl("localhost:9000").ok());
  EXPECT_FALSE(NormalizeUrl("http://host/path").ok());
}

}  // namespace
}  // namespace cairn::cli
