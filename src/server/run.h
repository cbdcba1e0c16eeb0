#pragma once

#include "server/config.h"

namespace cairn::server {

// The composition root: opens the store, wires auth, IAM and the S3 API onto the HTTP server,
// serves until SIGTERM/SIGINT, and returns the process exit code.
int RunServer(const ServerConfig& config);

}  // namespace cairn::server
