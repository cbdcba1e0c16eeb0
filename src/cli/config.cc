#include "cli/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/encoding.h"

namespace cairn::cli {

std::string ConfigDir() {
  if (const char* dir = std::getenv("CAIRN_CONFIG_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cairn";
}

Result<Config> LoadConfig(const std::string& dir) {
  Config config;
  std::string path = dir + "/config.json";
  std::ifstream in(path);
  if (!in) return config;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kInvalidArgument, "config file " + path + " is not valid JSON");
  }
  auto aliases = doc.find("aliases");
  if (aliases == doc.end() || !aliases->is_object()) return config;
  for (const auto& [name, value] : aliases->items()) {
    if (!value.is_object()) continue;
    Alias alias;
    alias.url = value.value("url", "");
    alias.access_key = value.value("accessKey", "");
    alias.secret_key = value.value("secretKey", "");
    alias.api = value.value("api", "s3v4");
    alias.path = value.value("path", "auto");
    config.aliases[name] = alias;
  }
  return config;
}

Status SaveConfig(const std::string& dir, const Config& config) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status(Code::kIOError, "cannot create " + dir + ": " + std::strerror(errno));
  }
  nlohmann::json doc;
  doc["version"] = "10";
  doc["aliases"] = nlohmann::json::object();
  for (const auto& [name, alias] : config.aliases) {
    doc["aliases"][name] = {{"url", alias.url},
                            {"accessKey", alias.access_key},
                            {"secretKey", alias.secret_key},
                            {"api", alias.api},
                            {"path", alias.path}};
  }
  std::string text = doc.dump(2) + "\n";
  std::string path = dir + "/config.json";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kIOError, "cannot write " + tmp + ": " + std::strerror(errno));
  // The file may have existed with wider permissions: narrow it before writing secrets.
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    return Status(Code::kIOError, "cannot write " + path + ": " + std::strerror(saved));
  }
  return Status::Ok();
}

bool ValidAliasName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

Result<std::string> NormalizeUrl(std::string_view url) {
  std::string u(url);
  while (!u.empty() && u.back() == '/') u.pop_back();
  size_t scheme = u.find("://");
  if (scheme == std::string::npos ||
      (u.compare(0, scheme, "http") != 0 && u.compare(0, scheme, "https") != 0)) {
    return Status(Code::kInvalidArgument,
                  "invalid URL `" + std::string(url) + "`: it must start with http:// or https://");
  }
  std::string host = u.substr(scheme + 3);
  if (host.empty() || host.find('/') != std::string::npos) {
    return Status(Code::kInvalidArgument,
                  "invalid URL `" + std::string(url) + "`: expected http(s)://host[:port]");
  }
  return u;
}

Result<Alias> ParseHostUrl(std::string_view url) {
  size_t scheme = url.find("://");
  size_t at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return Status(Code::kInvalidArgument,
                  "invalid host URL: expected http(s)://ACCESS_KEY:SECRET_KEY@host:port");
  }
  std::string_view userinfo = url.substr(scheme + 3, at - scheme - 3);
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return Status(Code::kInvalidArgument, "invalid host URL: credentials must be ACCESS:SECRET");
  }
  auto access = UriDecode(userinfo.substr(0, colon), false);
  auto secret = UriDecode(userinfo.substr(colon + 1), false);
  if (!access || !secret) {
    return Status(Code::kInvalidArgument, "invalid host URL: bad percent-encoding");
  }
  std::string plain = std::string(url.substr(0, scheme + 3)) + std::string(url.substr(at + 1));
  Alias alias;
  { CAIRN_ASSIGN_OR_RETURN(alias.url, NormalizeUrl(plain)); }
  alias.access_key = *access;
  alias.secret_key = *secret;
  return alias;
}

std::optional<Alias> FindAlias(const Config& config, std::string_view name) {
  for (const char* prefix : {"CAIRN_HOST_", "MC_HOST_"}) {
    std::string var = prefix + std::string(name);
    if (const char* value = std::getenv(var.c_str()); value != nullptr && *value != '\0') {
      auto alias = ParseHostUrl(value);
      if (alias.ok()) return *alias;
    }
  }
  auto it = config.aliases.find(std::string(name));
  if (it == config.aliases.end()) return std::nullopt;
  return it->second;
}

}  // namespace cairn::cli
