// Bucket versioning: `version enable|suspend|info`, `undo`, and the version-aware halves of
// `ls --versions` and `rm --version-id / --versions` (their flags live with ls and rm).
#include <cstdio>
#include <set>

#include "cli/commands_internal.h"
#include "cli/units.h"
#include "cli/versions.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

Json VersionJson(const ObjectVersion& v, int number, const std::string& name) {
  return {{"type", "file"},
          {"key", name},
          {"versionId", v.version_id},
          {"versionOrdinal", number},
          {"isLatest", v.is_latest},
          {"isDeleteMarker", v.delete_marker},
          {"size", v.size},
          {"etag", v.etag},
          {"storageClass", v.storage_class},
          {"lastModified", FormatIso8601(v.last_modified)}};
}

// Every version and delete marker of exactly `key`, newest first.
Result<std::vector<ObjectVersion>> VersionsOfKey(const S3Client& client, std::string_view bucket,
                                                 const std::string& key) {
  std::vector<ObjectVersion> out;
  Status s = client.ListVersions(bucket, key, "", [&](const ObjectVersion& v) {
    // Every key listed starts with `key`, so `key` itself sorts first: the next key ends it.
    if (v.key != key) return false;
    out.push_back(v);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status NeedBucketOnly(const Target& t) {
  if (t.bucket.empty() || !t.key.empty()) {
    return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET");
  }
  return Status::Ok();
}

void RegisterVersion(CLI::App& app) {
  CLI::App* group = AddGroup(app, "version", "Manage bucket versioning");
  struct Change {
    const char* name;
    const char* status;
    const char* description;
  };
  for (const Change& change : {Change{"enable", "Enabled", "Enable versioning on a bucket"},
                               Change{"suspend", "Suspended", "Suspend versioning on a bucket"}}) {
    auto target = std::make_shared<std::string>();
    std::string op = change.name;
    std::string status = change.status;
    CLI::App* cmd = AddCommand(
        *group, op, change.description, "  cairn version " + op + " local/photos",
        [target, op, status](Context& ctx) {
          Result<Target> t = ctx.Remote(*target);
          if (!t.ok()) return ctx.out.Fail(t.status(), *target);
          Status s = NeedBucketOnly(*t);
          if (!s.ok()) return ctx.out.Fail(s, *target);
          auto client = ctx.Client(*t);
          if (!client.ok()) return ctx.out.Fail(client.status(), *target);
          s = client->PutBucketVersioning(t->bucket, status);
          if (!s.ok()) return ctx.out.Fail(s, *target);
          ctx.out.Result({{"op", op}, {"url", t->Display()}, {"versioning", {{"status", status}}}},
                         t->Display() + " versioning is " + VersioningWord(status));
          return 0;
        });
    cmd->add_option("TARGET", *target, "ALIAS/BUCKET")->required();
  }

  auto target = std::make_shared<std::string>();
  CLI::App* cmd = AddCommand(
      *group, "info", "Show whether a bucket is versioned", "  cairn version info local/photos",
      [target](Context& ctx) {
        Result<Target> t = ctx.Remote(*target);
        if (!t.ok()) return ctx.out.Fail(t.status(), *target);
        Status s = NeedBucketOnly(*t);
        if (!s.ok()) return ctx.out.Fail(s, *target);
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), *target);
        auto status = client->GetBucketVersioning(t->bucket);
        if (!status.ok()) return ctx.out.Fail(status.status(), *target);
        ctx.out.Result(
            {{"op", "info"}, {"url", t->Display()}, {"versioning", {{"status", *status}}}},
            t->Display() + " versioning is " + VersioningWord(*status));
        return 0;
      });
  cmd->add_option("TARGET", *target, "ALIAS/BUCKET")->required();
}

void RegisterUndo(CLI::App& app) {
  struct UndoOpts {
    std::string target;
    int last = 1;
    std::string action;
    bool dry_run = false;
  };
  auto o = std::make_shared<UndoOpts>();
  CLI::App* cmd = AddCommand(
      app, "undo", "Undo the last PUT or DELETE of an object on a versioned bucket",
      "  cairn undo local/docs/report.pdf                  # the last change, either kind\n"
      "  cairn undo --last 3 local/docs/report.pdf\n"
      "  cairn undo --action DELETE local/docs/report.pdf  # only if it was a delete",
      [o](Context& ctx) {
        Result<Target> t = ctx.Remote(o->target);
        if (!t.ok()) return ctx.out.Fail(t.status(), o->target);
        if (t->bucket.empty() || t->key.empty() || t->key.back() == '/') {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "name an object: ALIAS/BUCKET/KEY"),
                              o->target);
        }
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), o->target);
        // On an un-versioned bucket the only "version" is the object itself: undoing its PUT
        // would destroy it with nothing to fall back to.
        auto versioning = client->GetBucketVersioning(t->bucket);
        if (!versioning.ok()) return ctx.out.Fail(versioning.status(), o->target);
        if (versioning->empty()) {
          return ctx.out.Fail(Status(Code::kInvalidArgument,
                                     "undo needs a versioned bucket (`cairn version enable " +
                                         t->alias + "/" + t->bucket + "`)"),
                              o->target);
        }
        auto versions = VersionsOfKey(*client, t->bucket, t->key);
        if (!versions.ok()) return ctx.out.Fail(versions.status(), o->target);
        if (versions->empty()) {
          return ctx.out.Fail(Status(Code::kNoSuchKey, "Object does not exist. (NoSuchKey)"),
                              o->target);
        }
        auto plan = PlanUndo(*versions, o->last, ToUpper(o->action));
        if (!plan.ok()) return ctx.out.Fail(plan.status());
        if (plan->empty()) {
          ctx.out.Info({{"key", t->Display()}, {"undone", 0}},
                       "Nothing to undo for `" + t->Display() + "`.");
          return 0;
        }
        for (const ObjectVersion& v : *plan) {
          if (!o->dry_run) {
            Status s = client->DeleteObject(t->bucket, t->key, v.version_id);
            if (!s.ok()) return ctx.out.Fail(s, o->target);
          }
          std::string what = v.delete_marker ? "delete" : "upload";
          ctx.out.Info({{"key", t->Display()},
                        {"versionId", v.version_id},
                        {"action", v.delete_marker ? "DELETE" : "PUT"},
                        {"dryRun", o->dry_run}},
                       "Last " + what + " of `" + t->Display() + "` (vid=" + v.version_id +
                           ") is reverted" + (o->dry_run ? " (dry run)." : "."));
        }
        return 0;
      });
  cmd->add_option("TARGET", o->target, "ALIAS/BUCKET/KEY")->required();
  cmd->add_option("--last", o->last, "undo this many changes (default 1)");
  cmd->add_option("--action", o->action, "undo only the last change of this kind: PUT or DELETE");
  cmd->add_flag("--dry-run", o->dry_run, "show what would be undone, change nothing");
}

}  // namespace

int ListVersionsCommand(Context& ctx, const std::string& arg, bool recursive) {
  Result<Target> t = ctx.Remote(arg);
  if (!t.ok()) return ctx.out.Fail(t.status(), arg);
  if (t->bucket.empty()) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET[/PREFIX]"),
                        arg);
  }
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), arg);
  std::string prefix = t->key;
  // As ls: "alias/bucket/dir" lists inside dir/ when dir is a prefix.
  if (!prefix.empty() && prefix.back() != '/' && !recursive) {
    bool is_prefix = false;
    Status probe = client->ListVersions(t->bucket, prefix + "/", "/", [&](const ObjectVersion&) {
      is_prefix = true;
      return false;
    });
    if (probe.ok() && is_prefix) prefix += "/";
  }
  size_t slash = prefix.rfind('/');
  std::string display_base = prefix.substr(0, slash == std::string::npos ? 0 : slash + 1);
  size_t count = 0;
  // One key's versions arrive together (newest first), perhaps across pages; they are numbered
  // once the next key starts.
  std::vector<ObjectVersion> group;
  auto flush = [&] {
    std::vector<int> numbers = VersionNumbers(group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      std::string name = group[i].key.substr(display_base.size());
      ctx.out.Result(VersionJson(group[i], numbers[i], name),
                     VersionLine(group[i], numbers[i], name));
    }
    group.clear();
  };
  Status s =
      client->ListVersions(t->bucket, prefix, recursive ? "" : "/", [&](const ObjectVersion& v) {
        ++count;
        if (!group.empty() && (v.is_prefix || group.front().key != v.key)) flush();
        if (v.is_prefix) {
          std::string name = v.key.substr(display_base.size());
          char buf[64];
          std::snprintf(buf, sizeof(buf), "%-25s %7s ", "", "PRE");
          ctx.out.Result({{"type", "folder"}, {"key", name}}, buf + name);
        } else {
          group.push_back(v);
        }
        return true;
      });
  if (s.ok()) flush();
  if (!s.ok()) return ctx.out.Fail(s, arg);
  if (count == 0 && !prefix.empty()) {
    return ctx.out.Fail(Status(Code::kNoSuchKey, "Object does not exist. (NoSuchKey)"), arg);
  }
  return 0;
}

Status RemoveVersions(Context& ctx, const Target& t, const std::string& version_id, bool recursive,
                      bool bypass) {
  auto client = ctx.Client(t);
  if (!client.ok()) return client.status();
  client->set_bypass_governance(bypass);
  if (!recursive && (t.key.empty() || t.key.back() == '/')) {
    return Status(Code::kInvalidArgument, "name an object, or a prefix with -r --force");
  }
  std::string base = t.alias + "/" + t.bucket + "/";
  auto removed = [&](const std::string& key, const std::string& id, bool marker) {
    ctx.out.Info({{"key", base + key}, {"versionId", id}, {"isDeleteMarker", marker}},
                 "Removed `" + base + key + "` (versionId=" + id + ").");
  };
  if (!version_id.empty()) {
    // A DELETE of a version that is not there succeeds on S3; look first so a typo is an error.
    auto versions = VersionsOfKey(*client, t.bucket, t.key);
    if (!versions.ok()) return versions.status();
    const ObjectVersion* found = nullptr;
    for (const auto& v : *versions) {
      if (v.version_id == version_id) found = &v;
    }
    if (found == nullptr) {
      return Status(Code::kNoSuchVersion, "The specified version does not exist. (NoSuchVersion)");
    }
    Status s = client->DeleteObject(t.bucket, t.key, version_id);
    if (s.ok()) removed(t.key, version_id, found->delete_marker);
    return s;
  }
  std::vector<ObjectVersion> all, batch;
  size_t seen = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& v : batch) pairs.emplace_back(v.key, v.version_id);
    auto errors = client->DeleteObjectVersions(t.bucket, pairs);
    if (!errors.ok()) return errors.status();
    std::set<std::string> bad;
    for (const auto& e : *errors) {
      ctx.out.Fail(Status(Code::kIOError, e), t.alias + "/" + t.bucket);
      bad.insert(e.substr(0, e.find(": ")));
    }
    for (const auto& v : batch) {
      if (bad.count(v.key) == 0 && bad.count(v.key + " (version " + v.version_id + ")") == 0) {
        removed(v.key, v.version_id, v.delete_marker);
      }
    }
    batch.clear();
    return errors->empty() ? Status::Ok()
                           : Status(Code::kIOError, "some versions were not removed");
  };
  Status s = client->ListVersions(t.bucket, t.key, "", [&](const ObjectVersion& v) {
    if (!recursive && v.key != t.key) return false;  // as in VersionsOfKey
    ++seen;
    all.push_back(v);
    return true;
  });
  // Deleting only after the listing: removing the version a page ended on would leave the next
  // request's version-id-marker pointing at nothing, and the server may then skip entries.
  for (size_t i = 0; s.ok() && i < all.size(); ++i) {
    batch.push_back(std::move(all[i]));
    if (batch.size() == 1000 || i + 1 == all.size()) s = flush();
  }
  if (s.ok() && seen == 0 && !recursive) {
    return Status(Code::kNoSuchKey, "Object does not exist. (NoSuchKey)");
  }
  return s;
}

void RegisterVersionCommands(CLI::App& app) {
  RegisterVersion(app);
  RegisterUndo(app);
}

}  // namespace cairn::cli
