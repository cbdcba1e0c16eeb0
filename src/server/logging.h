// The server's log lines (spdlog's default logger) on stderr: text by default, or one JSON
// object per line ({"level","time","message"}) with `cairn server --json` / CAIRN_LOG_FORMAT=json;
// the level from --log-level / CAIRN_LOG_LEVEL (debug, info, warn, error). The start-up banner
// is not a log line: it stays human, on stdout.
#pragma once

#include <string>

#include "common/status.h"
#include "server/config.h"

namespace cairn::server {

struct LogFlags {
  bool json = false;  // --json
  std::string level;  // --log-level, "" = not given
};

// Errors: kInvalidArgument for a level or format Cairn does not know.
Status ConfigureLogging(const LogFlags& flags, EnvLookup env = ProcessEnv);

// One log record as the JSON format writes it (for tests).
std::string JsonLogLine(std::string_view level, std::string_view time, std::string_view message);

}  // namespace cairn::server
