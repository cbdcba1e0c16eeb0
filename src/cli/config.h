// Client configuration: named aliases (URL + credentials) kept in <dir>/config.json, where <dir>
// is $CAIRN_CONFIG_DIR or ~/.cairn. The file holds secrets, so it is written with mode 0600 in a
// 0700 folder, atomically (temp file + rename). MC_HOST_<alias> / CAIRN_HOST_<alias> environment
// variables ("https://ACCESS:SECRET@host:port") define aliases too and win over the file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::cli {

struct Alias {
  std::string url;  // "http://host:port", no trailing slash
  std::string access_key;
  std::string secret_key;
  std::string api = "s3v4";
  std::string path = "auto";
};

struct Config {
  std::map<std::string, Alias> aliases;
};

// $CAIRN_CONFIG_DIR, else $HOME/.cairn.
std::string ConfigDir();

// Reads <dir>/config.json; a missing file is an empty config. kInvalidArgument when it does not
// parse.
Result<Config> LoadConfig(const std::string& dir);
// Writes <dir>/config.json with mode 0600 (creating <dir> with mode 0700).
Status SaveConfig(const std::string& dir, const Config& config);

// Alias names: a letter or digit, then letters, digits, '-', '_' or '.'.
bool ValidAliasName(std::string_view name);
// "http://host:port" or "https://...", trailing slashes dropped; kInvalidArgument otherwise.
Result<std::string> NormalizeUrl(std::string_view url);
// Parses an MC_HOST_ value: "http://ACCESS:SECRET@host:port" (credentials percent-decoded).
Result<Alias> ParseHostUrl(std::string_view url);

// Finds an alias: CAIRN_HOST_<name>, then MC_HOST_<name>, then the config file.
std::optional<Alias> FindAlias(const Config& config, std::string_view name);

}  // namespace cairn::cli
