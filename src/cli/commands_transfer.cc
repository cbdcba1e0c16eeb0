// cp and mirror: moving data between local files, stdin and objects.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "cli/commands_internal.h"
#include "cli/copy_plan.h"
#include "cli/units.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct Job {
  Target src;  // local path ("-" for stdin) or object
  Target dst;  // local path or object
  uint64_t size = 0;
};

std::string Show(const Target& t) { return t.remote ? t.Display() : t.local; }

bool IsLocalDir(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Where a source with relative name `rel` lands under `dst`; `into` says dst is a folder/prefix.
Target Place(const Target& dst, const std::string& rel, bool into) {
  Target t = dst;
  if (dst.remote) {
    if (into) t.key = JoinKey(dst.key, rel);
  } else if (into) {
    t.local = (fs::path(dst.local) / rel).string();
  }
  return t;
}

bool EndsWithSlash(std::string_view s) { return !s.empty() && s.back() == '/'; }

// Local files under `root` as paths relative to it.
Status WalkLocal(
    const std::string& root,
    const std::function<void(const std::string& rel, uint64_t size, TimePoint mtime)>& each) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Status(Code::kIOError, "cannot read folder " + root + ": " + ec.message());
  for (const auto& entry : it) {
    std::error_code e2;
    if (!entry.is_regular_file(e2)) continue;
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) != 0) continue;
    std::string rel = fs::relative(entry.path(), root, e2).generic_string();
    TimePoint mtime =
        FromUnixNanos(static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
    each(rel, static_cast<uint64_t>(st.st_size), mtime);
  }
  return Status::Ok();
}

bool IsCannedAcl(std::string_view name) {
  for (std::string_view canned :
       {"private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-read",
        "bucket-owner-full-control", "log-delivery-write"}) {
    if (name == canned) return true;
  }
  return false;
}

Headers UploadHeaders(const Headers& attrs, std::string_view name) {
  Headers h = attrs;
  if (!h.Has("content-type")) {
    std::string type = GuessContentType(name);
    if (!type.empty()) h.Set("content-type", type);
  }
  return h;
}

Status MakeParents(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Status(Code::kIOError, "cannot create " + parent.string() + ": " + ec.message());
  return Status::Ok();
}

// Runs one job. `given` are the --attr headers (they replace metadata on server-side copies);
// `acl`, when set, is the canned ACL (--acl) every new object gets, uploads and copies alike;
// `version_id`, when set, names the version of an object source.
Status Execute(Context& ctx, const Job& job, const Headers& given, Progress& progress,
               const std::string& version_id = {}, const std::string& acl = {}) {
  ProgressFn fn = progress.Fn();
  const bool replace = !given.empty();
  Headers attrs = given;
  if (!acl.empty()) attrs.Set("x-amz-acl", acl);
  if (job.dst.remote) {
    auto client = ctx.Client(job.dst);
    if (!client.ok()) return client.status();
    if (job.dst.bucket.empty() || job.dst.key.empty()) {
      return Status(Code::kInvalidArgument, "`" + job.dst.Display() + "` does not name an object");
    }
    if (!job.src.remote) {
      Headers h = UploadHeaders(attrs, job.dst.key);
      if (job.src.local == "-") {
        return client->UploadStream(STDIN_FILENO, job.dst.bucket, job.dst.key, h, [&](uint64_t n) {
          progress.AddTotal(n);
          progress.Add(n);
        });
      }
      return client->UploadFile(job.src.local, job.dst.bucket, job.dst.key, h, fn);
    }
    if (job.src.alias == job.dst.alias) {
      // Server side: one CopyObject, or for large sources (always beyond its 5 GiB limit) a
      // multipart copy of ranged parts.
      auto tuning = CopyTuningFromEnv();
      if (!tuning.ok()) return tuning.status();
      if (!version_id.empty()) {
        // The multipart copy does not pin a version yet; CopyObject takes up to 5 GiB.
        if (job.size > (uint64_t{5} << 30)) {
          return Status(Code::kNotImplemented,
                        "copying one version of an object over 5 GiB is not supported yet");
        }
        Status s = client->CopyObject(job.src.bucket, job.src.key, job.dst.bucket, job.dst.key,
                                      attrs, replace, version_id);
        if (s.ok()) progress.Add(job.size);
        return s;
      }
      if (tuning->Multipart(job.size)) {
        return client->CopyObjectMultipart(job.src.bucket, job.src.key, job.dst.bucket, job.dst.key,
                                           attrs, replace, tuning->part_size, tuning->threads, fn);
      }
      Status s = client->CopyObject(job.src.bucket, job.src.key, job.dst.bucket, job.dst.key, attrs,
                                    replace);
      if (s.ok()) progress.Add(job.size);
      return s;
    }
    // Between two servers: through a temporary file.
    auto src_client = ctx.Client(job.src);
    if (!src_client.ok()) return src_client.status();
    char tmpl[] = "/tmp/cairn-copy-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd < 0) return Status(Code::kIOError, "cannot create a temporary file");
    ::close(fd);
    Status s = src_client->DownloadFile(job.src.bucket, job.src.key, tmpl, nullptr, version_id);
    if (s.ok()) {
      s = client->UploadFile(tmpl, job.dst.bucket, job.dst.key, UploadHeaders(attrs, job.dst.key),
                             fn);
    }
    ::unlink(tmpl);
    return s;
  }
  if (!job.src.remote) {
    return Status(Code::kInvalidArgument, "both paths are local; use your shell's cp");
  }
  auto client = ctx.Client(job.src);
  if (!client.ok()) return client.status();
  Status s = MakeParents(job.dst.local);
  if (!s.ok()) return s;
  return client->DownloadFile(job.src.bucket, job.src.key, job.dst.local, fn, version_id);
}

// Expands the cp arguments into jobs.
Status PlanCopy(Context& ctx, const std::vector<std::string>& sources, const Target& dst,
                bool recursive, std::vector<Job>& jobs, const std::string& version_id = {}) {
  bool many = sources.size() > 1;
  bool dst_into = many || recursive ||
                  (dst.remote ? (dst.key.empty() || EndsWithSlash(dst.key))
                              : (EndsWithSlash(dst.local) || IsLocalDir(dst.local)));
  if (dst.remote && dst.bucket.empty()) {
    return Status(Code::kInvalidArgument, "`" + dst.Display() + "`: name a bucket");
  }
  for (const auto& arg : sources) {
    Target src = ctx.Parse(arg);
    if (!src.remote) {
      if (src.local == "-") {
        if (!dst.remote) return Status(Code::kInvalidArgument, "stdin can only go to an object");
        jobs.push_back({src, dst, 0});
        continue;
      }
      struct stat st {};
      if (::stat(src.local.c_str(), &st) != 0) {
        std::string first = arg.substr(0, arg.find('/'));
        if (arg.find('/') != std::string::npos && !ctx.IsAlias(first)) {
          return Status(Code::kNotFound, "`" + arg + "`: no such file, and no alias named `" +
                                             first + "` (add one with `cairn alias set`)");
        }
        return Status(Code::kNotFound, "`" + arg + "`: no such file or folder");
      }
      if (S_ISDIR(st.st_mode)) {
        if (!recursive) return Status(Code::kInvalidArgument, "`" + arg + "` is a folder: use -r");
        std::string base = EndsWithSlash(arg) ? "" : BaseName(arg);
        Status s = WalkLocal(src.local, [&](const std::string& rel, uint64_t size, TimePoint) {
          Target file;
          file.local = (fs::path(src.local) / rel).string();
          jobs.push_back({file, Place(dst, base.empty() ? rel : base + "/" + rel, true), size});
        });
        if (!s.ok()) return s;
      } else {
        jobs.push_back(
            {src, Place(dst, BaseName(arg), dst_into), static_cast<uint64_t>(st.st_size)});
      }
      continue;
    }
    if (src.bucket.empty()) return Status(Code::kInvalidArgument, "`" + arg + "`: name a bucket");
    auto client = ctx.Client(src);
    if (!client.ok()) return client.status();
    if (recursive) {
      std::string prefix = src.key;
      std::string base;
      if (!prefix.empty() && !EndsWithSlash(prefix)) {
        base = BaseName(prefix);
        prefix += "/";
      }
      size_t before = jobs.size();
      Status s = client->List(src.bucket, prefix, "", [&](const ObjectInfo& info) {
        Target object = src;
        object.key = info.key;
        std::string rel = info.key.substr(prefix.size());
        jobs.push_back(
            {object, Place(dst, base.empty() ? rel : base + "/" + rel, true), info.size});
        return true;
      });
      if (!s.ok()) return s;
      if (jobs.size() > before || src.key.empty() || EndsWithSlash(src.key)) continue;
    }
    if (src.key.empty()) return Status(Code::kInvalidArgument, "`" + arg + "` is a bucket: use -r");
    auto st = client->HeadObject(src.bucket, src.key, version_id);
    if (!st.ok()) return st.status();
    jobs.push_back({src, Place(dst, BaseName(src.key), dst_into), st->size});
  }
  return Status::Ok();
}

void RegisterCp(CLI::App& app) {
  struct CpOpts {
    std::vector<std::string> paths;
    bool recursive = false;
    std::string attr;
    std::string version_id;
    std::string acl;
    SseFlags enc;
  };
  auto o = std::make_shared<CpOpts>();
  CLI::App* cmd = AddCommand(
      app, "cp", "Copy files and objects",
      "  cairn cp photo.jpg local/photos/                 # file -> object\n"
      "  cairn cp local/photos/photo.jpg ./               # object -> file\n"
      "  cairn cp local/photos/a.jpg local/backup/a.jpg   # server-side copy\n"
      "  cairn cp -r ./site/ local/www/                   # a folder's contents\n"
      "  cairn cp --attr 'Cache-Control=max-age=60;owner=ana' a.txt local/docs/\n"
      "  pg_dump db | cairn cp - local/backup/db.sql      # from stdin\n"
      "  cairn cp --version-id 3f9c... local/docs/a.pdf ./a-old.pdf\n"
      "  cairn cp --acl public-read logo.png local/www/     # readable by anyone\n"
      "  cairn cp --enc-s3 local/notes/ a.pdf local/notes/  # SSE-S3\n"
      "  cairn cp --enc-kms 'local/rec/=my-key' talk.mp4 local/rec/\n"
      "  cairn cp --enc-c \"local/vault/=$(head -c 32 /dev/urandom | base64)\" a.txt local/vault/",
      [o](Context& ctx) {
        if (o->paths.size() < 2) {
          return ctx.out.Fail(Status(Code::kInvalidArgument, "give a SOURCE and a TARGET"));
        }
        Status s = ctx.LoadConfigOnce();
        if (!s.ok()) return ctx.out.Fail(s);
        auto attrs = ParseAttributes(o->attr);
        if (!attrs.ok()) return ctx.out.Fail(attrs.status());
        s = UseEncryption(ctx, o->enc, o->paths);
        if (!s.ok()) return ctx.out.Fail(s);
        if (!o->acl.empty() && !IsCannedAcl(o->acl)) {
          return ctx.out.Fail(Status(Code::kInvalidArgument,
                                     "--acl takes a canned ACL: private, public-read, "
                                     "public-read-write, authenticated-read, bucket-owner-read, "
                                     "bucket-owner-full-control, log-delivery-write"));
        }
        std::vector<std::string> sources(o->paths.begin(), o->paths.end() - 1);
        const std::string& dst_arg = o->paths.back();
        if (!o->version_id.empty()) {
          if (sources.size() != 1 || o->recursive || !ctx.Parse(sources[0]).remote ||
              ctx.Parse(sources[0]).key.empty()) {
            return ctx.out.Fail(Status(Code::kInvalidArgument,
                                       "--version-id needs one object source: ALIAS/BUCKET/KEY"));
          }
        }
        Target dst = ctx.Parse(dst_arg);
        if (!dst.remote && dst_arg.front() != '/' && dst_arg.front() != '.' &&
            dst_arg.find('/') != std::string::npos && !IsLocalDir(dst_arg) &&
            !EndsWithSlash(dst_arg)) {
          std::string first = dst_arg.substr(0, dst_arg.find('/'));
          std::error_code ec;
          if (!fs::exists(first, ec)) return ctx.out.Fail(NotAnAliasError(dst_arg));
        }
        std::vector<Job> jobs;
        s = PlanCopy(ctx, sources, dst, o->recursive, jobs, o->version_id);
        if (!s.ok()) return ctx.out.Fail(s);
        uint64_t total = 0;
        for (const auto& j : jobs) total += j.size;
        Progress progress(ctx.out.ProgressWanted(), total);
        int rc = 0;
        for (const auto& job : jobs) {
          s = Execute(ctx, job, *attrs, progress, o->version_id, o->acl);
          if (!s.ok()) {
            progress.Finish();
            rc = ctx.out.Fail(s, Show(job.src));
            break;
          }
          if (!ctx.out.ProgressWanted()) {
            ctx.out.Info({{"source", Show(job.src)}, {"target", Show(job.dst)}, {"size", job.size}},
                         "`" + Show(job.src) + "` -> `" + Show(job.dst) + "`");
          }
        }
        progress.Finish();
        return rc;
      });
  cmd->add_option("PATHS", o->paths, "SOURCE... TARGET (local paths or ALIAS/BUCKET/KEY)")
      ->required();
  cmd->add_flag("-r,--recursive", o->recursive, "copy folders and prefixes");
  cmd->add_option("--attr", o->attr, "metadata \"key=value;key2=value2\" for the new objects");
  cmd->add_option("--version-id", o->version_id, "copy this version of the source object");
  cmd->add_option("--acl", o->acl, "canned ACL for the new objects (public-read, private, ...)");
  AddEncryptionFlags(cmd, o->enc, /*writes=*/true);
}

struct Entry {
  uint64_t size = 0;
  TimePoint mtime;
};

Status Scan(Context& ctx, const Target& t, std::map<std::string, Entry>& out, bool* missing) {
  *missing = false;
  if (!t.remote) {
    if (!IsLocalDir(t.local)) {
      *missing = true;
      return Status::Ok();
    }
    return WalkLocal(t.local, [&](const std::string& rel, uint64_t size, TimePoint mtime) {
      out[rel] = {size, mtime};
    });
  }
  auto client = ctx.Client(t);
  if (!client.ok()) return client.status();
  std::string prefix = t.key;
  if (!prefix.empty() && !EndsWithSlash(prefix)) prefix += "/";
  Status s = client->List(t.bucket, prefix, "", [&](const ObjectInfo& info) {
    out[info.key.substr(prefix.size())] = {info.size, info.last_modified};
    return true;
  });
  if (s.code() == Code::kNoSuchBucket) {
    *missing = true;
    return Status::Ok();
  }
  return s;
}

Target Child(const Target& t, const std::string& rel) {
  Target c = t;
  if (t.remote) {
    c.key = JoinKey(t.key, rel);
  } else {
    c.local = (fs::path(t.local) / rel).string();
  }
  return c;
}

void RegisterMirror(CLI::App& app) {
  struct MirrorOpts {
    std::string src, dst;
    bool overwrite = false, remove = false, dry_run = false;
    SseFlags enc;
  };
  auto o = std::make_shared<MirrorOpts>();
  CLI::App* cmd = AddCommand(
      app, "mirror", "Synchronize a folder and a prefix (either way)",
      "  cairn mirror ./site local/www                  # upload new files\n"
      "  cairn mirror --overwrite --remove ./site local/www\n"
      "  cairn mirror local/www ./site-backup           # download\n"
      "  cairn mirror --dry-run ./site local/www        # only show what would change",
      [o](Context& ctx) {
        Status s = ctx.LoadConfigOnce();
        if (!s.ok()) return ctx.out.Fail(s);
        s = UseEncryption(ctx, o->enc, {o->src, o->dst});
        if (!s.ok()) return ctx.out.Fail(s);
        Target src = ctx.Parse(o->src);
        Target dst = ctx.Parse(o->dst);
        if (!src.remote && !dst.remote) {
          return ctx.out.Fail(Status(Code::kInvalidArgument,
                                     "one side must be ALIAS/BUCKET[/PREFIX] (no alias in `" +
                                         o->src + "` or `" + o->dst + "`)"));
        }
        for (const Target* t : {&src, &dst}) {
          if (t->remote && t->bucket.empty()) {
            return ctx.out.Fail(
                Status(Code::kInvalidArgument, "`" + t->Display() + "`: name a bucket"));
          }
        }
        std::map<std::string, Entry> from, to;
        bool src_missing = false, dst_missing = false;
        s = Scan(ctx, src, from, &src_missing);
        if (s.ok() && src_missing)
          s = Status(Code::kNotFound, "`" + Show(src) + "` does not exist");
        if (s.ok()) s = Scan(ctx, dst, to, &dst_missing);
        if (!s.ok()) return ctx.out.Fail(s);
        if (dst_missing && dst.remote && !o->dry_run) {
          auto client = ctx.Client(dst);
          if (client.ok()) s = client->MakeBucket(dst.bucket);
          if (!s.ok()) return ctx.out.Fail(s, dst.Display());
        }
        std::vector<Job> jobs;
        uint64_t total = 0;
        int skipped = 0;
        for (const auto& [rel, e] : from) {
          auto it = to.find(rel);
          if (it != to.end()) {
            bool differs = it->second.size != e.size || it->second.mtime < e.mtime;
            if (!differs) continue;
            if (!o->overwrite) {
              ++skipped;
              ctx.out.Info({{"status", "skipped"},
                            {"target", Show(Child(dst, rel))},
                            {"reason", "exists and differs; use --overwrite"}},
                           "Skipped `" + Show(Child(dst, rel)) +
                               "`: it exists and differs (use --overwrite)");
              continue;
            }
          }
          jobs.push_back({Child(src, rel), Child(dst, rel), e.size});
          total += e.size;
        }
        std::vector<std::string> removals;
        if (o->remove) {
          for (const auto& [rel, e] : to) {
            if (from.count(rel) == 0) removals.push_back(rel);
          }
        }
        if (o->dry_run) {
          for (const auto& job : jobs) {
            ctx.out.Result({{"source", Show(job.src)},
                            {"target", Show(job.dst)},
                            {"size", job.size},
                            {"dryRun", true}},
                           "`" + Show(job.src) + "` -> `" + Show(job.dst) + "` (dry run)");
          }
          for (const auto& rel : removals) {
            ctx.out.Result({{"removed", Show(Child(dst, rel))}, {"dryRun", true}},
                           "Removed `" + Show(Child(dst, rel)) + "` (dry run)");
          }
          return 0;
        }
        Progress progress(ctx.out.ProgressWanted(), total);
        int rc = 0;
        for (const auto& job : jobs) {
          s = Execute(ctx, job, Headers(), progress);
          if (!s.ok()) {
            rc = ctx.out.Fail(s, Show(job.src));
            continue;
          }
          if (!ctx.out.ProgressWanted()) {
            ctx.out.Info({{"source", Show(job.src)}, {"target", Show(job.dst)}, {"size", job.size}},
                         "`" + Show(job.src) + "` -> `" + Show(job.dst) + "`");
          }
        }
        progress.Finish();
        if (!removals.empty()) {
          if (dst.remote) {
            auto client = ctx.Client(dst);
            if (!client.ok()) return ctx.out.Fail(client.status());
            for (size_t i = 0; i < removals.size(); i += 1000) {
              std::vector<std::string> keys;
              for (size_t j = i; j < std::min(removals.size(), i + 1000); ++j) {
                keys.push_back(Child(dst, removals[j]).key);
              }
              auto errors = client->DeleteObjects(dst.bucket, keys);
              if (!errors.ok()) return ctx.out.Fail(errors.status(), dst.Display());
              for (const auto& e : *errors)
                rc = ctx.out.Fail(Status(Code::kIOError, e), dst.Display());
            }
          } else {
            for (const auto& rel : removals) {
              std::error_code ec;
              fs::remove(Child(dst, rel).local, ec);
              if (ec)
                rc = ctx.out.Fail(Status(Code::kIOError, ec.message()), Child(dst, rel).local);
            }
          }
          for (const auto& rel : removals) {
            ctx.out.Info({{"removed", Show(Child(dst, rel))}},
                         "Removed `" + Show(Child(dst, rel)) + "`");
          }
        }
        (void)skipped;
        return rc;
      });
  cmd->add_option("SOURCE", o->src, "folder or ALIAS/BUCKET[/PREFIX]")->required();
  cmd->add_option("TARGET", o->dst, "folder or ALIAS/BUCKET[/PREFIX]")->required();
  cmd->add_flag("--overwrite", o->overwrite, "replace targets that differ from the source");
  cmd->add_flag("--remove", o->remove, "delete targets that are not in the source");
  cmd->add_flag("--dry-run", o->dry_run, "show what would be done, change nothing");
  AddEncryptionFlags(cmd, o->enc, /*writes=*/true);
}

}  // namespace

void RegisterTransferCommands(CLI::App& app) {
  RegisterCp(app);
  RegisterMirror(app);
}

}  // namespace cairn::cli
