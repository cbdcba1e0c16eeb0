// Bucket lifecycle rules, mc's way: `ilm rule add|ls|rm|export|import ALIAS/BUCKET`. The rules
// travel as mc's JSON (cli/lifecycle.h); every change reads the bucket's configuration, edits
// it and writes it back whole, as S3 has no per-rule call.
#include <iostream>
#include <iterator>

#include "cli/commands_internal.h"
#include "cli/lifecycle.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

struct IlmOpts {
  std::string target;
  RuleFlags rule;
  std::string id;  // rm
  bool all = false;
  bool force = false;
  int64_t expire_days = 0, noncurrent_days = 0, noncurrent_newer = 0, size_lt = 0, size_gt = -1;
};

// The bucket of ALIAS/BUCKET, its client, and its current rules ({"Rules": []} when none).
struct Bucket {
  Target target;
  S3Client client;
  Json config;
  bool exists = false;  // the bucket has a lifecycle configuration
};

Result<Bucket> OpenBucket(Context& ctx, const std::string& arg) {
  CAIRN_ASSIGN_OR_RETURN(Target t, ctx.Remote(arg));
  if (t.bucket.empty() || !t.key.empty()) {
    return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET");
  }
  CAIRN_ASSIGN_OR_RETURN(S3Client client, ctx.Client(t));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> xml, client.GetBucketLifecycle(t.bucket));
  Bucket b{std::move(t), std::move(client), Json{{"Rules", Json::array()}}, xml.has_value()};
  if (xml) {
    CAIRN_ASSIGN_OR_RETURN(b.config, LifecycleJsonFromXml(*xml));
  }
  return b;
}

Status Store(const Bucket& b, const Json& config) {
  if (config["Rules"].empty()) return b.client.DeleteBucketLifecycle(b.target.bucket);
  CAIRN_ASSIGN_OR_RETURN(std::string xml, LifecycleXmlFromJson(config));
  return b.client.PutBucketLifecycle(b.target.bucket, xml);
}

int Add(Context& ctx, IlmOpts& o) {
  RuleFlags flags = o.rule;
  if (o.expire_days > 0) flags.expire_days = o.expire_days;
  if (o.noncurrent_days > 0) flags.noncurrent_expire_days = o.noncurrent_days;
  if (o.noncurrent_newer > 0) flags.noncurrent_expire_newer = o.noncurrent_newer;
  if (o.size_lt > 0) flags.size_lt = o.size_lt;
  if (o.size_gt >= 0) flags.size_gt = o.size_gt;
  Result<Json> rule = RuleFromFlags(flags);
  if (!rule.ok()) return ctx.out.Fail(rule.status(), o.target);
  Result<Bucket> b = OpenBucket(ctx, o.target);
  if (!b.ok()) return ctx.out.Fail(b.status(), o.target);
  std::string id = (*rule)["ID"].get<std::string>();
  for (const Json& existing : b->config["Rules"]) {
    if (existing.value("ID", "") == id) {
      return ctx.out.Fail(Status(Code::kInvalidArgument, "a rule with ID `" + id + "` exists"),
                          o.target);
    }
  }
  b->config["Rules"].push_back(*rule);
  Status s = Store(*b, b->config);
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  std::string name = b->target.Display();
  ctx.out.Result({{"status", "success"}, {"target", name}, {"ilmID", id}},
                 "Lifecycle configuration rule added with ID `" + id + "` to " + name + ".");
  return 0;
}

int List(Context& ctx, IlmOpts& o) {
  Result<Bucket> b = OpenBucket(ctx, o.target);
  if (!b.ok()) return ctx.out.Fail(b.status(), o.target);
  if (!b->exists) {
    return ctx.out.Fail(Status(Code::kNotFound, "the lifecycle configuration does not exist"),
                        o.target);
  }
  ctx.out.Result({{"status", "success"}, {"target", b->target.Display()}, {"config", b->config}},
                 LifecycleTable(b->config));
  return 0;
}

int Remove(Context& ctx, IlmOpts& o) {
  if (o.all == !o.id.empty()) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "give --id ID, or --all --force"), o.target);
  }
  if (o.all && !o.force) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "removing every rule needs --force"),
                        o.target);
  }
  Result<Bucket> b = OpenBucket(ctx, o.target);
  if (!b.ok()) return ctx.out.Fail(b.status(), o.target);
  std::string name = b->target.Display();
  if (o.all) {
    Status s = b->client.DeleteBucketLifecycle(b->target.bucket);
    if (!s.ok()) return ctx.out.Fail(s, o.target);
    ctx.out.Result({{"status", "success"}, {"target", name}, {"all", true}},
                   "Rules for `" + name + "` removed.");
    return 0;
  }
  Json kept = Json::array();
  bool found = false;
  for (const Json& rule : b->config["Rules"]) {
    if (rule.value("ID", "") == o.id) {
      found = true;
    } else {
      kept.push_back(rule);
    }
  }
  if (!found) {
    return ctx.out.Fail(Status(Code::kNotFound, "no rule with ID `" + o.id + "`"), o.target);
  }
  Json config = b->config;
  config["Rules"] = kept;
  Status s = Store(*b, config);
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  ctx.out.Result({{"status", "success"}, {"target", name}, {"ilmID", o.id}},
                 "Rule ID `" + o.id + "` from target " + name + " removed.");
  return 0;
}

int Export(Context& ctx, IlmOpts& o) {
  Result<Bucket> b = OpenBucket(ctx, o.target);
  if (!b.ok()) return ctx.out.Fail(b.status(), o.target);
  if (!b->exists) {
    return ctx.out.Fail(Status(Code::kNotFound, "the lifecycle configuration does not exist"),
                        o.target);
  }
  // mc prints the configuration itself, with or without --json.
  std::cout << b->config.dump(1, ' ') << "\n";
  return 0;
}

int Import(Context& ctx, IlmOpts& o) {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  Json config = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "standard input is not JSON"), o.target);
  }
  Result<std::string> xml = LifecycleXmlFromJson(config);
  if (!xml.ok()) return ctx.out.Fail(xml.status(), o.target);
  Result<Target> t = ctx.Remote(o.target);
  if (!t.ok()) return ctx.out.Fail(t.status(), o.target);
  if (t->bucket.empty() || !t->key.empty()) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET"), o.target);
  }
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), o.target);
  Status s = client->PutBucketLifecycle(t->bucket, *xml);
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  std::string name = t->Display();
  ctx.out.Result({{"status", "success"}, {"target", name}},
                 "Lifecycle configuration imported successfully to `" + name + "`.");
  return 0;
}

}  // namespace

void RegisterIlmCommands(CLI::App& app) {
  CLI::App* ilm = AddGroup(app, "ilm", "Manage bucket lifecycle rules");
  CLI::App* rule = AddGroup(*ilm, "rule", "Add, list, remove, export and import lifecycle rules");

  auto add = std::make_shared<IlmOpts>();
  CLI::App* cmd = AddCommand(
      *rule, "add", "Add a lifecycle rule to a bucket",
      "  cairn ilm rule add --expire-days 30 --prefix temp/ local/uploads\n"
      "  cairn ilm rule add --noncurrent-expire-days 7 --noncurrent-expire-newer 3 local/docs\n"
      "  cairn ilm rule add --expire-delete-marker local/docs\n"
      "  cairn ilm rule add --expire-days 365 --tags \"class=temp\" --size-gt 1048576 local/media",
      [add](Context& ctx) { return Add(ctx, *add); });
  cmd->add_option("TARGET", add->target, "ALIAS/BUCKET")->required();
  cmd->add_option("--id", add->rule.id, "the rule's ID (default: generated)");
  cmd->add_option("--prefix", add->rule.prefix, "objects under this prefix");
  cmd->add_option("--tags", add->rule.tags, "objects with these tags: \"k1=v1&k2=v2\"");
  cmd->add_option("--expire-days", add->expire_days, "expire current versions after N days");
  cmd->add_option("--expire-date", add->rule.expire_date, "expire current versions on YYYY-MM-DD");
  cmd->add_flag("--expire-delete-marker", add->rule.expire_delete_marker,
                "remove delete markers that are the only version left");
  cmd->add_option("--noncurrent-expire-days", add->noncurrent_days,
                  "remove noncurrent versions N days after they became noncurrent");
  cmd->add_option("--noncurrent-expire-newer", add->noncurrent_newer,
                  "keep this many newer noncurrent versions");
  cmd->add_option("--size-lt", add->size_lt, "objects smaller than N bytes");
  cmd->add_option("--size-gt", add->size_gt, "objects larger than N bytes");
  cmd->add_flag("--disable", add->rule.disable, "add the rule as Disabled");

  auto ls = std::make_shared<IlmOpts>();
  cmd = AddCommand(*rule, "ls", "List a bucket's lifecycle rules",
                   "  cairn ilm rule ls local/uploads\n  cairn ilm rule ls --json local/uploads",
                   [ls](Context& ctx) { return List(ctx, *ls); });
  cmd->add_option("TARGET", ls->target, "ALIAS/BUCKET")->required();

  auto rm = std::make_shared<IlmOpts>();
  cmd = AddCommand(*rule, "rm", "Remove a lifecycle rule, or every rule",
                   "  cairn ilm rule rm --id temp-30d local/uploads\n"
                   "  cairn ilm rule rm --all --force local/uploads",
                   [rm](Context& ctx) { return Remove(ctx, *rm); });
  cmd->add_option("TARGET", rm->target, "ALIAS/BUCKET")->required();
  cmd->add_option("--id", rm->id, "the rule to remove");
  cmd->add_flag("--all", rm->all, "remove every rule");
  cmd->add_flag("--force", rm->force, "confirm --all");

  auto exp = std::make_shared<IlmOpts>();
  cmd = AddCommand(*rule, "export", "Print a bucket's lifecycle configuration as JSON",
                   "  cairn ilm rule export local/uploads > uploads-ilm.json",
                   [exp](Context& ctx) { return Export(ctx, *exp); });
  cmd->add_option("TARGET", exp->target, "ALIAS/BUCKET")->required();

  auto imp = std::make_shared<IlmOpts>();
  cmd =
      AddCommand(*rule, "import", "Replace a bucket's lifecycle configuration with JSON from stdin",
                 "  cairn ilm rule import local/uploads < uploads-ilm.json",
                 [imp](Context& ctx) { return Import(ctx, *imp); });
  cmd->add_option("TARGET", imp->target, "ALIAS/BUCKET")->required();
}

}  // namespace cairn::cli
