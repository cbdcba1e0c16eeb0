// The framework of the client commands and the simple ones: alias, mb, rb, ls, cat, head, pipe,
// rm, stat, du, find, share, ready, anonymous, completion.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "cli/admin_requests.h"
#include "cli/anonymous.h"
#include "cli/cli.h"
#include "cli/commands_internal.h"
#include "cli/errors.h"
#include "cli/share.h"
#include "cli/tls_settings.h"
#include "cli/units.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

struct Registry {
  OutputFlags flags;
  std::vector<std::pair<CLI::App*, Runner>> leaves;
  std::vector<CLI::App*> groups;
  CLI::App* root = nullptr;
};

Registry& registry() {
  static Registry r;
  return r;
}

template <typename T>
std::shared_ptr<T> Opts() {
  return std::make_shared<T>();
}

// Runs `fn` on each argument, reporting failures; the exit status is 1 if any failed.
int ForEach(Context& ctx, const std::vector<std::string>& args,
            const std::function<Status(const std::string&)>& fn) {
  int rc = 0;
  for (const auto& arg : args) {
    Status s = fn(arg);
    if (!s.ok()) rc = ctx.out.Fail(s, arg);
  }
  return rc;
}

// ---- alias ----------------------------------------------------------------------------------

void RegisterAlias(CLI::App& app) {
  CLI::App* alias = AddGroup(app, "alias", "Manage server aliases in the configuration file");
  struct SetOpts {
    std::string name, url, access, secret;
  };
  auto set = Opts<SetOpts>();
  CLI::App* cmd =
      AddCommand(*alias, "set", "Add or update an alias",
                 "  cairn alias set local http://localhost:9000 minioadmin minioadmin123",
                 [set](Context& ctx) {
                   if (!ValidAliasName(set->name)) {
                     return ctx.out.Fail(
                         Status(Code::kInvalidArgument, "invalid alias name `" + set->name +
                                                            "` (letters, digits, '-', '_', '.')"));
                   }
                   auto url = NormalizeUrl(set->url);
                   if (!url.ok()) return ctx.out.Fail(url.status());
                   Status s = ctx.LoadConfigOnce();
                   if (!s.ok()) return ctx.out.Fail(s);
                   Alias a;
                   a.url = *url;
                   a.access_key = set->access;
                   a.secret_key = set->secret;
                   ctx.config().aliases[set->name] = a;
                   s = SaveConfig(ConfigDir(), ctx.config());
                   if (!s.ok()) return ctx.out.Fail(s);
                   ctx.out.Result({{"alias", set->name}, {"url", a.url}},
                                  "Added `" + set->name + "` successfully.");
                   return 0;
                 });
  cmd->add_option("ALIAS", set->name, "alias name")->required();
  cmd->add_option("URL", set->url, "server URL, http(s)://host:port")->required();
  cmd->add_option("ACCESS_KEY", set->access, "access key");
  cmd->add_option("SECRET_KEY", set->secret, "secret key");

  auto list_name = std::make_shared<std::string>();
  cmd = AddCommand(
      *alias, "list", "List aliases", "  cairn alias list\n  cairn alias list local",
      [list_name](Context& ctx) {
        Status s = ctx.LoadConfigOnce();
        if (!s.ok()) return ctx.out.Fail(s);
        int found = 0;
        for (const auto& [name, a] : ctx.config().aliases) {
          if (!list_name->empty() && name != *list_name) continue;
          ++found;
          ctx.out.Result({{"alias", name},
                          {"url", a.url},
                          {"accessKey", a.access_key},
                          {"api", a.api},
                          {"path", a.path}},
                         name + "\n  URL       : " + a.url + "\n  AccessKey : " + a.access_key +
                             "\n  API       : " + a.api + "\n  Path      : " + a.path);
        }
        if (!list_name->empty() && found == 0) {
          return ctx.out.Fail(Status(Code::kNotFound, "no alias named `" + *list_name + "`"));
        }
        return 0;
      });
  cmd->alias("ls");
  cmd->add_option("ALIAS", *list_name, "show only this alias");

  auto remove_name = std::make_shared<std::string>();
  cmd = AddCommand(
      *alias, "remove", "Remove an alias", "  cairn alias remove local",
      [remove_name](Context& ctx) {
        Status s = ctx.LoadConfigOnce();
        if (!s.ok()) return ctx.out.Fail(s);
        if (ctx.config().aliases.erase(*remove_name) == 0) {
          return ctx.out.Fail(Status(Code::kNotFound, "no alias named `" + *remove_name + "`"));
        }
        s = SaveConfig(ConfigDir(), ctx.config());
        if (!s.ok()) return ctx.out.Fail(s);
        ctx.out.Result({{"alias", *remove_name}}, "Removed `" + *remove_name + "` successfully.");
        return 0;
      });
  cmd->alias("rm");
  cmd->add_option("ALIAS", *remove_name, "alias name")->required();
}

// ---- buckets --------------------------------------------------------------------------------

void RegisterBuckets(CLI::App& app) {
  struct MbOpts {
    std::vector<std::string> targets;
    bool ignore_existing = false;
    bool with_lock = false;
  };
  auto mb = Opts<MbOpts>();
  CLI::App* cmd = AddCommand(
      app, "mb", "Make buckets",
      "  cairn mb local/photos\n  cairn mb -p local/photos   # no error if it exists",
      [mb](Context& ctx) {
        return ForEach(ctx, mb->targets, [&](const std::string& arg) -> Status {
          Result<Target> t = ctx.Remote(arg);
          if (!t.ok()) return t.status();
          if (t->bucket.empty())
            return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET");
          auto client = ctx.Client(*t);
          if (!client.ok()) return client.status();
          Status s = client->MakeBucket(t->bucket, mb->with_lock);
          if (!s.ok() && mb->ignore_existing && s.code() == Code::kBucketAlreadyOwnedByYou) {
            s = Status::Ok();
          }
          if (s.ok()) {
            ctx.out.Result({{"bucket", t->Display()}},
                           "Bucket created successfully `" + t->Display() + "`.");
          }
          return s;
        });
      });
  cmd->add_option("TARGET", mb->targets, "ALIAS/BUCKET")->required();
  cmd->add_flag("-p,--ignore-existing", mb->ignore_existing, "no error when the bucket exists");
  cmd->add_flag("-l,--with-lock", mb->with_lock,
                "enable object lock (the bucket is versioned; retention, legal hold)");

  struct RbOpts {
    std::vector<std::string> targets;
    bool force = false;
  };
  auto rb = Opts<RbOpts>();
  cmd = AddCommand(
      app, "rb", "Remove buckets",
      "  cairn rb local/photos\n  cairn rb --force local/photos   # delete its objects first",
      [rb](Context& ctx) {
        return ForEach(ctx, rb->targets, [&](const std::string& arg) -> Status {
          Result<Target> t = ctx.Remote(arg);
          if (!t.ok()) return t.status();
          if (t->bucket.empty() || !t->key.empty()) {
            return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET");
          }
          auto client = ctx.Client(*t);
          if (!client.ok()) return client.status();
          if (rb->force) {
            std::vector<std::string> batch;
            Status failed;
            auto flush = [&]() -> Status {
              if (batch.empty()) return Status::Ok();
              auto errors = client->DeleteObjects(t->bucket, batch);
              batch.clear();
              if (!errors.ok()) return errors.status();
              if (!errors->empty())
                return Status(Code::kIOError, "cannot delete " + errors->front());
              return Status::Ok();
            };
            Status s = client->List(t->bucket, "", "", [&](const ObjectInfo& o) {
              batch.push_back(o.key);
              if (batch.size() == 1000) failed = flush();
              return failed.ok();
            });
            if (s.ok()) s = failed;
            if (s.ok()) s = flush();
            if (!s.ok()) return s;
          }
          Status s = client->RemoveBucket(t->bucket);
          if (s.ok()) {
            ctx.out.Result({{"bucket", t->Display()}},
                           "Removed `" + t->Display() + "` successfully.");
          }
          return s;
        });
      });
  cmd->add_option("TARGET", rb->targets, "ALIAS/BUCKET")->required();
  cmd->add_flag("--force", rb->force, "remove the bucket's objects first");
}

// ---- ls -------------------------------------------------------------------------------------

std::string LsLine(const std::string& date, const std::string& size, const std::string& name) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%-25s %9s ", date.c_str(), size.c_str());
  return buf + name;
}

void RegisterLs(CLI::App& app) {
  struct LsOpts {
    std::string target;
    bool recursive = false;
    bool versions = false;
  };
  auto o = Opts<LsOpts>();
  CLI::App* cmd = AddCommand(
      app, "ls", "List buckets and objects",
      "  cairn ls local                 # buckets\n  cairn ls local/photos/2024/    # one level\n"
      "  cairn ls -r local/photos       # everything under it\n"
      "  cairn ls --versions local/docs # every version and delete marker",
      [o](Context& ctx) {
        if (o->versions) return ListVersionsCommand(ctx, o->target, o->recursive);
        Result<Target> t = ctx.Remote(o->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), o->target);
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), o->target);
        if (t->bucket.empty()) {
          auto buckets = client->ListBuckets();
          if (!buckets.ok()) return ctx.out.Fail(buckets.status(), o->target);
          for (const auto& b : *buckets) {
            ctx.out.Result({{"type", "folder"},
                            {"key", b.name + "/"},
                            {"lastModified", FormatIso8601(b.created)},
                            {"size", 0}},
                           LsLine("[" + FormatDate(b.created) + "]", "0B", b.name + "/"));
          }
          return 0;
        }
        std::string prefix = t->key;
        // "ls alias/bucket/dir" lists inside dir/ when dir is a prefix (as mc does).
        if (!prefix.empty() && prefix.back() != '/' && !o->recursive) {
          bool is_prefix = false;
          Status probe = client->List(t->bucket, prefix + "/", "/", [&](const ObjectInfo&) {
            is_prefix = true;
            return false;
          });
          if (probe.ok() && is_prefix) prefix += "/";
        }
        std::string display_base =
            prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
        size_t count = 0;
        Status s =
            client->List(t->bucket, prefix, o->recursive ? "" : "/", [&](const ObjectInfo& info) {
              ++count;
              std::string name = info.key.substr(display_base.size());
              if (info.is_prefix) {
                ctx.out.Result({{"type", "folder"}, {"key", name}, {"size", 0}},
                               LsLine("", "PRE", name));
              } else {
                ctx.out.Result({{"type", "file"},
                                {"key", name},
                                {"size", info.size},
                                {"etag", info.etag},
                                {"lastModified", FormatIso8601(info.last_modified)}},
                               LsLine("[" + FormatDate(info.last_modified) + "]",
                                      FormatSize(info.size), name));
              }
              return true;
            });
        if (!s.ok()) return ctx.out.Fail(s, o->target);
        if (count == 0 && !prefix.empty()) {
          // An object named exactly like the argument, or nothing at all.
          auto stat = client->HeadObject(t->bucket, t->key);
          if (!stat.ok()) {
            return ctx.out.Fail(Status(Code::kNoSuchKey, "Object does not exist. (NoSuchKey)"),
                                o->target);
          }
        }
        return 0;
      });
  cmd->add_option("TARGET", o->target, "ALIAS[/BUCKET[/PREFIX]]")->required();
  cmd->add_flag("-r,--recursive", o->recursive, "list everything under the prefix");
  cmd->add_flag("--versions", o->versions, "list every version and delete marker");
}

// ---- cat / head / pipe ----------------------------------------------------------------------

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void RegisterStreams(CLI::App& app) {
  struct CatOpts {
    std::vector<std::string> targets;
    SseFlags enc;
  };
  auto cat = Opts<CatOpts>();
  CLI::App* cmd =
      AddCommand(app, "cat", "Print objects to stdout",
                 "  cairn cat local/docs/readme.txt\n  cairn cat --enc-c \"local/vault/=KEY\" "
                 "local/vault/a.txt",
                 [cat](Context& ctx) {
                   Status s = UseEncryption(ctx, cat->enc, cat->targets);
                   if (!s.ok()) return ctx.out.Fail(s);
                   return ForEach(ctx, cat->targets, [&](const std::string& arg) -> Status {
                     Result<Target> t = ctx.Remote(arg);
                     if (!t.ok()) return t.status();
                     auto client = ctx.Client(*t);
                     if (!client.ok()) return client.status();
                     bool write_failed = false;
                     Status s = client->GetObject(t->bucket, t->key, [&](std::string_view d) {
                       write_failed = !WriteAll(STDOUT_FILENO, d);
                       return !write_failed;
                     });
                     if (s.ok() && write_failed)
                       s = Status(Code::kIOError, "cannot write to stdout");
                     return s;
                   });
                 });
  cmd->add_option("TARGET", cat->targets, "ALIAS/BUCKET/KEY")->required();
  AddEncryptionFlags(cmd, cat->enc, /*writes=*/false);

  struct HeadOpts {
    std::string target;
    int64_t lines = 10;
    SseFlags enc;
  };
  auto head = Opts<HeadOpts>();
  cmd = AddCommand(app, "head", "Print the first lines of an object",
                   "  cairn head local/logs/app.log\n  cairn head -n 3 local/logs/app.log",
                   [head](Context& ctx) {
                     Status used = UseEncryption(ctx, head->enc, {head->target});
                     if (!used.ok()) return ctx.out.Fail(used);
                     Result<Target> t = ctx.Remote(head->target);
                     if (!t.ok()) return ctx.out.Fail(t.status(), head->target);
                     auto client = ctx.Client(*t);
                     if (!client.ok()) return ctx.out.Fail(client.status(), head->target);
                     int64_t left = head->lines;
                     if (left <= 0) return 0;
                     Status s = client->GetObject(t->bucket, t->key, [&](std::string_view d) {
                       size_t end = 0;
                       while (end < d.size() && left > 0) {
                         if (d[end++] == '\n') --left;
                       }
                       WriteAll(STDOUT_FILENO, d.substr(0, end));
                       return left > 0;
                     });
                     if (!s.ok()) return ctx.out.Fail(s, head->target);
                     return 0;
                   });
  cmd->add_option("TARGET", head->target, "ALIAS/BUCKET/KEY")->required();
  cmd->add_option("-n,--lines", head->lines, "number of lines (default 10)");
  AddEncryptionFlags(cmd, head->enc, /*writes=*/false);

  struct PipeOpts {
    std::string target;
    std::string attr;
    SseFlags enc;
  };
  auto pipe = Opts<PipeOpts>();
  cmd = AddCommand(
      app, "pipe", "Stream stdin to an object",
      "  tar c photos | cairn pipe local/backup/photos.tar\n"
      "  tar c photos | cairn pipe --enc-s3 local/backup/ local/backup/photos.tar",
      [pipe](Context& ctx) {
        Status used = UseEncryption(ctx, pipe->enc, {pipe->target});
        if (!used.ok()) return ctx.out.Fail(used);
        Result<Target> t = ctx.Remote(pipe->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), pipe->target);
        if (t->key.empty()) {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "name an object: ALIAS/BUCKET/KEY"),
                              pipe->target);
        }
        auto headers = ParseAttributes(pipe->attr);
        if (!headers.ok()) return ctx.out.Fail(headers.status());
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), pipe->target);
        uint64_t total = 0;
        Progress progress(ctx.out.ProgressWanted(), 0);
        Status s = client->UploadStream(STDIN_FILENO, t->bucket, t->key, *headers, [&](uint64_t n) {
          total += n;
          progress.AddTotal(n);
          progress.Add(n);
        });
        progress.Finish();
        if (!s.ok()) return ctx.out.Fail(s, pipe->target);
        ctx.out.Info({{"target", t->Display()}, {"size", total}}, "");
        return 0;
      });
  cmd->add_option("TARGET", pipe->target, "ALIAS/BUCKET/KEY")->required();
  cmd->add_option("--attr", pipe->attr, "metadata \"key=value;key2=value2\"");
  AddEncryptionFlags(cmd, pipe->enc, /*writes=*/true);
}

// ---- rm -------------------------------------------------------------------------------------

void RegisterRm(CLI::App& app) {
  struct RmOpts {
    std::vector<std::string> targets;
    bool recursive = false;
    bool force = false;
    std::string version_id;
    bool versions = false;
    bool bypass = false;
  };
  auto o = Opts<RmOpts>();
  CLI::App* cmd = AddCommand(
      app, "rm", "Remove objects",
      "  cairn rm local/photos/a.jpg\n  cairn rm -r --force local/photos/2023/\n"
      "  cairn rm --version-id 3f9c... local/docs/a.pdf   # one version, for good\n"
      "  cairn rm --versions local/docs/a.pdf             # every version and marker\n"
      "  cairn rm --versions -r --force local/docs/old/",
      [o](Context& ctx) {
        if (o->recursive && !o->force) {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "removing recursively needs --force"));
        }
        if (!o->version_id.empty() && (o->versions || o->recursive)) {
          return ctx.out.Fail(Status(Code::kInvalidArgument,
                                     "--version-id names one version: not with --versions or -r"));
        }
        return ForEach(ctx, o->targets, [&](const std::string& arg) -> Status {
          Result<Target> t = ctx.Remote(arg);
          if (!t.ok()) return t.status();
          if (t->bucket.empty()) return Status(Code::kInvalidArgument, "name a bucket or object");
          if (!o->version_id.empty() || o->versions) {
            return RemoveVersions(ctx, *t, o->version_id, o->recursive, o->bypass);
          }
          auto client = ctx.Client(*t);
          if (!client.ok()) return client.status();
          client->set_bypass_governance(o->bypass);
          if (!o->recursive) {
            if (t->key.empty())
              return Status(Code::kInvalidArgument, "to remove a bucket's objects use -r --force");
            // Only a missing object stops here; any other refusal of the HEAD (an SSE-C object
            // read without its key, no s3:GetObject) leaves the DELETE to answer for itself.
            auto stat = client->HeadObject(t->bucket, t->key);
            if (!stat.ok() && stat.status().code() == Code::kNoSuchKey) return stat.status();
            Status s = client->DeleteObject(t->bucket, t->key);
            if (s.ok()) ctx.out.Info({{"key", t->Display()}}, "Removed `" + t->Display() + "`.");
            return s;
          }
          std::vector<std::string> batch;
          Status failed;
          auto flush = [&]() -> Status {
            if (batch.empty()) return Status::Ok();
            auto errors = client->DeleteObjects(t->bucket, batch);
            if (!errors.ok()) return errors.status();
            std::set<std::string> bad;
            for (const auto& e : *errors) {
              ctx.out.Fail(Status(Code::kIOError, e), t->alias + "/" + t->bucket);
              bad.insert(e.substr(0, e.find(": ")));
            }
            for (const auto& k : batch) {
              if (bad.count(k) == 0) {
                std::string shown = t->alias + "/" + t->bucket + "/" + k;
                ctx.out.Info({{"key", shown}}, "Removed `" + shown + "`.");
              }
            }
            batch.clear();
            return errors->empty() ? Status::Ok()
                                   : Status(Code::kIOError, "some objects were not removed");
          };
          Status s = client->List(t->bucket, t->key, "", [&](const ObjectInfo& info) {
            batch.push_back(info.key);
            if (batch.size() == 1000) failed = flush();
            return failed.ok();
          });
          if (s.ok()) s = failed;
          if (s.ok()) s = flush();
          return s;
        });
      });
  cmd->add_option("TARGET", o->targets, "ALIAS/BUCKET/KEY or a prefix with -r")->required();
  cmd->add_flag("-r,--recursive", o->recursive, "remove everything under the prefix");
  cmd->add_flag("--force", o->force, "allow a recursive removal");
  cmd->add_option("--version-id", o->version_id, "remove this version (or delete marker) for good");
  cmd->add_flag("--versions", o->versions, "remove every version and delete marker");
  cmd->add_flag("--bypass", o->bypass,
                "remove versions under GOVERNANCE retention (needs s3:BypassGovernanceRetention)");
}

// ---- stat / du / find -----------------------------------------------------------------------

void RegisterInspect(CLI::App& app) {
  struct StatOpts {
    std::vector<std::string> targets;
    SseFlags enc;
  };
  auto stat_opts = Opts<StatOpts>();
  CLI::App* cmd = AddCommand(
      app, "stat", "Show object or bucket details",
      "  cairn stat local/photos/a.jpg\n  cairn stat local/photos\n"
      "  cairn stat --enc-c \"local/vault/=KEY\" local/vault/a.txt",
      [stat_opts](Context& ctx) {
        Status used = UseEncryption(ctx, stat_opts->enc, stat_opts->targets);
        if (!used.ok()) return ctx.out.Fail(used);
        return ForEach(ctx, stat_opts->targets, [&](const std::string& arg) -> Status {
          Result<Target> t = ctx.Remote(arg);
          if (!t.ok()) return t.status();
          if (t->bucket.empty()) return Status(Code::kInvalidArgument, "name a bucket or object");
          auto client = ctx.Client(*t);
          if (!client.ok()) return client.status();
          if (t->key.empty()) {
            Status s = client->HeadBucket(t->bucket);
            if (!s.ok()) return s;
            auto policy = client->GetBucketPolicy(t->bucket);
            std::string access = "private";
            if (policy.ok()) {
              auto a = GetAnonymousAccess(*policy, t->bucket, "");
              if (a.ok()) access = std::string(AccessName(*a));
              if (!policy->empty() && a.ok() && *a == Access::kNone) access = "custom";
            }
            Json json = {{"name", t->bucket}, {"type", "bucket"}, {"anonymous", access}};
            std::string text =
                "Name      : " + t->bucket + "\nType      : bucket\nAnonymous : " + access;
            // The default encryption, as mc's bucket stat shows it (when the caller may read it).
            auto encryption = client->GetBucketEncryption(t->bucket);
            if (encryption.ok() && encryption->has_value()) {
              const BucketEncryption& e = **encryption;
              json["encryption"] = {{"algorithm", e.algorithm}};
              text += "\nEncryption: " + e.algorithm;
              if (!e.kms_key_id.empty()) {
                json["encryption"]["keyId"] = e.kms_key_id;
                text += " (" + e.kms_key_id + ")";
              }
            }
            ctx.out.Result(json, text);
            return Status::Ok();
          }
          auto st = client->HeadObject(t->bucket, t->key);
          if (!st.ok()) return st.status();
          Json meta = Json::object();
          std::string meta_text;
          for (const auto& [k, v] : st->metadata) {
            meta[k] = v;
            meta_text += "\n  " + k + ": " + v;
          }
          Json json = {{"name", t->key},
                       {"type", "file"},
                       {"size", st->size},
                       {"etag", st->etag},
                       {"lastModified", FormatIso8601(st->last_modified)},
                       {"contentType", st->content_type},
                       {"metadata", meta}};
          std::string encryption = EncryptionText(st->encryption);
          if (!encryption.empty()) {
            Json enc = {{"algorithm", st->encryption.kind}};
            if (!st->encryption.kms_key_id.empty()) enc["keyId"] = st->encryption.kms_key_id;
            if (!st->encryption.customer_key_md5.empty()) {
              enc["customerKeyMD5"] = st->encryption.customer_key_md5;
            }
            json["encryption"] = enc;
          }
          ctx.out.Result(
              json, "Name      : " + t->key + "\nDate      : " + FormatDate(st->last_modified) +
                        "\nSize      : " + FormatSize(st->size) + " (" + std::to_string(st->size) +
                        " bytes)\nETag      : " + st->etag + "\nType      : file\nContent-Type: " +
                        st->content_type + (meta_text.empty() ? "" : "\nMetadata  :" + meta_text) +
                        (encryption.empty() ? "" : "\nEncryption: " + encryption));
          return Status::Ok();
        });
      });
  cmd->add_option("TARGET", stat_opts->targets, "ALIAS/BUCKET[/KEY]")->required();
  AddEncryptionFlags(cmd, stat_opts->enc, /*writes=*/false);

  auto du_target = std::make_shared<std::string>();
  cmd = AddCommand(
      app, "du", "Summarize space used under a prefix",
      "  cairn du local/photos\n  cairn du local/photos/2024/", [du_target](Context& ctx) {
        Result<Target> t = ctx.Remote(*du_target);
        if (!t.ok()) return ctx.out.Fail(t.status(), *du_target);
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), *du_target);
        std::vector<std::string> buckets;
        if (t->bucket.empty()) {
          auto list = client->ListBuckets();
          if (!list.ok()) return ctx.out.Fail(list.status(), *du_target);
          for (const auto& b : *list) buckets.push_back(b.name);
        } else {
          buckets.push_back(t->bucket);
        }
        uint64_t size = 0, objects = 0;
        // A whole bucket (or every bucket): the server's usage counters, one admin call, when
        // the caller may read them; otherwise, and for a prefix, a walk of the listing.
        if (t->key.empty()) {
          auto info = client->Send(admin::ServerInfo().ToHttpRequest(), t->alias);
          Json body = info.ok() ? Json::parse(info->body, nullptr, false) : Json();
          if (body.is_object() && body.contains("bucketUsage")) {
            bool all_found = true;
            for (const auto& b : buckets) {
              bool found = false;
              for (const auto& u : body["bucketUsage"]) {
                if (u.value("name", "") != b) continue;
                found = true;
                size += u.value("objectBytes", uint64_t{0});
                objects += u.value("objects", uint64_t{0});
              }
              all_found = all_found && found;
            }
            if (all_found) buckets.clear();  // counted
            if (!all_found) size = objects = 0;
          }
        }
        for (const auto& b : buckets) {
          Status s = client->List(b, t->key, "", [&](const ObjectInfo& info) {
            size += info.size;
            ++objects;
            return true;
          });
          if (!s.ok()) return ctx.out.Fail(s, *du_target);
        }
        ctx.out.Result({{"prefix", t->Display()}, {"size", size}, {"objects", objects}},
                       FormatSize(size) + "\t" + std::to_string(objects) + " object" +
                           (objects == 1 ? "" : "s") + "\t" + t->Display());
        return 0;
      });
  cmd->add_option("TARGET", *du_target, "ALIAS[/BUCKET[/PREFIX]]")->required();

  struct FindOpts {
    std::string target, name, larger, smaller, older, newer;
  };
  auto f = Opts<FindOpts>();
  cmd = AddCommand(
      app, "find", "Find objects by name, size or age",
      "  cairn find local/photos --name '*.jpg'\n  cairn find local/logs --older-than 30d\n"
      "  cairn find local/videos --larger 1GiB",
      [f](Context& ctx) {
        Result<Target> t = ctx.Remote(f->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), f->target);
        std::optional<uint64_t> larger, smaller;
        std::optional<TimePoint> older, newer;
        TimePoint now = Now();
        auto size_opt = [](const std::string& text, std::optional<uint64_t>& out) -> Status {
          if (text.empty()) return Status::Ok();
          auto v = ParseSize(text);
          if (!v.ok()) return v.status();
          out = *v;
          return Status::Ok();
        };
        auto age_opt = [&](const std::string& text, std::optional<TimePoint>& out) -> Status {
          if (text.empty()) return Status::Ok();
          auto v = ParseDuration(text);
          if (!v.ok()) return v.status();
          out = now - std::chrono::duration_cast<TimePoint::duration>(*v);
          return Status::Ok();
        };
        for (Status s : {size_opt(f->larger, larger), size_opt(f->smaller, smaller),
                         age_opt(f->older, older), age_opt(f->newer, newer)}) {
          if (!s.ok()) return ctx.out.Fail(s);
        }
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), f->target);
        std::vector<std::string> buckets;
        if (t->bucket.empty()) {
          auto list = client->ListBuckets();
          if (!list.ok()) return ctx.out.Fail(list.status(), f->target);
          for (const auto& b : *list) buckets.push_back(b.name);
        } else {
          buckets.push_back(t->bucket);
        }
        for (const auto& b : buckets) {
          Status s = client->List(b, t->key, "", [&](const ObjectInfo& info) {
            if (!f->name.empty() && !GlobMatch(f->name, BaseName(info.key))) return true;
            if (larger && info.size <= *larger) return true;
            if (smaller && info.size >= *smaller) return true;
            if (older && info.last_modified > *older) return true;
            if (newer && info.last_modified < *newer) return true;
            std::string path = t->alias + "/" + b + "/" + info.key;
            ctx.out.Result({{"key", path},
                            {"size", info.size},
                            {"lastModified", FormatIso8601(info.last_modified)}},
                           path);
            return true;
          });
          if (!s.ok()) return ctx.out.Fail(s, f->target);
        }
        return 0;
      });
  cmd->add_option("TARGET", f->target, "ALIAS[/BUCKET[/PREFIX]]")->required();
  cmd->add_option("--name", f->name, "shell glob on the object's base name");
  cmd->add_option("--larger", f->larger, "only objects larger than SIZE (e.g. 10MiB)");
  cmd->add_option("--smaller", f->smaller, "only objects smaller than SIZE");
  cmd->add_option("--older-than", f->older, "only objects older than DURATION (e.g. 7d)");
  cmd->add_option("--newer-than", f->newer, "only objects newer than DURATION");
}

// ---- share / ready --------------------------------------------------------------------------

// The --expire value: at most 7 days, as presigned URLs and mc's policies allow.
Result<std::chrono::seconds> ShareExpiry(const std::string& text) {
  auto expire = ParseDuration(text);
  if (!expire.ok()) return expire.status();
  if (expire->count() > 604800) return Status(Code::kInvalidArgument, "--expire is at most 7d");
  return *expire;
}

void RegisterShare(CLI::App& app) {
  CLI::App* share = AddGroup(app, "share", "Generate presigned URLs and upload forms");
  struct ShareOpts {
    std::string target;
    std::string expire = "7d";
    std::string content_type;
    bool put = false;
  };

  auto d = Opts<ShareOpts>();
  CLI::App* download = AddCommand(
      *share, "download", "A URL that lets anyone download one object",
      "  cairn share download local/photos/a.jpg\n  cairn share download --expire 1h "
      "local/photos/a.jpg",
      [d](Context& ctx) {
        Result<Target> t = ctx.Remote(d->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), d->target);
        if (t->key.empty() || t->key.back() == '/') {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "name an object: ALIAS/BUCKET/KEY"),
                              d->target);
        }
        auto expire = ShareExpiry(d->expire);
        if (!expire.ok()) return ctx.out.Fail(expire.status());
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), d->target);
        auto st = client->HeadObject(t->bucket, t->key);
        if (!st.ok()) return ctx.out.Fail(st.status(), d->target);
        std::string url = client->Presign("GET", t->bucket, t->key, *expire);
        ctx.out.Result(
            {{"url", url},
             {"share", url},
             {"expire", FormatDuration(*expire)},
             {"expireSeconds", expire->count()},
             {"target", t->Display()}},
            "URL: " + t->Display() + "\nExpire: " + FormatDuration(*expire) + "\nShare: " + url);
        return 0;
      });
  download->add_option("TARGET", d->target, "ALIAS/BUCKET/KEY")->required();
  download->add_option("--expire,-E", d->expire, "how long the URL works (default 7d, at most 7d)");

  auto u = Opts<ShareOpts>();
  CLI::App* upload = AddCommand(
      *share, "upload",
      "A browser-form (POST policy) upload to one key, or to any key under a prefix ending in /",
      "  cairn share upload --expire 1h local/inbox/report.pdf\n"
      "  cairn share upload --content-type image/ local/inbox/photos/   # any name under it\n"
      "  cairn share upload --put local/inbox/report.pdf                # a presigned PUT URL",
      [u](Context& ctx) {
        Result<Target> t = ctx.Remote(u->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), u->target);
        if (t->bucket.empty()) {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument, "name a key or a prefix: ALIAS/BUCKET/KEY-or-PREFIX/"),
              u->target);
        }
        auto expire = ShareExpiry(u->expire);
        if (!expire.ok()) return ctx.out.Fail(expire.status());
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), u->target);
        Json base = {{"expire", FormatDuration(*expire)},
                     {"expireSeconds", expire->count()},
                     {"target", t->Display()}};
        if (u->put) {
          if (t->key.empty() || t->key.back() == '/' || !u->content_type.empty()) {
            return ctx.out.Fail(Status(Code::kInvalidArgument,
                                       "--put needs one object (ALIAS/BUCKET/KEY) and takes no "
                                       "--content-type"),
                                u->target);
          }
          std::string url = client->Presign("PUT", t->bucket, t->key, *expire);
          std::string line = "curl -X PUT --upload-file <FILE> " + ShellQuote(url);
          base["url"] = url;
          base["share"] = line;
          ctx.out.Result(base, "URL: " + t->Display() + "\nExpire: " + FormatDuration(*expire) +
                                   "\nShare: " + line);
          return 0;
        }
        if (client->alias().access_key.empty()) {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument, "the alias has no keys to sign an upload policy with"),
              u->target);
        }
        UploadShare form =
            BuildUploadShare(client->alias(), t->bucket, t->key, u->content_type, *expire, Now());
        std::string line = UploadShareCurl(form);
        Json fields = Json::object();
        for (const auto& [name, value] : form.form) fields[name] = value;
        base["url"] = form.url;
        base["formData"] = fields;
        base["share"] = line;
        ctx.out.Result(base, "URL: " + t->Display() + "\nExpire: " + FormatDuration(*expire) +
                                 "\nShare: " + line);
        return 0;
      });
  upload->add_option("TARGET", u->target, "ALIAS/BUCKET/KEY, or ALIAS/BUCKET/PREFIX/")->required();
  upload->add_option("--expire,-E", u->expire, "how long the form works (default 7d, at most 7d)");
  upload->add_option("--content-type", u->content_type,
                     "uploads must send a Content-Type starting with this");
  upload->add_flag("--put", u->put, "a presigned PUT URL for one key instead of a POST form");
}

void RegisterReady(CLI::App& app) {
  struct ReadyOpts {
    std::string alias;
    std::string timeout;
  };
  auto o = Opts<ReadyOpts>();
  CLI::App* cmd = AddCommand(
      app, "ready", "Exit 0 when the server answers /minio/health/ready",
      "  cairn ready local\n  cairn ready --timeout 60s local   # wait for it", [o](Context& ctx) {
        Result<Target> t = ctx.Remote(o->alias);
        if (!t.ok()) return ctx.out.Fail(t.status(), o->alias);
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), o->alias);
        std::chrono::seconds timeout{0};
        if (!o->timeout.empty()) {
          auto d = ParseDuration(o->timeout);
          if (!d.ok()) return ctx.out.Fail(d.status());
          timeout = *d;
        }
        auto deadline = std::chrono::steady_clock::now() + timeout;
        long status = 0;
        while (true) {
          status = client->HealthReady();
          if (status == 200 || std::chrono::steady_clock::now() >= deadline) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        if (status == 200) {
          ctx.out.Result({{"alias", t->alias}, {"healthy", true}}, "The cluster is ready");
          return 0;
        }
        std::string why = status == 0 ? "unreachable at " + client->alias().url
                                      : "not ready (HTTP " + std::to_string(status) + ")";
        return ctx.out.Fail(Status(Code::kUnavailable, "the server is " + why), t->alias);
      });
  cmd->add_option("ALIAS", o->alias, "alias of the server")->required();
  cmd->add_option("--timeout", o->timeout, "keep trying this long (e.g. 30s, 2m)");
}

// ---- anonymous ------------------------------------------------------------------------------

void RegisterAnonymous(CLI::App& app) {
  CLI::App* group = AddGroup(app, "anonymous", "Manage anonymous access to buckets and prefixes");
  struct SetOpts {
    std::string access;
    std::string target;
  };
  auto set = Opts<SetOpts>();
  CLI::App* cmd = AddCommand(
      *group, "set", "Set anonymous access: none, download, upload or public",
      "  cairn anonymous set download local/photos\n"
      "  cairn anonymous set download local/docs/classrooms/*/thumbnails/\n"
      "  cairn anonymous set none local/photos",
      [set](Context& ctx) {
        auto access = ParseAccess(set->access);
        if (!access) {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument,
                     "unknown access `" + set->access + "` (none, download, upload, public)"));
        }
        Result<Target> t = ctx.Remote(set->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), set->target);
        if (t->bucket.empty()) {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET[/PREFIX]"), set->target);
        }
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), set->target);
        auto existing = client->GetBucketPolicy(t->bucket);
        if (!existing.ok()) return ctx.out.Fail(existing.status(), set->target);
        auto policy = SetAnonymousPolicy(*existing, t->bucket, t->key, *access);
        if (!policy.ok()) return ctx.out.Fail(policy.status(), set->target);
        Status s = policy->empty() ? client->DeleteBucketPolicy(t->bucket)
                                   : client->PutBucketPolicy(t->bucket, *policy);
        if (!s.ok()) return ctx.out.Fail(s, set->target);
        std::string name(AccessName(*access));
        ctx.out.Result({{"target", t->Display()}, {"permission", name}},
                       "Access permission for `" + t->Display() + "` is set to `" + name + "`");
        return 0;
      });
  cmd->add_option("ACCESS", set->access, "none | download | upload | public")->required();
  cmd->add_option("TARGET", set->target, "ALIAS/BUCKET[/PREFIX]")->required();

  auto get = std::make_shared<std::string>();
  cmd = AddCommand(
      *group, "get", "Show anonymous access of a bucket or prefix",
      "  cairn anonymous get local/photos", [get](Context& ctx) {
        Result<Target> t = ctx.Remote(*get);
        if (!t.ok()) return ctx.out.Fail(t.status(), *get);
        if (t->bucket.empty()) {
          return ctx.out.Fail(
              Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET[/PREFIX]"), *get);
        }
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), *get);
        auto existing = client->GetBucketPolicy(t->bucket);
        if (!existing.ok()) return ctx.out.Fail(existing.status(), *get);
        auto access = GetAnonymousAccess(*existing, t->bucket, t->key);
        if (!access.ok()) return ctx.out.Fail(access.status(), *get);
        std::string name(AccessName(*access));
        if (*access == Access::kNone && !existing->empty()) {
          auto rules = ListAnonymousRules(*existing, t->bucket);
          if (rules.ok() && rules->empty()) name = "custom";
        }
        ctx.out.Result({{"target", t->Display()}, {"permission", name}},
                       "Access permission for `" + t->Display() + "` is `" + name + "`");
        return 0;
      });
  cmd->add_option("TARGET", *get, "ALIAS/BUCKET[/PREFIX]")->required();

  auto list = std::make_shared<std::string>();
  cmd = AddCommand(
      *group, "list", "List the anonymous rules of a bucket", "  cairn anonymous list local/photos",
      [list](Context& ctx) {
        Result<Target> t = ctx.Remote(*list);
        if (!t.ok()) return ctx.out.Fail(t.status(), *list);
        if (t->bucket.empty()) {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET"), *list);
        }
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), *list);
        auto existing = client->GetBucketPolicy(t->bucket);
        if (!existing.ok()) return ctx.out.Fail(existing.status(), *list);
        auto rules = ListAnonymousRules(*existing, t->bucket);
        if (!rules.ok()) return ctx.out.Fail(rules.status(), *list);
        for (const auto& [resource, access] : *rules) {
          std::string p = t->key.empty() ? "" : t->bucket + "/" + t->key;
          if (!p.empty() && resource.rfind(p, 0) != 0) continue;
          std::string name(AccessListName(access));
          ctx.out.Result({{"resource", resource}, {"permission", name}}, resource + "    " + name);
        }
        return 0;
      });
  cmd->alias("ls");
  cmd->add_option("TARGET", *list, "ALIAS/BUCKET")->required();
}

// ---- completion -----------------------------------------------------------------------------

void CollectPaths(const CLI::App* app, const std::string& path,
                  std::vector<std::pair<std::string, std::string>>& out) {
  std::string words;
  for (const CLI::App* sub : app->get_subcommands({})) {
    words += sub->get_name() + " ";
  }
  for (const CLI::Option* opt : app->get_options({})) {
    for (const auto& l : opt->get_lnames()) words += "--" + l + " ";
    for (const auto& s : opt->get_snames()) words += "-" + s + " ";
  }
  if (!words.empty()) words.pop_back();
  out.emplace_back(path, words);
  for (const CLI::App* sub : app->get_subcommands({})) {
    CollectPaths(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

std::string BashCompletion(const CLI::App& root) {
  std::vector<std::pair<std::string, std::string>> paths;
  CollectPaths(&root, "", paths);
  std::string s =
      "# bash completion for cairn; load with: source <(cairn completion bash)\n"
      "_cairn() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" w i words\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${COMP_WORDS[i]}\"\n"
      "    [[ $w == -* ]] && continue\n"
      "    case \"${path:+$path }$w\" in\n";
  std::string known;
  for (const auto& [p, w] : paths) {
    if (!p.empty()) known += (known.empty() ? "" : "|") + std::string("\"") + p + "\"";
  }
  s += "      " + known + ") path=\"${path:+$path }$w\" ;;\n";
  s += "    esac\n  done\n  case \"$path\" in\n";
  for (const auto& [p, w] : paths) {
    s += "    \"" + p + "\") words=\"" + w + "\" ;;\n";
  }
  s += "  esac\n"
       "  if [[ $cur != -* && -n $path ]]; then\n"
       "    local dir=\"${CAIRN_CONFIG_DIR:-$HOME/.cairn}\" aliases\n"
       "    aliases=$(sed -n 's/^    \"\\([^\"]*\\)\": {$/\\1\\//p' \"$dir/config.json\" "
       "2>/dev/null)\n"
       "    words=\"$words $aliases\"\n"
       "  fi\n"
       "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "}\n"
       "complete -o default -o nospace -F _cairn cairn\n";
  return s;
}

void RegisterCompletion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = AddCommand(
      app, "completion", "Print a shell completion script",
      "  source <(cairn completion bash)\n"
      "  cairn completion bash > /etc/bash_completion.d/cairn",
      [shell](Context& ctx) {
        if (*shell != "bash") {
          return ctx.out.Fail(Status(Code::kNotImplemented, "only bash completion is available"));
        }
        std::fputs(BashCompletion(*registry().root).c_str(), stdout);
        return 0;
      });
  cmd->add_option("SHELL", *shell, "bash")->required();
}

}  // namespace

// ---- Context --------------------------------------------------------------------------------

Status Context::LoadConfigOnce() {
  if (loaded_) return Status::Ok();
  auto config = LoadConfig(ConfigDir());
  if (!config.ok()) return config.status();
  config_ = std::move(*config);
  loaded_ = true;
  return Status::Ok();
}

bool Context::IsAlias(std::string_view name) {
  LoadConfigOnce().IgnoreError();
  return FindAlias(config_, name).has_value();
}

Target Context::Parse(std::string_view arg) {
  return ParseTarget(arg, [this](std::string_view n) { return IsAlias(n); });
}

Result<Target> Context::Remote(std::string_view arg) {
  Status s = LoadConfigOnce();
  if (!s.ok()) return s;
  Target t = Parse(arg);
  if (!t.remote) return NotAnAliasError(arg);
  return t;
}

Result<S3Client> Context::Client(const Target& target) {
  auto alias = FindAlias(config_, target.alias);
  if (!alias) return NotAnAliasError(target.alias);
  S3Client client(*alias);
  if (sse_) client.set_encryption(target.alias, sse_);
  return client;
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::string& examples, Runner run) {
  CLI::App* cmd = parent.add_subcommand(name, description);
  cmd->fallthrough();
  if (!examples.empty()) cmd->footer("Examples:\n" + examples);
  registry().leaves.emplace_back(cmd, std::move(run));
  return cmd;
}

CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* cmd = parent.add_subcommand(name, description);
  cmd->fallthrough();
  cmd->require_subcommand(1);
  registry().groups.push_back(cmd);
  return cmd;
}

Result<Headers> ParseAttributes(std::string_view attr) {
  Headers headers;
  static const std::set<std::string> kStandard = {"cache-control",    "content-disposition",
                                                  "content-encoding", "content-language",
                                                  "content-type",     "expires"};
  size_t start = 0;
  while (start < attr.size()) {
    size_t end = attr.find(';', start);
    if (end == std::string_view::npos) end = attr.size();
    std::string_view pair = TrimWhitespace(attr.substr(start, end - start));
    start = end + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status(Code::kInvalidArgument,
                    "invalid --attr `" + std::string(pair) + "`: expected key=value");
    }
    std::string key = ToLower(TrimWhitespace(pair.substr(0, eq)));
    std::string_view value = TrimWhitespace(pair.substr(eq + 1));
    if (kStandard.count(key) > 0) {
      headers.Set(key, value);
    } else {
      if (key.rfind("x-amz-meta-", 0) == 0) key = key.substr(11);
      headers.Set("x-amz-meta-" + key, value);
    }
  }
  return headers;
}

std::string GuessContentType(std::string_view name) {
  static const std::map<std::string, std::string> kTypes = {
      {"css", "text/css"},          {"csv", "text/csv"},          {"gif", "image/gif"},
      {"gz", "application/gzip"},   {"htm", "text/html"},         {"html", "text/html"},
      {"jpeg", "image/jpeg"},       {"jpg", "image/jpeg"},        {"js", "text/javascript"},
      {"json", "application/json"}, {"md", "text/markdown"},      {"mp3", "audio/mpeg"},
      {"mp4", "video/mp4"},         {"pdf", "application/pdf"},   {"png", "image/png"},
      {"svg", "image/svg+xml"},     {"tar", "application/x-tar"}, {"txt", "text/plain"},
      {"wasm", "application/wasm"}, {"webp", "image/webp"},       {"xml", "application/xml"},
      {"zip", "application/zip"}};
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || name.find('/', dot) != std::string_view::npos) return "";
  auto it = kTypes.find(ToLower(name.substr(dot + 1)));
  return it == kTypes.end() ? "" : it->second;
}

void Register(CLI::App& app) {
  Registry& r = registry();
  r.root = &app;
  app.add_flag("--json", r.flags.json, "print one JSON object per line (for scripts)");
  app.add_flag("-q,--quiet", r.flags.quiet, "no progress bar or per-file messages");
  app.add_flag_callback(
      "--insecure", [] { SetInsecureFlag(true); },
      "do not verify HTTPS certificates (or CAIRN_INSECURE=on / MC_INSECURE=on); "
      "CAIRN_CA_FILE or SSL_CERT_FILE names a CA bundle to trust");
  app.footer(
      "Client examples:\n"
      "  cairn alias set local http://localhost:9000 minioadmin minioadmin123\n"
      "  cairn mb local/photos\n"
      "  cairn cp -r ./pictures/ local/photos/2024/\n"
      "  cairn ls -r local/photos\n"
      "  cairn anonymous set download local/photos/public/\n"
      "Run `cairn COMMAND --help` for a command's options and examples.");
  RegisterAlias(app);
  RegisterBuckets(app);
  RegisterLs(app);
  RegisterTransferCommands(app);
  RegisterStreams(app);
  RegisterRm(app);
  RegisterInspect(app);
  RegisterShare(app);
  RegisterReady(app);
  RegisterAnonymous(app);
  RegisterVersionCommands(app);
  RegisterTagCommands(app);
  RegisterLockCommands(app);
  RegisterIlmCommands(app);
  RegisterEncryptCommands(app);
  RegisterAdminCommands(app);
  RegisterCompletion(app);
}

std::optional<int> Run(CLI::App& /*app*/) {
  Registry& r = registry();
  for (auto& [cmd, run] : r.leaves) {
    if (cmd->parsed()) {
      InitHttp();
      Context ctx(r.flags);
      return run(ctx);
    }
  }
  return std::nullopt;
}

}  // namespace cairn::cli
