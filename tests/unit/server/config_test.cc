#include "server/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace cairn::server {
namespace {

using std::chrono::milliseconds;

std::map<std::string, std::string>& FakeEnv() {
  static std::map<std::string, std::string> env;
  return env;
}
std::string Lookup(const char* name) {
  auto it = FakeEnv().find(name);
  return it == FakeEnv().end() ? std::string() : it->second;
}

class FrontDoorConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { FakeEnv().clear(); }
};

TEST(ParseDurationTest, GoStyleDurations) {
  EXPECT_EQ(*ParseDuration("30s"), milliseconds(30000));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("1m"), milliseconds(60000));
  EXPECT_EQ(*ParseDuration("1h"), milliseconds(3600000));
  EXPECT_EQ(*ParseDuration("1m30s"), milliseconds(90000));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("2"), milliseconds(2000));  // a bare number: seconds
  EXPECT_EQ(*ParseDuration("0"), milliseconds(0));
  for (const char* bad : {"", "s", "10x", "ten", "1s2", "-1s", "1 s", "99999999999"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST_F(FrontDoorConfigTest, DefaultsWhenNothingIsSet) {
  ServerConfig config;
  ASSERT_TRUE(ResolveFrontDoor(config, FrontDoorFlags(), Lookup).ok());
  EXPECT_EQ(config.read_header_timeout, milliseconds(30000));
  EXPECT_EQ(config.idle_timeout, milliseconds(30000));
  EXPECT_EQ(config.shutdown_timeout, milliseconds(20000));
  EXPECT_EQ(config.max_connections, 16384);
}

TEST_F(FrontDoorConfigTest, EnvironmentWithMinioAndCairnNames) {
  FakeEnv()["MINIO_READ_HEADER_TIMEOUT"] = "2s";
  FakeEnv()["MINIO_IDLE_TIMEOUT"] = "1m";
  FakeEnv()["MINIO_SHUTDOWN_TIMEOUT"] = "250ms";
  FakeEnv()["CAIRN_MAX_CONNECTIONS"] = "100";
  ServerConfig config;
  ASSERT_TRUE(ResolveFrontDoor(config, FrontDoorFlags(), Lookup).ok());
  EXPECT_EQ(config.read_header_timeout, milliseconds(2000));
  EXPECT_EQ(config.idle_timeout, milliseconds(60000));
  EXPECT_EQ(config.shutdown_timeout, milliseconds(250));
  EXPECT_EQ(config.max_connections, 100);
  // CAIRN_ wins over MINIO_.
  FakeEnv()["CAIRN_READ_HEADER_TIMEOUT"] = "3s";
  ASSERT_TRUE(ResolveFrontDoor(config, FrontDoorFlags(), Lookup).ok());
  EXPECT_EQ(config.read_header_timeout, milliseconds(3000));
}

TEST_F(FrontDoorConfigTest, FlagsWinOverTheEnvironment) {
  FakeEnv()["MINIO_IDLE_TIMEOUT"] = "1m";
  FrontDoorFlags flags;
  flags.idle_timeout = "5s";
  flags.max_connections = "7";
  ServerConfig config;
  ASSERT_TRUE(ResolveFrontDoor(config, flags, Lookup).ok());
  EXPECT_EQ(config.idle_timeout, milliseconds(5000));
  EXPECT_EQ(config.max_connections, 7);
}

TEST_F(FrontDoorConfigTest, BadValuesAreRefusedWithTheirName) {
  struct Case {
    FrontDoorFlags flags;
    const char* name;
  };
  std::vector<Case> cases(5);
  cases[0].flags.read_header_timeout = "soon";
  cases[0].name = "--read-header-timeout";
  cases[1].flags.idle_timeout = "0s";
  cases[1].name = "--idle-timeout";
  cases[2].flags.shutdown_timeout = "1y";
  cases[2].name = "--shutdown-timeout";
  cases[3].flags.max_connections = "0";
  cases[3].name = "--max-connections";
  cases[4].flags.max_connections = "12abc";
  cases[4].name = "--max-connections";
  for (const Case& c : cases) {
    ServerConfig config;
    Status st = ResolveFrontDoor(config, c.flags, Lookup);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_NE(st.message().find(c.name), std::string::npos) << st.message();
  }
  FakeEnv()["MINIO_IDLE_TIMEOUT"] = "never";
  ServerConfig config;
  Status st = ResolveFrontDoor(config, FrontDoorFlags(), Lookup);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("MINIO_IDLE_TIMEOUT"), std::string::npos) << st.message();
}

// A temp HOME with MinIO's and Cairn's certificate folders, filled per test.
class CertsDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeEnv().clear();
    home_ = std::filesystem::temp_directory_path() /
            ("cairn-certs-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
    FakeEnv()["HOME"] = home_.string();
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  std::string Touch(const std::string& relative) {
    std::filesystem::path file = home_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "x";
    return file.parent_path().string();
  }
  std::filesystem::path home_;
};

TEST_F(CertsDirTest, NoCertificatesMeansPlainHttp) {
  ServerConfig config;
  ASSERT_TRUE(ResolveCertsDir(config, "", Lookup).ok());
  EXPECT_EQ(config.certs_dir, "");
  EXPECT_EQ(config.trusted_cas_dir, "");
  std::filesystem::create_directories(home_ / ".minio/certs/CAs");  // a folder alone: still plain
  ASSERT_TRUE(ResolveCertsDir(config, "", Lookup).ok());
  EXPECT_EQ(config.certs_dir, "");
  // ...but its CAs are trusted for outgoing calls all the same.
  EXPECT_EQ(config.trusted_cas_dir, (home_ / ".minio/certs/CAs").string());
}

TEST_F(CertsDirTest, TrustedCasComeWithTheServingFolder) {
  std::filesystem::create_directories(home_ / ".minio/certs/CAs");
  Touch(".cairn/certs/public.crt");
  std::string cairn_dir = Touch(".cairn/certs/private.key");
  std::filesystem::create_directories(home_ / ".cairn/certs/CAs");
  ServerConfig config;
  ASSERT_TRUE(ResolveCertsDir(config, "", Lookup).ok());
  EXPECT_EQ(config.certs_dir, cairn_dir);
  EXPECT_EQ(config.trusted_cas_dir, cairn_dir + "/CAs");
}

TEST_F(CertsDirTest, MinioFolderFirstThenCairns) {
  Touch(".cairn/certs/public.crt");
  std::string cairn_dir = Touch(".cairn/certs/private.key");
  ServerConfig config;
  ASSERT_TRUE(ResolveCertsDir(config, "", Lookup).ok());
  EXPECT_EQ(config.certs_dir, cairn_dir);
  Touch(".minio/certs/public.crt");
  std::string minio_dir = Touch(".minio/certs/private.key");
  ASSERT_TRUE(ResolveCertsDir(config, "", Lookup).ok());
  EXPECT_EQ(config.certs_dir, minio_dir);
}

TEST_F(CertsDirTest, FlagWinsOverDefaults) {
  Touch(".minio/certs/public.crt");
  Touch(".minio/certs/private.key");
  Touch("mine/public.crt");
  std::string mine = Touch("mine/private.key");
  ServerConfig config;
  ASSERT_TRUE(ResolveCertsDir(config, mine, Lookup).ok());
  EXPECT_EQ(config.certs_dir, mine);
  // An empty folder named by the flag: plain HTTP, the defaults are not consulted.
  std::filesystem::create_directories(home_ / "empty");
  ASSERT_TRUE(ResolveCertsDir(config, (home_ / "empty").string(), Lookup).ok());
  EXPECT_EQ(config.certs_dir, "");
}

TEST_F(CertsDirTest, HalfAPairIsRefused) {
  std::string dir = Touch("half/public.crt");
  ServerConfig config;
  Status st = ResolveCertsDir(config, dir, Lookup);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("private.key"), std::string::npos) << st.message();
}

}  // namespace
TEST_F(FrontDoorConfigTest, KmsSecretKeyIsReadAndChecked) {
  ServerConfig config;
  config.data_dirs = {"/data"};
  ASSERT_TRUE(ResolveConfig(config, false, false, false, Lookup).ok());
  EXPECT_TRUE(config.kms_secret_key.empty());
  const std::string good = "my-key:" + std::string("S0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0s=");
  FakeEnv()["MINIO_KMS_SECRET_KEY"] = good;
  ServerConfig with_kms;
  with_kms.data_dirs = {"/data"};
  ASSERT_TRUE(ResolveConfig(with_kms, false, false, false, Lookup).ok());
  EXPECT_EQ(with_kms.kms_secret_key, good);
  FakeEnv()["MINIO_KMS_SECRET_KEY"] = "my-key:c2hvcnQ=";  // 5 bytes, not 32
  ServerConfig bad;
  bad.data_dirs = {"/data"};
  EXPECT_EQ(ResolveConfig(bad, false, false, false, Lookup).code(), Code::kInvalidArgument);
}

}  // namespace cairn::server

namespace cairn::server {
namespace {

TEST_F(FrontDoorConfigTest, AdminServiceActionsAreOffUnlessTurnedOn) {
  ServerConfig by_default;
  by_default.data_dirs = {"/data"};
  ASSERT_TRUE(ResolveConfig(by_default, false, false, false, Lookup).ok());
  EXPECT_FALSE(by_default.admin_service_actions);
  FakeEnv()["CAIRN_ADMIN_SERVICE_ACTIONS"] = "on";
  ServerConfig on;
  on.data_dirs = {"/data"};
  ASSERT_TRUE(ResolveConfig(on, false, false, false, Lookup).ok());
  EXPECT_TRUE(on.admin_service_actions);
  FakeEnv()["CAIRN_ADMIN_SERVICE_ACTIONS"] = "yes";
  ServerConfig bad;
  bad.data_dirs = {"/data"};
  EXPECT_EQ(ResolveConfig(bad, false, false, false, Lookup).code(), Code::kInvalidArgument);
  FakeEnv().erase("CAIRN_ADMIN_SERVICE_ACTIONS");
}

TEST_F(FrontDoorConfigTest, ARadosPoolIsTheWholeStoreWithAStateFolder) {
  ServerConfig pool;
  pool.data_dirs = {"rados://cairn"};
  ASSERT_TRUE(ResolveConfig(pool, false, false, false, Lookup).ok());
  EXPECT_EQ(pool.data_dirs, std::vector<std::string>{"rados://cairn"});
  EXPECT_EQ(pool.state_dir, "/var/lib/cairn/rados-cairn");
  FakeEnv()["CAIRN_STATE_DIR"] = "/srv/gw";
  ServerConfig with_ns;
  with_ns.data_dirs = {"rados://cairn/tenant-a"};
  ASSERT_TRUE(ResolveConfig(with_ns, false, false, false, Lookup).ok());
  EXPECT_EQ(with_ns.state_dir, "/srv/gw");
  FakeEnv().erase("CAIRN_STATE_DIR");
  // A pool beside folders, several pools, or no pool name: refused before anything opens.
  for (std::vector<std::string> dirs :
       {std::vector<std::string>{"rados://cairn", "/data"},
        std::vector<std::string>{"rados://a", "rados://b"}, std::vector<std::string>{"rados://"},
        std::vector<std::string>{"rados:///ns"}}) {
    ServerConfig bad;
    bad.data_dirs = dirs;
    EXPECT_EQ(ResolveConfig(bad, false, false, false, Lookup).code(), Code::kInvalidArgument)
        << dirs[0];
  }
  EXPECT_EQ(pool.ceph_user, "client.admin");
  EXPECT_EQ(pool.bucket_shards, 16);
  for (int shards : {-2, 1025}) {
    ServerConfig bad;
    bad.data_dirs = {"rados://cairn"};
    bad.bucket_shards = shards;
    EXPECT_EQ(ResolveConfig(bad, false, false, false, Lookup).code(), Code::kInvalidArgument)
        << shards;
  }
  // A folder has no state folder of its own: the data folder is it.
  ServerConfig folder;
  folder.data_dirs = {"/data"};
  ASSERT_TRUE(ResolveConfig(folder, false, false, false, Lookup).ok());
  EXPECT_TRUE(folder.state_dir.empty());
  // The RADOS settings asked of folders would do nothing: refused, not ignored.
  ServerConfig conf_for_folder;
  conf_for_folder.data_dirs = {"/data"};
  conf_for_folder.ceph_conf = "/etc/ceph/ceph.conf";
  EXPECT_EQ(ResolveConfig(conf_for_folder, false, false, false, Lookup).code(),
            Code::kInvalidArgument);
  ServerConfig user_for_folder;
  user_for_folder.data_dirs = {"/data"};
  user_for_folder.ceph_user = "client.cairn";
  EXPECT_EQ(ResolveConfig(user_for_folder, false, false, false, Lookup).code(),
            Code::kInvalidArgument);
  ServerConfig shards_for_folder;
  shards_for_folder.data_dirs = {"/data"};
  shards_for_folder.bucket_shards = 4;
  EXPECT_EQ(ResolveConfig(shards_for_folder, false, false, false, Lookup).code(),
            Code::kInvalidArgument);
  FakeEnv()["CAIRN_STATE_DIR"] = "/srv/gw";
  ServerConfig state_for_folder;
  state_for_folder.data_dirs = {"/data"};
  EXPECT_EQ(ResolveConfig(state_for_folder, false, false, false, Lookup).code(),
            Code::kInvalidArgument);
  FakeEnv().erase("CAIRN_STATE_DIR");
}

TEST_F(FrontDoorConfigTest, DataFoldersExpandMinioEllipses) {
  ServerConfig one;
  one.data_dirs = {"/data{1...1}"};
  ASSERT_TRUE(ResolveConfig(one, false, false, false, Lookup).ok());
  EXPECT_EQ(one.data_dirs, std::vector<std::string>{"/data1"});
  FakeEnv()["MINIO_VOLUMES"] = "/mnt/d{1...4}";
  ServerConfig from_env;
  ASSERT_TRUE(ResolveConfig(from_env, false, false, false, Lookup).ok());
  EXPECT_EQ(from_env.data_dirs.size(), 4u);
  FakeEnv()["MINIO_VOLUMES"] = "/mnt/d{1...17}";
  ServerConfig too_many;
  Status several = ResolveConfig(too_many, false, false, false, Lookup);
  EXPECT_EQ(several.code(), Code::kInvalidArgument);
  EXPECT_NE(several.message().find("17 data folders"), std::string::npos) << several.message();
  FakeEnv()["MINIO_VOLUMES"] = "/mnt/d{1...4}";
  FakeEnv()["MINIO_STORAGE_CLASS_STANDARD"] = "EC:3";  // more parity than data
  ServerConfig too_much_parity;
  EXPECT_EQ(ResolveConfig(too_much_parity, false, false, false, Lookup).code(),
            Code::kInvalidArgument);
  FakeEnv()["MINIO_STORAGE_CLASS_STANDARD"] = "EC:1";
  ServerConfig parity_one;
  ASSERT_TRUE(ResolveConfig(parity_one, false, false, false, Lookup).ok());
  EXPECT_EQ(parity_one.storage_class, "EC:1");
  FakeEnv().erase("MINIO_STORAGE_CLASS_STANDARD");
  FakeEnv()["MINIO_VOLUMES"] = "/mnt/d{4...1}";
  ServerConfig bad;
  EXPECT_EQ(ResolveConfig(bad, false, false, false, Lookup).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::server
