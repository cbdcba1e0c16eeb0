// MinIO's config-kv calls (madmin-go's config-kv-commands.go, config-help-commands.go) over the
// settings Cairn really has. MinIO keeps its configuration in the cluster and changes much of it
// at run time; Cairn reads every setting once, at start, from its command line and environment
// (server/config.cc), and the parts that use them (the SigV4 verifier's region, the S3 layer's
// domains, the front door's timeouts) hold them by value. So:
//
// - get-config-kv and help-config-kv answer for the MinIO sub-systems Cairn has a value for:
//   `region` (MinIO's old name) and `site` (its current one), both the server's region;
// - set-config-kv and del-config-kv are refused for them with MinIO's XMinioConfigError, saying
//   where the setting is read from: a 200 that changed nothing would lie;
// - every other sub-system (notify_*, api, scanner, ...) is MinIO's "unknown sub-system" error.
//
// Cairn's other settings (MINIO_DOMAIN, MINIO_BROWSER, the timeouts) are environment variables
// or flags in MinIO too, not config-kv keys, so they are not reported here.
#include <span>
#include <string>
#include <string_view>

#include "admin/handlers.h"

namespace cairn::admin {

namespace {

struct ConfigKey {
  std::string_view key;
  std::string_view description;
  std::string (*value)(const AdminOptions& options);
};

struct ConfigSubsystem {
  std::string_view name;
  std::string_view description;
  std::span<const ConfigKey> keys;
};

std::string Region(const AdminOptions& options) { return options.region; }

constexpr ConfigKey kRegionKeys[] = {
    {"name", "name of the location of the server e.g. \"us-west-rack2\"", &Region},
};
constexpr ConfigKey kSiteKeys[] = {
    {"region", "name of the location of the server e.g. \"us-west-rack2\"", &Region},
};
constexpr ConfigSubsystem kSubsystems[] = {
    {"region", "label the location of the server (MinIO's older name for site)", kRegionKeys},
    {"site", "label the server and its location", kSiteKeys},
};

// Where Cairn reads every setting of the table from, for the refusals of set and del.
constexpr std::string_view kSource =
    "MINIO_SITE_REGION (or MINIO_REGION, or their CAIRN_ forms) when the server starts";

std::string Known() {
  std::string out;
  for (const ConfigSubsystem& subsystem : kSubsystems) {
    if (!out.empty()) out += ", ";
    out += subsystem.name;
  }
  return out;
}

Status Refused(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// The sub-system of MinIO's "subsys[:target] [key=value ...]" text; targets are refused, as
// none of Cairn's sub-systems has them.
Result<const ConfigSubsystem*> FindSubsystem(std::string_view text) {
  std::string_view name = text.substr(0, text.find_first_of(" \t\n"));
  size_t colon = name.find(':');
  std::string_view target = colon == std::string_view::npos ? "" : name.substr(colon + 1);
  name = name.substr(0, colon);
  for (const ConfigSubsystem& subsystem : kSubsystems) {
    if (subsystem.name != name) continue;
    if (!target.empty()) {
      return Refused("sub-system '" + std::string(name) + "' has no targets");
    }
    return &subsystem;
  }
  return Refused("unknown sub-system '" + std::string(name) + "': Cairn has " + Known());
}

Result<const ConfigKey*> FindKey(const ConfigSubsystem& subsystem, std::string_view key) {
  for (const ConfigKey& candidate : subsystem.keys) {
    if (candidate.key == key) return &candidate;
  }
  return Refused("unknown key '" + std::string(key) + "' for sub-system '" +
                 std::string(subsystem.name) + "'");
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// set and del: the text names a sub-system Cairn has (else the unknown sub-system error), and
// it cannot change while the server runs.
Status RefuseChange(std::string_view text, std::string_view verb) {
  CAIRN_ASSIGN_OR_RETURN(const ConfigSubsystem* subsystem, FindSubsystem(Trim(text)));
  return Refused("Cairn cannot " + std::string(verb) + " '" + std::string(subsystem->name) +
                 "' at run time: it reads it from " + std::string(kSource) +
                 "; change it there and restart the server.");
}

}  // namespace

Result<Reply> V3GetConfigKV(AdminContext& ctx) {
  // ?key=subsys or ?key=subsys key -> "subsys key=value ..." (one line, as MinIO writes it),
  // encrypted as madmin reads it.
  CAIRN_ASSIGN_OR_RETURN(std::string request, ctx.RequiredParam("key"));
  std::string_view text = Trim(request);
  CAIRN_ASSIGN_OR_RETURN(const ConfigSubsystem* subsystem, FindSubsystem(text));
  size_t space = text.find_first_of(" \t");
  std::string line(subsystem->name);
  const AdminOptions& options = ctx.services().options;
  if (space != std::string_view::npos) {
    CAIRN_ASSIGN_OR_RETURN(const ConfigKey* key, FindKey(*subsystem, Trim(text.substr(space))));
    line += " " + std::string(key->key) + "=" + key->value(options);
  } else {
    for (const ConfigKey& key : subsystem->keys) {
      line += " " + std::string(key.key) + "=" + key.value(options);
    }
  }
  return ctx.EncryptedText(line + "\n");
}

Result<Reply> V3SetConfigKV(AdminContext& ctx) {
  // The encrypted body is "subsys key=value ...".
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.EncryptedBodyText());
  return RefuseChange(text, "set");
}

Result<Reply> V3DelConfigKV(AdminContext& ctx) {
  // The encrypted body is "subsys [key ...]".
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.EncryptedBodyText());
  return RefuseChange(text, "delete");
}

Result<Reply> V3HelpConfigKV(AdminContext& ctx) {
  // madmin.Help, plain JSON (madmin-go decodes it with DisallowUnknownFields): for no subSys,
  // the sub-systems; else the keys of one, or one key.
  std::string name(ctx.Param("subSys").value_or(""));
  std::string key(ctx.Param("key").value_or(""));
  auto help_key = [](std::string_view k, std::string_view description) {
    return Json{{"key", k},
                {"description", description},
                {"optional", true},
                {"type", "string"},
                {"multipleTargets", false}};
  };
  Json keys = Json::array();
  if (name.empty()) {
    for (const ConfigSubsystem& subsystem : kSubsystems) {
      keys.push_back(help_key(subsystem.name, subsystem.description));
    }
    return Reply::Ok(Json{{"subSys", ""},
                          {"description", ""},
                          {"multipleTargets", false},
                          {"keysHelp", std::move(keys)}});
  }
  CAIRN_ASSIGN_OR_RETURN(const ConfigSubsystem* subsystem, FindSubsystem(name));
  if (!key.empty()) {
    CAIRN_ASSIGN_OR_RETURN(const ConfigKey* found, FindKey(*subsystem, key));
    keys.push_back(help_key(found->key, found->description));
  } else {
    for (const ConfigKey& k : subsystem->keys) keys.push_back(help_key(k.key, k.description));
  }
  return Reply::Ok(Json{{"subSys", subsystem->name},
                        {"description", subsystem->description},
                        {"multipleTargets", false},
                        {"keysHelp", std::move(keys)}});
}

}  // namespace cairn::admin
