#pragma once

#include "server/config.h"

namespace cairn::server {

// What RunServer returns after `mc admin service restart` (CAIRN_ADMIN_SERVICE_ACTIONS=on): the
// caller starts the same command again in this process (main execs itself) once everything the
// server held is closed.
constexpr int kRestartRequested = -1;

// The composition root: opens the store, wires auth, IAM and the S3 API onto the HTTP server,
// serves until SIGTERM/SIGINT (or an admin stop or restart), and returns the process exit code
// or kRestartRequested.
int RunServer(const ServerConfig& config);

}  // namespace cairn::server
