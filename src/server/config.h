// The server's settings from its command line and environment, MinIO's names first-class.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace cairn::server {

struct ListenAddress {
  std::string host;  // "" = every address
  uint16_t port = 0;
};

// ":9000", "127.0.0.1:9000", "[::1]:9000", "localhost:9000" or a bare port "9000".
Result<ListenAddress> ParseListenAddress(const std::string& text);

struct ServerConfig {
  std::vector<std::string> data_dirs;
  ListenAddress address{"", 9000};
  ListenAddress console_address{"", 9001};
  std::vector<std::string> domains;
  // The region requests must be signed for (MINIO_SITE_REGION / MINIO_REGION; AWS's default).
  std::string region = "us-east-1";
  std::string root_user;
  std::string root_password;
  bool default_credentials = false;  // neither variable was set: minioadmin/minioadmin
  bool console_enabled = true;
};

// A lookup of environment variables, swappable in tests.
using EnvLookup = std::string (*)(const char* name);
std::string ProcessEnv(const char* name);

// Completes `config` (whose data_dirs/address/console/domains may already come from flags; a
// flag wins over the environment) from MINIO_* / CAIRN_* variables and their _FILE forms, and
// validates it. Errors: kInvalidArgument with a message for the operator.
Status ResolveConfig(ServerConfig& config, bool address_flag, bool console_flag, bool domain_flag,
                     EnvLookup env = ProcessEnv);

}  // namespace cairn::server
