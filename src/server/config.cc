#include "server/config.h"

#include "storage/crypto/kms.h"
#include "storage/drives/parity.h"
#include "storage/drives/volumes.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cairn::server {

std::string ProcessEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  ListenAddress out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status(Code::kInvalidArgument, "bad address '" + text + "'");
    }
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  } else {
    port_text = text;
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status(Code::kInvalidArgument, "bad port in address '" + text + "'");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A variable from CAIRN_<name>, MINIO_<name>, or the file named by <prefix>_<name>_FILE (Docker
// secrets: a bare name is looked up under /run/secrets). Empty when none is set.
Result<std::string> Setting(EnvLookup env, const std::string& name) {
  for (const char* prefix : {"CAIRN_", "MINIO_"}) {
    std::string value = env((prefix + name).c_str());
    if (!value.empty()) return value;
  }
  for (const char* prefix : {"CAIRN_", "MINIO_"}) {
    std::string file = env((prefix + name + "_FILE").c_str());
    if (file.empty()) continue;
    std::ifstream in(file);
    if (!in && file.find('/') == std::string::npos) in.open("/run/secrets/" + file);
    if (!in) {
      return Status(Code::kInvalidArgument,
                    std::string(prefix) + name + "_FILE names a file that cannot be read: " + file);
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return Trim(buffer.str());
  }
  return std::string();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::stringstream words(item);
    std::string word;
    while (words >> word) out.push_back(word);
  }
  return out;
}

}  // namespace

Status ResolveConfig(ServerConfig& config, bool address_flag, bool console_flag, bool domain_flag,
                     EnvLookup env) {
  CAIRN_ASSIGN_OR_RETURN(std::string user, Setting(env, "ROOT_USER"));
  CAIRN_ASSIGN_OR_RETURN(std::string password, Setting(env, "ROOT_PASSWORD"));
  // MinIO's older names, still found in compose files.
  if (user.empty()) user = env("MINIO_ACCESS_KEY");
  if (password.empty()) password = env("MINIO_SECRET_KEY");
  if (user.empty() && password.empty()) {
    user = password = "minioadmin";
    config.default_credentials = true;
  } else if (user.empty() || password.empty()) {
    return Status(Code::kInvalidArgument,
                  "set both MINIO_ROOT_USER and MINIO_ROOT_PASSWORD (or neither for the defaults)");
  }
  if (user.size() < 3) {
    return Status(Code::kInvalidArgument,
                  "the root user (MINIO_ROOT_USER) must be at least 3 characters long");
  }
  if (password.size() < 8) {
    return Status(Code::kInvalidArgument,
                  "the root password (MINIO_ROOT_PASSWORD) must be at least 8 characters long");
  }
  config.root_user = user;
  config.root_password = password;

  if (config.data_dirs.empty()) {
    CAIRN_ASSIGN_OR_RETURN(std::string volumes, Setting(env, "VOLUMES"));
    config.data_dirs = SplitList(volumes);
  }
  if (config.data_dirs.empty()) {
    return Status(Code::kInvalidArgument,
                  "name a data folder: cairn server DIR (or set MINIO_VOLUMES)");
  }
  const bool rados = std::any_of(config.data_dirs.begin(), config.data_dirs.end(),
                                 [](const std::string& d) { return d.rfind("rados://", 0) == 0; });
  if (rados) {
    // A pool is the whole store: the cluster keeps its copies, not a set of folders.
    if (config.data_dirs.size() != 1) {
      return Status(Code::kInvalidArgument,
                    "rados://POOL is the whole store: name it alone, without data folders");
    }
    // rados://POOL[/NAMESPACE]: the store checks the parts when it opens.
    std::string where = config.data_dirs[0].substr(8);
    std::replace(where.begin(), where.end(), '/', '-');
    if (where.empty() || where.front() == '-') {
      return Status(
          Code::kInvalidArgument,
          "name a pool: rados://POOL or rados://POOL/NAMESPACE, not " + config.data_dirs[0]);
    }
    config.state_dir = env("CAIRN_STATE_DIR");
    if (config.state_dir.empty()) config.state_dir = "/var/lib/cairn/rados-" + where;
    if (config.ceph_user.empty()) config.ceph_user = "client.admin";
    if (config.bucket_shards == -1) config.bucket_shards = 16;
    if (config.bucket_shards < 0 || config.bucket_shards > 1024) {
      return Status(Code::kInvalidArgument, "--bucket-shards takes 0 to 1024");
    }
  } else if (!config.ceph_conf.empty() || !config.ceph_user.empty() ||
             !env("CAIRN_STATE_DIR").empty() || config.bucket_shards != -1) {
    // Asked of a store of folders, they would do nothing: refused rather than ignored.
    return Status(Code::kInvalidArgument,
                  "--ceph-conf, --ceph-user, --bucket-shards and CAIRN_STATE_DIR apply to "
                  "rados://POOL only");
  }
  // MinIO's ellipses (/mnt/d{1...4}) expand here, on the command line's and MINIO_VOLUMES'.
  if (!rados) {
    CAIRN_ASSIGN_OR_RETURN(config.data_dirs, storage::drives::ExpandVolumes(config.data_dirs));
  }
  CAIRN_ASSIGN_OR_RETURN(config.storage_class, Setting(env, "STORAGE_CLASS_STANDARD"));
  if (config.data_dirs.size() > 1) {
    // Refused here, before anything opens, with MinIO's rules (at most half the drives). One
    // drive has no parity to choose: the variable is not read there.
    CAIRN_RETURN_IF_ERROR(
        storage::drives::ParityFor(static_cast<int>(config.data_dirs.size()), config.storage_class)
            .status());
  }
  struct Knob {
    const char* name;
    int64_t* value;
    int64_t min, max;
  };
  for (const Knob& knob :
       {Knob{"CAIRN_DRIVE_CHECK_MS", &config.drive_check_ms, 50, 3600000},
        Knob{"CAIRN_HEAL_PAUSE_MS", &config.heal_pause_ms, 0, 60000},
        Knob{"CAIRN_HEAL_DEEP_INTERVAL_MS", &config.heal_deep_interval_ms, 0,
             int64_t{30} * 86400 * 1000},
        Knob{"CAIRN_HEAL_DEEP_SHARE", &config.heal_deep_share, 1, 100000000},
        Knob{"CAIRN_ERASURE_BLOCK_SIZE", &config.erasure_block_size, 4096, int64_t{64} << 20}}) {
    std::string text = env(knob.name);
    if (text.empty()) continue;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < knob.min || v > knob.max) {
      return Status(Code::kInvalidArgument, std::string(knob.name) + " must be a number from " +
                                                std::to_string(knob.min) + " to " +
                                                std::to_string(knob.max) + ": " + text);
    }
    *knob.value = v;
  }
  if (!address_flag) {
    CAIRN_ASSIGN_OR_RETURN(std::string address, Setting(env, "ADDRESS"));
    if (!address.empty()) {
      CAIRN_ASSIGN_OR_RETURN(config.address, ParseListenAddress(address));
    }
  }
  if (!console_flag) {
    CAIRN_ASSIGN_OR_RETURN(std::string address, Setting(env, "CONSOLE_ADDRESS"));
    if (!address.empty()) {
      CAIRN_ASSIGN_OR_RETURN(config.console_address, ParseListenAddress(address));
    }
  }
  if (!domain_flag) {
    CAIRN_ASSIGN_OR_RETURN(std::string domains, Setting(env, "DOMAIN"));
    config.domains = SplitList(domains);
  }
  CAIRN_ASSIGN_OR_RETURN(std::string region, Setting(env, "SITE_REGION"));
  if (region.empty()) {
    CAIRN_ASSIGN_OR_RETURN(region, Setting(env, "REGION"));  // MinIO's older name
  }
  if (!region.empty()) {
    bool valid = region.size() <= 64;
    for (char c : region) {
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
    if (!valid) {
      return Status(Code::kInvalidArgument,
                    "MINIO_SITE_REGION must be lower-case letters, digits and dashes: " + region);
    }
    config.region = region;
  }
  // The built-in KMS (docs/encryption.md); checked here so a bad key stops the start.
  CAIRN_ASSIGN_OR_RETURN(config.kms_secret_key, Setting(env, "KMS_SECRET_KEY"));
  if (!config.kms_secret_key.empty()) {
    CAIRN_RETURN_IF_ERROR(storage::crypto::ParseSecretKeyKms(config.kms_secret_key).status());
  }
  CAIRN_ASSIGN_OR_RETURN(std::string service_actions, Setting(env, "ADMIN_SERVICE_ACTIONS"));
  if (service_actions == "on") {
    config.admin_service_actions = true;
  } else if (!service_actions.empty() && service_actions != "off") {
    return Status(Code::kInvalidArgument,
                  "CAIRN_ADMIN_SERVICE_ACTIONS must be on or off: " + service_actions);
  }
  CAIRN_ASSIGN_OR_RETURN(std::string browser, Setting(env, "BROWSER"));
  if (browser == "off") config.console_enabled = false;
  CAIRN_ASSIGN_OR_RETURN(std::string prometheus_auth, Setting(env, "PROMETHEUS_AUTH_TYPE"));
  if (prometheus_auth == "public") {
    config.prometheus_public = true;
  } else if (!prometheus_auth.empty() && prometheus_auth != "jwt") {
    return Status(Code::kInvalidArgument,
                  "MINIO_PROMETHEUS_AUTH_TYPE must be jwt or public: " + prometheus_auth);
  }
  // A testing knob only Cairn has (RGW's rgw_lc_debug_interval is the precedent).
  if (std::string day = env("CAIRN_LIFECYCLE_DAY_SECONDS"); !day.empty()) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(day.data(), day.data() + day.size(), seconds);
    if (ec != std::errc() || end != day.data() + day.size() || seconds < 1 || seconds > 86400) {
      return Status(
          Code::kInvalidArgument,
          "CAIRN_LIFECYCLE_DAY_SECONDS must be a number of seconds from 1 to 86400: " + day);
    }
    config.lifecycle_day_seconds = seconds;
  }
  return Status::Ok();
}

Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  auto bad = [&text] {
    return Status(Code::kInvalidArgument,
                  "bad duration '" + text + "' (use e.g. 30s, 500ms, 1m, 1h30m)");
  };
  if (text.empty()) return bad();
  // A bare number: seconds.
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 9) return bad();
    return std::chrono::milliseconds(std::stoll(text) * 1000);
  }
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return bad();
    double number = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + i, number);
    if (ec != std::errc() || ptr != text.data() + i) return bad();
    size_t unit_start = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z'))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    double scale;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "us" || unit == "ns") {
      scale = unit == "us" ? 0.001 : 0.000001;
    } else {
      return bad();
    }
    total_ms += number * scale;
  }
  if (!std::isfinite(total_ms) || total_ms > 1e12) return bad();
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(total_ms)));
}

namespace {

// A positive duration from the flag, else the environment; `out` is kept when neither is set.
Status ResolveDuration(EnvLookup env, const std::string& flag, const char* flag_name,
                       const std::string& env_name, std::chrono::milliseconds& out) {
  std::string text = flag;
  std::string source = flag_name;
  if (text.empty()) {
    CAIRN_ASSIGN_OR_RETURN(text, Setting(env, env_name));
    source = "MINIO_" + env_name;
  }
  if (text.empty()) return Status::Ok();
  Result<std::chrono::milliseconds> parsed = ParseDuration(text);
  if (!parsed.ok())
    return Status(Code::kInvalidArgument, source + ": " + parsed.status().message());
  if (parsed->count() <= 0) {
    return Status(Code::kInvalidArgument, source + " must be longer than 0 (got '" + text + "')");
  }
  out = *parsed;
  return Status::Ok();
}

}  // namespace

Status ResolveFrontDoor(ServerConfig& config, const FrontDoorFlags& flags, EnvLookup env) {
  CAIRN_RETURN_IF_ERROR(ResolveDuration(env, flags.read_header_timeout, "--read-header-timeout",
                                        "READ_HEADER_TIMEOUT", config.read_header_timeout));
  CAIRN_RETURN_IF_ERROR(ResolveDuration(env, flags.idle_timeout, "--idle-timeout", "IDLE_TIMEOUT",
                                        config.idle_timeout));
  CAIRN_RETURN_IF_ERROR(ResolveDuration(env, flags.shutdown_timeout, "--shutdown-timeout",
                                        "SHUTDOWN_TIMEOUT", config.shutdown_timeout));
  std::string text = flags.max_connections;
  if (text.empty()) {
    CAIRN_ASSIGN_OR_RETURN(text, Setting(env, "MAX_CONNECTIONS"));
  }
  if (!text.empty()) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < 1 || value > 1'000'000) {
      return Status(Code::kInvalidArgument,
                    "--max-connections must be a number from 1 to 1000000 (got '" + text + "')");
    }
    config.max_connections = value;
  }
  return Status::Ok();
}

Status ResolveCertsDir(ServerConfig& config, const std::string& flag, EnvLookup env) {
  config.certs_dir.clear();
  config.trusted_cas_dir.clear();
  std::vector<std::string> candidates;
  if (!flag.empty()) {
    candidates.push_back(flag);
  } else if (std::string home = env("HOME"); !home.empty()) {
    candidates.push_back(home + "/.minio/certs");
    candidates.push_back(home + "/.cairn/certs");
  }
  for (const std::string& dir : candidates) {
    std::error_code ec;
    bool cert = std::filesystem::is_regular_file(dir + "/public.crt", ec);
    bool key = std::filesystem::is_regular_file(dir + "/private.key", ec);
    if (cert != key) {
      return Status(Code::kInvalidArgument,
                    "certificates: " + dir + " holds " +
                        (cert ? "public.crt but no private.key" : "private.key but no public.crt"));
    }
    bool has_cas = std::filesystem::is_directory(dir + "/CAs", ec);
    if (cert) {
      config.certs_dir = dir;
      config.trusted_cas_dir = has_cas ? dir + "/CAs" : "";
      return Status::Ok();
    }
    if (has_cas && config.trusted_cas_dir.empty()) config.trusted_cas_dir = dir + "/CAs";
  }
  return Status::Ok();
}

}  // namespace cairn::server
