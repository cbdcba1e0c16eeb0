// `cairn admin ...`: users, groups, policies, access keys and server info over Cairn's admin API
// (docs/admin-api.md). Request shapes live in admin_requests.cc.
#include <fstream>
#include <sstream>

#include "auth/jwt.h"
#include "cli/admin_requests.h"
#include "cli/commands_internal.h"
#include "cli/units.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

std::string Join(const Json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += ",";
    out += v.get<std::string>();
  }
  return out;
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Sends `call` to the alias named by `alias_arg`; on success `render` prints the answer.
int Send(Context& ctx, const std::string& alias_arg, const Result<admin::Call>& call,
         const std::function<void(const Json&)>& render) {
  if (!call.ok()) return ctx.out.Fail(call.status());
  Result<Target> t = ctx.Remote(alias_arg);
  if (!t.ok()) return ctx.out.Fail(t.status(), alias_arg);
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), alias_arg);
  auto resp = client->Send(call->ToHttpRequest(), t->alias);
  if (!resp.ok()) return ctx.out.Fail(resp.status(), t->alias);
  Json body = Json::object();
  if (!resp->body.empty()) {
    body = Json::parse(resp->body, nullptr, false);
    if (body.is_discarded()) {
      return ctx.out.Fail(Status(Code::kInvalidRequest, "the server's answer is not JSON"),
                          t->alias);
    }
  }
  render(body);
  return 0;
}

std::string UserText(const Json& u) {
  return "AccessKey: " + Str(u, "accessKey") + "\nStatus: " + Str(u, "status") +
         "\nPolicies: " + Join(u.value("policies", Json::array())) +
         "\nGroups: " + Join(u.value("groups", Json::array()));
}

std::string GroupText(const Json& g) {
  return "Group: " + Str(g, "name") + "\nStatus: " + Str(g, "status") +
         "\nPolicies: " + Join(g.value("policies", Json::array())) +
         "\nMembers: " + Join(g.value("members", Json::array()));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(Code::kIOError, "cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void RegisterUser(CLI::App& admin) {
  CLI::App* user = AddGroup(admin, "user", "Manage users");
  struct Opts {
    std::string alias, access, secret;
  };
  auto add = std::make_shared<Opts>();
  CLI::App* cmd = AddCommand(
      *user, "add", "Create a user (or reset its secret)",
      "  cairn admin user add local ana ana-secret-123", [add](Context& ctx) {
        return Send(ctx, add->alias, admin::AddUser(add->access, add->secret), [&](const Json& u) {
          ctx.out.Result(u, "Added user `" + add->access + "` successfully.");
        });
      });
  cmd->add_option("ALIAS", add->alias)->required();
  cmd->add_option("ACCESS_KEY", add->access)->required();
  cmd->add_option("SECRET_KEY", add->secret)->required();

  struct Simple {
    const char* name;
    const char* help;
    const char* verb;
    std::function<admin::Call(const std::string&)> make;
  };
  for (const Simple& s :
       {Simple{"remove", "Remove a user", "Removed", admin::RemoveUser},
        Simple{"enable", "Enable a user", "Enabled",
               [](const std::string& k) { return admin::SetUserStatus(k, true); }},
        Simple{"disable", "Disable a user", "Disabled",
               [](const std::string& k) { return admin::SetUserStatus(k, false); }}}) {
    auto o = std::make_shared<Opts>();
    std::string verb = s.verb;
    auto make = s.make;
    cmd = AddCommand(*user, s.name, s.help,
                     std::string("  cairn admin user ") + s.name + " local ana",
                     [o, verb, make](Context& ctx) {
                       return Send(ctx, o->alias, make(o->access), [&](const Json& u) {
                         Json j = u.empty() ? Json{{"accessKey", o->access}} : u;
                         ctx.out.Result(j, verb + " user `" + o->access + "` successfully.");
                       });
                     });
    cmd->add_option("ALIAS", o->alias)->required();
    cmd->add_option("ACCESS_KEY", o->access)->required();
  }

  auto list = std::make_shared<Opts>();
  cmd = AddCommand(*user, "list", "List users", "  cairn admin user list local",
                   [list](Context& ctx) {
                     return Send(ctx, list->alias, admin::ListUsers(), [&](const Json& body) {
                       for (const auto& u : body.value("users", Json::array())) {
                         char line[256];
                         std::snprintf(line, sizeof(line), "%-8s %-24s %s",
                                       Str(u, "status").c_str(), Str(u, "accessKey").c_str(),
                                       Join(u.value("policies", Json::array())).c_str());
                         ctx.out.Result(u, line);
                       }
                     });
                   });
  cmd->alias("ls");
  cmd->add_option("ALIAS", list->alias)->required();

  auto info = std::make_shared<Opts>();
  cmd = AddCommand(*user, "info", "Show a user", "  cairn admin user info local ana",
                   [info](Context& ctx) {
                     return Send(ctx, info->alias, admin::GetUser(info->access),
                                 [&](const Json& u) { ctx.out.Result(u, UserText(u)); });
                   });
  cmd->add_option("ALIAS", info->alias)->required();
  cmd->add_option("ACCESS_KEY", info->access)->required();
}

void RegisterGroup(CLI::App& admin) {
  CLI::App* group = AddGroup(admin, "group", "Manage groups");
  struct Opts {
    std::string alias, group;
    std::vector<std::string> members;
  };
  auto add = std::make_shared<Opts>();
  CLI::App* cmd = AddCommand(
      *group, "add", "Add users to a group (creating it)",
      "  cairn admin group add local teachers ana bob", [add](Context& ctx) {
        return Send(
            ctx, add->alias, admin::AddGroupMembers(add->group, add->members), [&](const Json& g) {
              ctx.out.Result(g, "Added members to group `" + add->group + "` successfully.");
            });
      });
  cmd->add_option("ALIAS", add->alias)->required();
  cmd->add_option("GROUP", add->group)->required();
  cmd->add_option("MEMBERS", add->members)->required();

  auto remove = std::make_shared<Opts>();
  cmd = AddCommand(*group, "remove", "Remove users from a group, or the (empty) group itself",
                   "  cairn admin group remove local teachers bob   # a member\n"
                   "  cairn admin group remove local teachers       # the group",
                   [remove](Context& ctx) {
                     bool whole = remove->members.empty();
                     return Send(ctx, remove->alias,
                                 whole ? admin::RemoveGroup(remove->group)
                                       : admin::RemoveGroupMembers(remove->group, remove->members),
                                 [&](const Json& g) {
                                   Json j = g.empty() ? Json{{"name", remove->group}} : g;
                                   ctx.out.Result(j, whole ? "Removed group `" + remove->group +
                                                                 "` successfully."
                                                           : "Removed members from group `" +
                                                                 remove->group + "` successfully.");
                                 });
                   });
  cmd->add_option("ALIAS", remove->alias)->required();
  cmd->add_option("GROUP", remove->group)->required();
  cmd->add_option("MEMBERS", remove->members);

  for (bool enable : {true, false}) {
    auto o = std::make_shared<Opts>();
    cmd = AddCommand(
        *group, enable ? "enable" : "disable", enable ? "Enable a group" : "Disable a group",
        std::string("  cairn admin group ") + (enable ? "enable" : "disable") + " local teachers",
        [o, enable](Context& ctx) {
          return Send(ctx, o->alias, admin::SetGroupStatus(o->group, enable), [&](const Json& g) {
            ctx.out.Result(g, std::string(enable ? "Enabled" : "Disabled") + " group `" + o->group +
                                  "` successfully.");
          });
        });
    cmd->add_option("ALIAS", o->alias)->required();
    cmd->add_option("GROUP", o->group)->required();
  }

  auto list = std::make_shared<Opts>();
  cmd = AddCommand(*group, "list", "List groups", "  cairn admin group list local",
                   [list](Context& ctx) {
                     return Send(ctx, list->alias, admin::ListGroups(), [&](const Json& body) {
                       for (const auto& g : body.value("groups", Json::array())) {
                         ctx.out.Result(g, Str(g, "name"));
                       }
                     });
                   });
  cmd->alias("ls");
  cmd->add_option("ALIAS", list->alias)->required();

  auto info = std::make_shared<Opts>();
  cmd = AddCommand(*group, "info", "Show a group", "  cairn admin group info local teachers",
                   [info](Context& ctx) {
                     return Send(ctx, info->alias, admin::GetGroup(info->group),
                                 [&](const Json& g) { ctx.out.Result(g, GroupText(g)); });
                   });
  cmd->add_option("ALIAS", info->alias)->required();
  cmd->add_option("GROUP", info->group)->required();
}

void RegisterPolicy(CLI::App& admin) {
  CLI::App* policy = AddGroup(admin, "policy", "Manage IAM policies");
  struct Opts {
    std::string alias, name, file, user, group;
    std::vector<std::string> policies;
  };
  auto create = std::make_shared<Opts>();
  CLI::App* cmd = AddCommand(
      *policy, "create", "Create or replace a policy from a JSON file",
      "  cairn admin policy create local docs-read ./docs-read.json", [create](Context& ctx) {
        auto doc = ReadFile(create->file);
        if (!doc.ok()) return ctx.out.Fail(doc.status());
        return Send(ctx, create->alias, admin::CreatePolicy(create->name, *doc),
                    [&](const Json& p) {
                      ctx.out.Result(p, "Created policy `" + create->name + "` successfully.");
                    });
      });
  cmd->add_option("ALIAS", create->alias)->required();
  cmd->add_option("NAME", create->name)->required();
  cmd->add_option("FILE", create->file, "policy document (JSON)")->required();

  auto remove = std::make_shared<Opts>();
  cmd = AddCommand(*policy, "remove", "Remove a policy",
                   "  cairn admin policy remove local docs-read", [remove](Context& ctx) {
                     return Send(
                         ctx, remove->alias, admin::RemovePolicy(remove->name), [&](const Json&) {
                           ctx.out.Result({{"name", remove->name}},
                                          "Removed policy `" + remove->name + "` successfully.");
                         });
                   });
  cmd->add_option("ALIAS", remove->alias)->required();
  cmd->add_option("NAME", remove->name)->required();

  auto list = std::make_shared<Opts>();
  cmd = AddCommand(*policy, "list", "List policies", "  cairn admin policy list local",
                   [list](Context& ctx) {
                     return Send(ctx, list->alias, admin::ListPolicies(), [&](const Json& body) {
                       for (const auto& p : body.value("policies", Json::array()))
                         ctx.out.Result(p, Str(p, "name"));
                     });
                   });
  cmd->alias("ls");
  cmd->add_option("ALIAS", list->alias)->required();

  auto info = std::make_shared<Opts>();
  cmd =
      AddCommand(*policy, "info", "Show a policy document",
                 "  cairn admin policy info local readonly", [info](Context& ctx) {
                   return Send(ctx, info->alias, admin::GetPolicy(info->name), [&](const Json& p) {
                     ctx.out.Result(p, p.value("policy", Json::object()).dump(2));
                   });
                 });
  cmd->add_option("ALIAS", info->alias)->required();
  cmd->add_option("NAME", info->name)->required();

  for (bool detach : {false, true}) {
    auto o = std::make_shared<Opts>();
    const char* name = detach ? "detach" : "attach";
    cmd = AddCommand(
        *policy, name,
        detach ? "Detach policies from a user or group" : "Attach policies to a user or group",
        std::string("  cairn admin policy ") + name + " local readwrite --user ana\n" +
            "  cairn admin policy " + name + " local readonly diagnostics --group teachers",
        [o, detach](Context& ctx) {
          return Send(ctx, o->alias, admin::AttachPolicies(o->policies, o->user, o->group, detach),
                      [&](const Json& r) {
                        std::string who =
                            o->user.empty() ? "group `" + o->group + "`" : "user `" + o->user + "`";
                        ctx.out.Result(r, std::string(detach ? "Detached" : "Attached") + " " +
                                              Join(Json(o->policies)) +
                                              (detach ? " from " : " to ") + who + ".");
                      });
        });
    cmd->add_option("ALIAS", o->alias)->required();
    cmd->add_option("POLICIES", o->policies)->required();
    cmd->add_option("--user,-u", o->user, "the user");
    cmd->add_option("--group,-g", o->group, "the group");
  }
}

void RegisterAccessKey(CLI::App& admin) {
  CLI::App* keys = AddGroup(admin, "accesskey", "Manage access keys (service accounts)");
  struct Opts {
    std::string alias, user, key, policy_file;
    admin::AccessKeyOptions options;
  };
  auto create = std::make_shared<Opts>();
  CLI::App* cmd = AddCommand(
      *keys, "create", "Create an access key for a user (default: yourself)",
      "  cairn admin accesskey create local\n  cairn admin accesskey create local ana --policy "
      "./narrow.json",
      [create](Context& ctx) {
        admin::AccessKeyOptions options = create->options;
        options.parent = create->user;
        if (!create->policy_file.empty()) {
          auto doc = ReadFile(create->policy_file);
          if (!doc.ok()) return ctx.out.Fail(doc.status());
          options.policy = *doc;
        }
        return Send(ctx, create->alias, admin::CreateAccessKey(options), [&](const Json& r) {
          ctx.out.Result(
              r, "Access Key: " + Str(r, "accessKey") + "\nSecret Key: " + Str(r, "secretKey"));
        });
      });
  cmd->add_option("ALIAS", create->alias)->required();
  cmd->add_option("USER", create->user, "the parent user (default: the caller)");
  cmd->add_option("--access-key", create->options.access_key, "choose the access key");
  cmd->add_option("--secret-key", create->options.secret_key, "choose the secret key");
  cmd->add_option("--policy", create->policy_file, "a JSON policy file narrowing the key");
  cmd->add_option("--name", create->options.name, "a name");
  cmd->add_option("--description", create->options.description, "a description");

  auto list = std::make_shared<Opts>();
  cmd = AddCommand(
      *keys, "list", "List access keys of a user (default: yourself)",
      "  cairn admin accesskey list local ana", [list](Context& ctx) {
        return Send(ctx, list->alias, admin::ListAccessKeys(list->user), [&](const Json& body) {
          for (const auto& k : body.value("serviceAccounts", Json::array())) {
            ctx.out.Result(k,
                           Str(k, "accessKey") + "  " + Str(k, "parent") + "  " + Str(k, "status"));
          }
        });
      });
  cmd->alias("ls");
  cmd->add_option("ALIAS", list->alias)->required();
  cmd->add_option("USER", list->user);

  auto info = std::make_shared<Opts>();
  cmd = AddCommand(
      *keys, "info", "Show an access key", "  cairn admin accesskey info local AKEXAMPLE",
      [info](Context& ctx) {
        return Send(ctx, info->alias, admin::GetAccessKey(info->key), [&](const Json& k) {
          ctx.out.Result(k, "AccessKey: " + Str(k, "accessKey") + "\nParent: " + Str(k, "parent") +
                                "\nStatus: " + Str(k, "status") + "\nName: " + Str(k, "name"));
        });
      });
  cmd->add_option("ALIAS", info->alias)->required();
  cmd->add_option("ACCESS_KEY", info->key)->required();

  auto remove = std::make_shared<Opts>();
  cmd = AddCommand(*keys, "remove", "Remove an access key",
                   "  cairn admin accesskey remove local AKEXAMPLE", [remove](Context& ctx) {
                     return Send(
                         ctx, remove->alias, admin::RemoveAccessKey(remove->key), [&](const Json&) {
                           ctx.out.Result({{"accessKey", remove->key}},
                                          "Removed access key `" + remove->key + "` successfully.");
                         });
                   });
  cmd->alias("rm");
  cmd->add_option("ALIAS", remove->alias)->required();
  cmd->add_option("ACCESS_KEY", remove->key)->required();
}

}  // namespace

void RegisterAdminCommands(CLI::App& app) {
  CLI::App* admin = AddGroup(app, "admin", "Administer users, groups, policies and access keys");
  auto alias = std::make_shared<std::string>();
  CLI::App* cmd = AddCommand(
      *admin, "info", "Show server information", "  cairn admin info local", [alias](Context& ctx) {
        return Send(ctx, *alias, admin::ServerInfo(), [&](const Json& i) {
          std::string text = "Version: " + Str(i, "version") + "\nUptime: " +
                             FormatDuration(std::chrono::seconds(i.value("uptimeSeconds", 0))) +
                             "\nBuckets: " + std::to_string(i.value("buckets", 0)) +
                             "\nObjects: " + std::to_string(i.value("objects", 0)) +
                             "\nUsed: " + FormatSize(i.value("objectBytes", uint64_t{0}));
          const Json drives = i.value("drives", Json::array());
          if (drives.size() > 1) {
            text += "\nErasure set: " + std::to_string(drives.size()) +
                    " drives, EC:" + std::to_string(i.value("parityDrives", 0));
          }
          for (const auto& d : drives) {
            text += "\nDrive " + Str(d, "path") + ": ";
            if (d.contains("state")) text += Str(d, "state");
            if (!Str(d, "detail").empty()) text += " (" + Str(d, "detail") + ")";
            text += ", " + FormatSize(d.value("usedBytes", uint64_t{0})) + " used, " +
                    FormatSize(d.value("freeBytes", uint64_t{0})) + " free";
          }
          ctx.out.Result(i, text);
        });
      });
  cmd->add_option("ALIAS", *alias)->required();

  // As `mc admin heal -r ALIAS[/BUCKET[/PREFIX]]`: starts a heal, then fetches its result.
  struct HealCliOpts {
    std::string target;
    bool recursive = false;
    bool deep = false;
  };
  auto heal = std::make_shared<HealCliOpts>();
  cmd = AddCommand(*admin, "heal",
                   "Heal the objects of an erasure set (rebuild missing and corrupt shards)",
                   "  cairn admin heal -r local\n  cairn admin heal -r --scan deep local/photos",
                   [heal](Context& ctx) {
                     Result<Target> t = ctx.Remote(heal->target);
                     if (!t.ok()) return ctx.out.Fail(t.status(), heal->target);
                     std::string token;
                     int rc = Send(ctx, heal->target,
                                   admin::StartHeal(t->bucket, t->key, heal->recursive, heal->deep),
                                   [&](const Json& start) { token = Str(start, "clientToken"); });
                     if (rc != 0) return rc;
                     return Send(ctx, heal->target, admin::HealStatus(t->bucket, t->key, token),
                                 [&](const Json& s) {
                                   std::string text;
                                   for (const auto& item : s.value("items", Json::array())) {
                                     text += Str(item, "bucket") + "/" + Str(item, "object") +
                                             ": " + Str(item, "detail") + "\n";
                                   }
                                   text += "Healed " + t->Display() + ": " + Str(s, "detail");
                                   ctx.out.Result(s, text);
                                 });
                   });
  cmd->add_option("TARGET", heal->target, "ALIAS[/BUCKET[/PREFIX]]")->required();
  cmd->add_flag("-r,--recursive", heal->recursive, "heal every object below the target");
  cmd->add_option_function<std::string>(
      "--scan",
      [heal](const std::string& mode) {
        if (mode != "normal" && mode != "deep")
          throw CLI::ValidationError("--scan", "normal or deep");
        heal->deep = mode == "deep";
      },
      "normal (default: shards present and whole) or deep (every block's bitrot hash)");

  // As `mc admin prometheus generate`: a bearer token signed with the alias's own secret (no
  // server call), valid 100 years, in a scrape config Prometheus takes as it is.
  CLI::App* prometheus = AddGroup(*admin, "prometheus", "Set up Prometheus to scrape the server");
  struct GenerateOpts {
    std::string alias;
    std::string type = "cluster";
  };
  auto gen = std::make_shared<GenerateOpts>();
  cmd = AddCommand(
      *prometheus, "generate", "Print a Prometheus scrape config with a bearer token",
      "  cairn admin prometheus generate local\n  cairn admin prometheus generate local bucket",
      [gen](Context& ctx) {
        Result<Target> t = ctx.Remote(gen->alias);
        if (!t.ok()) return ctx.out.Fail(t.status(), gen->alias);
        auto found = FindAlias(ctx.config(), t->alias);
        if (!found) return ctx.out.Fail(NotAnAliasError(t->alias), gen->alias);
        const std::string& type = gen->type;
        if (type != "cluster" && type != "node" && type != "bucket" && type != "resource") {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument,
                     "the metrics type is cluster, node, bucket or resource, not " + type),
              gen->alias);
        }
        constexpr int64_t kHundredYears = int64_t{100} * 365 * 24 * 3600;
        const int64_t expires = ToUnixNanos(Now()) / 1000000000 + kHundredYears;
        std::string token =
            auth::SignPrometheusToken({found->access_key, found->secret_key}, expires);
        std::string url = found->url;
        std::string scheme = url.substr(0, url.find("://"));
        std::string host = url.substr(url.find("://") + 3);
        std::string job = type == "cluster" ? "minio-job" : "minio-job-" + type;
        std::string path = "/minio/v2/metrics/" + type;
        ctx.out.Result({{"jobName", job},
                        {"bearerToken", token},
                        {"metricsPath", path},
                        {"scheme", scheme},
                        {"targets", Json::array({host})}},
                       "scrape_configs:\n- job_name: " + job + "\n  bearer_token: " + token +
                           "\n  metrics_path: " + path + "\n  scheme: " + scheme +
                           "\n  static_configs:\n  - targets: ['" + host + "']");
        return 0;
      });
  cmd->add_option("ALIAS", gen->alias)->required();
  cmd->add_option("TYPE", gen->type, "cluster (default), node, bucket or resource");

  CLI::App* scanner = AddGroup(*admin, "scanner", "Show the background scanner");
  auto scanner_alias = std::make_shared<std::string>();
  cmd = AddCommand(
      *scanner, "status", "Show the lifecycle scanner's last pass",
      "  cairn admin scanner status local", [scanner_alias](Context& ctx) {
        return Send(ctx, *scanner_alias, admin::ScannerStatus(), [&](const Json& s) {
          auto pass_text = [](const Json& p) {
            std::string text = "  Started: " + Str(p, "started");
            if (p.contains("finished")) text += "\n  Finished: " + Str(p, "finished");
            text += "\n  Looked at: " + std::to_string(p.value("scanned", uint64_t{0})) +
                    "\n  Actions: " + std::to_string(p.value("actions", uint64_t{0})) + " (" +
                    std::to_string(p.value("expired", uint64_t{0})) + " expired, " +
                    std::to_string(p.value("noncurrentRemoved", uint64_t{0})) +
                    " noncurrent versions removed, " +
                    std::to_string(p.value("deleteMarkersRemoved", uint64_t{0})) +
                    " delete markers removed, " +
                    std::to_string(p.value("uploadsAborted", uint64_t{0})) + " uploads aborted)" +
                    "\n  Errors: " + std::to_string(p.value("errors", uint64_t{0}));
            if (p.contains("lastError")) text += " (last: " + Str(p, "lastError") + ")";
            return text;
          };
          std::string text = std::string("Lifecycle scanner: ") +
                             (s.value("running", false) ? "running a pass" : "idle") +
                             ", passes completed: " + std::to_string(s.value("passes", 0));
          const Json last = s.value("lastPass", Json());
          text += last.is_object() ? "\nLast pass:\n" + pass_text(last) : "\nNo pass completed yet";
          const Json active = s.value("lastActivePass", Json());
          if (active.is_object() && active != last) {
            text += "\nLast pass that acted:\n" + pass_text(active);
          }
          const Json current = s.value("currentPass", Json());
          if (current.is_object()) text += "\nCurrent pass:\n" + pass_text(current);
          ctx.out.Result(s, text);
        });
      });
  cmd->add_option("ALIAS", *scanner_alias)->required();
  RegisterUser(*admin);
  RegisterGroup(*admin);
  RegisterPolicy(*admin);
  RegisterAccessKey(*admin);
  RegisterTraceCommand(*admin);
}

}  // namespace cairn::cli
