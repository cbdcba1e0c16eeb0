// The `cairn` client commands (mc-style), added to the binary's CLI11 app by server/main.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

namespace cairn::cli {

// Adds the client subcommands (alias, mb, ls, cp, ..., admin, completion) and the global flags
// --json and --quiet to `app`.
void Register(CLI::App& app);

// After parsing: when a client command was chosen, runs it and returns its exit status.
std::optional<int> Run(CLI::App& app);

}  // namespace cairn::cli
