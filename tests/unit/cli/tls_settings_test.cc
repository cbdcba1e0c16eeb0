#include "cli/tls_settings.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cairn::cli {
namespace {

std::map<std::string, std::string>& FakeEnv() {
  static std::map<std::string, std::string> env;
  return env;
}
const char* Lookup(const char* name) {
  auto it = FakeEnv().find(name);
  return it == FakeEnv().end() ? nullptr : it->second.c_str();
}

class TlsSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeEnv().clear();
    SetInsecureFlag(false);
  }
  void TearDown() override { SetInsecureFlag(false); }
};

TEST_F(TlsSettingsTest, VerifiesWithTheSystemBundleByDefault) {
  TlsSettings settings = CurrentTlsSettings(Lookup);
  EXPECT_FALSE(settings.insecure);
  EXPECT_FALSE(settings.ca_file.has_value());
}

TEST_F(TlsSettingsTest, InsecureFromFlagOrEitherVariable) {
  SetInsecureFlag(true);
  EXPECT_TRUE(CurrentTlsSettings(Lookup).insecure);
  SetInsecureFlag(false);
  FakeEnv()["MC_INSECURE"] = "on";
  EXPECT_TRUE(CurrentTlsSettings(Lookup).insecure);
  FakeEnv().clear();
  FakeEnv()["CAIRN_INSECURE"] = "true";
  EXPECT_TRUE(CurrentTlsSettings(Lookup).insecure);
  FakeEnv()["CAIRN_INSECURE"] = "off";
  EXPECT_FALSE(CurrentTlsSettings(Lookup).insecure);
}

TEST_F(TlsSettingsTest, CairnCaFileWinsOverSslCertFile) {
  FakeEnv()["SSL_CERT_FILE"] = "/etc/system.pem";
  EXPECT_EQ(CurrentTlsSettings(Lookup).ca_file, "/etc/system.pem");
  FakeEnv()["CAIRN_CA_FILE"] = "/tmp/test-ca.pem";
  EXPECT_EQ(CurrentTlsSettings(Lookup).ca_file, "/tmp/test-ca.pem");
  FakeEnv()["CAIRN_CA_FILE"] = "";  // empty: ignored
  EXPECT_EQ(CurrentTlsSettings(Lookup).ca_file, "/etc/system.pem");
}

}  // namespace
}  // namespace cairn::cli
