// Tags on objects and buckets, mc's way: `tag set|list|remove ALIAS/BUCKET[/KEY]`, with
// `--version-id` (`--vid`) for one version of an object.
#include "cli/commands_internal.h"
#include "cli/tags.h"

namespace cairn::cli {
namespace {

struct TagOpts {
  std::string target;
  std::string tags;  // set only
  std::string version_id;
};

// The target's bucket and key; a version id only for an object.
Status CheckTarget(const Target& t, const TagOpts& o) {
  if (t.bucket.empty()) {
    return Status(Code::kInvalidArgument, "name a bucket or an object: ALIAS/BUCKET[/KEY]");
  }
  if (!o.version_id.empty() && t.key.empty()) {
    return Status(Code::kInvalidArgument,
                  "--version-id names a version of an object, not a bucket");
  }
  return Status::Ok();
}

nlohmann::json TagJson(const TagList& tags) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

enum class TagOp { kSet, kList, kRemove };

int RunTag(Context& ctx, const TagOpts& o, TagOp op) {
  Result<Target> t = ctx.Remote(o.target);
  if (!t.ok()) return ctx.out.Fail(t.status(), o.target);
  Status s = CheckTarget(*t, o);
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  TagList tags;
  if (op == TagOp::kSet) {
    Result<TagList> parsed = ParseTagsArgument(o.tags);
    if (!parsed.ok()) return ctx.out.Fail(parsed.status(), o.target);
    tags = std::move(parsed).value();
  }
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), o.target);
  std::string name = t->Display();
  nlohmann::json json = {{"name", name}};
  if (!o.version_id.empty()) json["versionID"] = o.version_id;
  switch (op) {
    case TagOp::kSet:
      s = client->PutTags(t->bucket, t->key, o.version_id, tags);
      if (!s.ok()) return ctx.out.Fail(s, o.target);
      ctx.out.Result(json, "Tags set for " + name + ".");
      return 0;
    case TagOp::kRemove:
      s = client->DeleteTags(t->bucket, t->key, o.version_id);
      if (!s.ok()) return ctx.out.Fail(s, o.target);
      ctx.out.Result(json, "Tags removed for " + name + ".");
      return 0;
    case TagOp::kList: {
      Result<TagList> got = client->GetTags(t->bucket, t->key, o.version_id);
      if (!got.ok()) return ctx.out.Fail(got.status(), o.target);
      json["tagset"] = TagJson(*got);
      ctx.out.Result(json, TagListText(name, *got));
      return 0;
    }
  }
  return 1;
}

void AddVersionOption(CLI::App* cmd, TagOpts& o) {
  cmd->add_option("--version-id,--vid", o.version_id, "a version of the object (default: latest)");
}

}  // namespace

void RegisterTagCommands(CLI::App& app) {
  CLI::App* group = AddGroup(app, "tag", "Set, list and remove tags of objects and buckets");

  auto set = std::make_shared<TagOpts>();
  CLI::App* cmd =
      AddCommand(*group, "set", "Replace the tags of an object or a bucket",
                 "  cairn tag set local/photos/a.jpg \"team=media&class=public\"\n"
                 "  cairn tag set --version-id VID local/photos/a.jpg \"class=archived\"\n"
                 "  cairn tag set local/photos \"owner=ana\"",
                 [set](Context& ctx) { return RunTag(ctx, *set, TagOp::kSet); });
  cmd->add_option("TARGET", set->target, "ALIAS/BUCKET[/KEY]")->required();
  cmd->add_option("TAGS", set->tags, "\"k1=v1&k2=v2\" (URL-encoded)")->required();
  AddVersionOption(cmd, *set);

  auto list = std::make_shared<TagOpts>();
  cmd = AddCommand(*group, "list", "Show the tags of an object or a bucket",
                   "  cairn tag list local/photos/a.jpg\n"
                   "  cairn tag list --json local/photos",
                   [list](Context& ctx) { return RunTag(ctx, *list, TagOp::kList); });
  cmd->add_option("TARGET", list->target, "ALIAS/BUCKET[/KEY]")->required();
  AddVersionOption(cmd, *list);

  auto remove = std::make_shared<TagOpts>();
  cmd = AddCommand(*group, "remove", "Remove every tag of an object or a bucket",
                   "  cairn tag remove local/photos/a.jpg\n"
                   "  cairn tag remove --version-id VID local/photos/a.jpg",
                   [remove](Context& ctx) { return RunTag(ctx, *remove, TagOp::kRemove); });
  cmd->add_option("TARGET", remove->target, "ALIAS/BUCKET[/KEY]")->required();
  AddVersionOption(cmd, *remove);
}

}  // namespace cairn::cli
