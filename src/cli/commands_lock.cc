// Object lock, mc's way: `retention set|info|clear [--default] ALIAS/BUCKET[/KEY]` (a bucket's
// default retention, or one version's retention) and `legalhold set|info|clear
// ALIAS/BUCKET/KEY`, with `--version-id` for one version and `--bypass` for GOVERNANCE.
#include <cctype>
#include <charconv>
#include <sstream>
#include <tuple>

#include <pugixml.hpp>

#include "cli/commands_internal.h"
#include "common/headers.h"
#include "common/time.h"

namespace cairn::cli {
namespace {

struct LockOpts {
  std::string mode;      // retention set
  std::string validity;  // retention set: "30d", "1y"
  std::string target;
  std::string version_id;
  bool default_retention = false;
  bool bypass = false;
};

struct Validity {
  int count = 0;
  bool years = false;
};

Result<Validity> ParseValidity(std::string_view text) {
  Validity v;
  if (text.size() < 2) return Status(Code::kInvalidArgument, "validity must be like 30d or 1y");
  char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
  if (unit != 'd' && unit != 'y') {
    return Status(Code::kInvalidArgument, "validity must be like 30d or 1y");
  }
  v.years = unit == 'y';
  std::string_view digits = text.substr(0, text.size() - 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v.count);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || v.count <= 0) {
    return Status(Code::kInvalidArgument, "validity must be a positive count of days or years");
  }
  return v;
}

Result<std::string> ParseMode(std::string_view text) {
  std::string mode = ToUpper(text);
  if (mode != "GOVERNANCE" && mode != "COMPLIANCE") {
    return Status(Code::kInvalidArgument, "mode must be governance or compliance");
  }
  return mode;
}

std::string Text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

// The target, and whether it names the bucket's default (no key, or --default).
Result<Target> LockTarget(Context& ctx, const LockOpts& o, bool object_only) {
  CAIRN_ASSIGN_OR_RETURN(Target t, ctx.Remote(o.target));
  if (t.bucket.empty()) return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET[/KEY]");
  if (object_only && t.key.empty()) {
    return Status(Code::kInvalidArgument, "name an object: ALIAS/BUCKET/KEY");
  }
  if (o.default_retention && !t.key.empty()) {
    return Status(Code::kInvalidArgument, "--default sets a bucket's default: ALIAS/BUCKET");
  }
  if (!o.version_id.empty() && t.key.empty()) {
    return Status(Code::kInvalidArgument, "--version-id names a version of an object");
  }
  return t;
}

std::string LockConfigurationXml(const std::string& mode, const Validity* v) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ObjectLockConfiguration");
  root.append_attribute("xmlns").set_value("http://s3.amazonaws.com/doc/2006-03-01/");
  root.append_child("ObjectLockEnabled").text().set("Enabled");
  if (v != nullptr) {
    pugi::xml_node def = root.append_child("Rule").append_child("DefaultRetention");
    def.append_child("Mode").text().set(mode.c_str());
    def.append_child(v->years ? "Years" : "Days").text().set(v->count);
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string RetentionXml(const std::string& mode, TimePoint until) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Retention");
  root.append_attribute("xmlns").set_value("http://s3.amazonaws.com/doc/2006-03-01/");
  if (!mode.empty()) {
    root.append_child("Mode").text().set(mode.c_str());
    root.append_child("RetainUntilDate").text().set(FormatIso8601(until).c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

enum class Op { kSet, kInfo, kClear };

int RunRetention(Context& ctx, const LockOpts& o, Op op) {
  Result<Target> t = LockTarget(ctx, o, false);
  if (!t.ok()) return ctx.out.Fail(t.status(), o.target);
  std::string mode;
  Validity validity;
  if (op == Op::kSet) {
    Result<std::string> m = ParseMode(o.mode);
    if (!m.ok()) return ctx.out.Fail(m.status());
    mode = *m;
    Result<Validity> v = ParseValidity(o.validity);
    if (!v.ok()) return ctx.out.Fail(v.status());
    validity = *v;
  }
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), o.target);
  client->set_bypass_governance(o.bypass);
  const std::string name = t->Display();
  nlohmann::json json = {{"name", name}};
  if (!o.version_id.empty()) json["versionID"] = o.version_id;

  if (t->key.empty()) {  // the bucket's default retention
    if (op == Op::kInfo) {
      auto doc = client->GetLockDocument(t->bucket, "", "", "object-lock");
      if (!doc.ok()) return ctx.out.Fail(doc.status(), o.target);
      if (!*doc) {
        json["enabled"] = "";
        ctx.out.Result(json, "Object locking is not enabled for `" + name + "`.");
        return 0;
      }
      pugi::xml_document xml;
      xml.load_string((*doc)->c_str());
      pugi::xml_node root = xml.child("ObjectLockConfiguration");
      pugi::xml_node def = root.child("Rule").child("DefaultRetention");
      json["enabled"] = Text(root, "ObjectLockEnabled");
      if (!def) {
        ctx.out.Result(json,
                       "Object locking is enabled for `" + name + "`, with no default retention.");
        return 0;
      }
      std::string days = Text(def, "Days"), years = Text(def, "Years");
      std::string shown = !days.empty() ? days + "DAYS" : years + "YEARS";
      json["mode"] = Text(def, "Mode");
      json["validity"] = shown;
      ctx.out.Result(
          json, "Default retention of `" + name + "`: " + Text(def, "Mode") + " " + shown + ".");
      return 0;
    }
    std::string xml = LockConfigurationXml(mode, op == Op::kSet ? &validity : nullptr);
    Status s = client->PutLockDocument(t->bucket, "", "", "object-lock", xml);
    if (!s.ok()) return ctx.out.Fail(s, o.target);
    ctx.out.Result(json,
                   op == Op::kSet
                       ? "Object lock configuration set successfully for `" + name + "`."
                       : "Object lock configuration cleared successfully for `" + name + "`.");
    return 0;
  }

  if (op == Op::kInfo) {
    auto doc = client->GetLockDocument(t->bucket, t->key, o.version_id, "retention");
    if (!doc.ok()) return ctx.out.Fail(doc.status(), o.target);
    if (!*doc) {
      json["mode"] = "";
      ctx.out.Result(json, "`" + name + "` has no retention.");
      return 0;
    }
    pugi::xml_document xml;
    xml.load_string((*doc)->c_str());
    pugi::xml_node root = xml.child("Retention");
    json["mode"] = Text(root, "Mode");
    json["until"] = Text(root, "RetainUntilDate");
    ctx.out.Result(json, "`" + name + "` " + Text(root, "Mode") + ", retained until " +
                             Text(root, "RetainUntilDate") + ".");
    return 0;
  }
  TimePoint until{};
  if (op == Op::kSet) {
    int64_t days = validity.years ? 365LL * validity.count : validity.count;
    until = Now() + std::chrono::hours(24 * days);
  }
  Status s = client->PutLockDocument(t->bucket, t->key, o.version_id, "retention",
                                     RetentionXml(op == Op::kSet ? mode : "", until));
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  if (op == Op::kSet) {
    json["mode"] = mode;
    json["until"] = FormatIso8601(until);
  }
  ctx.out.Result(json, op == Op::kSet
                           ? "Object retention successfully set for `" + name + "`."
                           : "Object retention successfully cleared for `" + name + "`.");
  return 0;
}

int RunLegalHold(Context& ctx, const LockOpts& o, Op op) {
  Result<Target> t = LockTarget(ctx, o, true);
  if (!t.ok()) return ctx.out.Fail(t.status(), o.target);
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), o.target);
  const std::string name = t->Display();
  nlohmann::json json = {{"name", name}};
  if (!o.version_id.empty()) json["versionID"] = o.version_id;
  if (op == Op::kInfo) {
    auto doc = client->GetLockDocument(t->bucket, t->key, o.version_id, "legal-hold");
    if (!doc.ok()) return ctx.out.Fail(doc.status(), o.target);
    std::string status = "OFF";
    if (*doc) {
      pugi::xml_document xml;
      xml.load_string((*doc)->c_str());
      status = Text(xml.child("LegalHold"), "Status");
    }
    json["legalhold"] = status;
    ctx.out.Result(json, "`" + name + "` legal hold " + status + ".");
    return 0;
  }
  const bool on = op == Op::kSet;
  std::string xml = std::string("<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">") +
                    "<Status>" + (on ? "ON" : "OFF") + "</Status></LegalHold>";
  Status s = client->PutLockDocument(t->bucket, t->key, o.version_id, "legal-hold", xml);
  if (!s.ok()) return ctx.out.Fail(s, o.target);
  json["legalhold"] = on ? "ON" : "OFF";
  ctx.out.Result(json, on ? "Object legal hold successfully set for `" + name + "`."
                          : "Object legal hold successfully cleared for `" + name + "`.");
  return 0;
}

void AddCommon(CLI::App* cmd, LockOpts& o, bool with_default) {
  cmd->add_option("--version-id,--vid", o.version_id, "a version of the object (default: latest)");
  if (with_default) {
    cmd->add_flag("--default", o.default_retention, "the bucket's default retention");
  }
}

}  // namespace

void RegisterLockCommands(CLI::App& app) {
  CLI::App* group = AddGroup(app, "retention", "Set, show and clear object lock retention");
  auto set = std::make_shared<LockOpts>();
  CLI::App* cmd = AddCommand(
      *group, "set", "Set a version's retention, or a bucket's default retention",
      "  cairn retention set --default governance 30d local/records\n"
      "  cairn retention set compliance 1y local/records/exam.mp4\n"
      "  cairn retention set --bypass governance 1d --version-id VID local/records/a.pdf",
      [set](Context& ctx) { return RunRetention(ctx, *set, Op::kSet); });
  cmd->add_option("MODE", set->mode, "governance or compliance")->required();
  cmd->add_option("VALIDITY", set->validity, "Nd (days) or Ny (years), e.g. 30d, 1y")->required();
  cmd->add_option("TARGET", set->target, "ALIAS/BUCKET[/KEY]")->required();
  cmd->add_flag("--bypass", set->bypass, "shorten a GOVERNANCE retention");
  AddCommon(cmd, *set, true);

  auto info = std::make_shared<LockOpts>();
  cmd = AddCommand(*group, "info", "Show a version's retention or a bucket's default",
                   "  cairn retention info local/records/exam.mp4\n"
                   "  cairn retention info --default local/records",
                   [info](Context& ctx) { return RunRetention(ctx, *info, Op::kInfo); });
  cmd->add_option("TARGET", info->target, "ALIAS/BUCKET[/KEY]")->required();
  AddCommon(cmd, *info, true);

  auto clear = std::make_shared<LockOpts>();
  cmd = AddCommand(*group, "clear", "Clear a version's retention or a bucket's default",
                   "  cairn retention clear --default local/records\n"
                   "  cairn retention clear --bypass local/records/draft.pdf",
                   [clear](Context& ctx) { return RunRetention(ctx, *clear, Op::kClear); });
  cmd->add_option("TARGET", clear->target, "ALIAS/BUCKET[/KEY]")->required();
  cmd->add_flag("--bypass", clear->bypass, "clear a GOVERNANCE retention");
  AddCommon(cmd, *clear, true);

  group = AddGroup(app, "legalhold", "Set, show and clear the legal hold of an object version");
  for (auto [name, op, what] :
       {std::tuple{"set", Op::kSet, "Put a version under legal hold"},
        std::tuple{"info", Op::kInfo, "Show whether a version is under legal hold"},
        std::tuple{"clear", Op::kClear, "Lift a version's legal hold"}}) {
    auto o = std::make_shared<LockOpts>();
    cmd = AddCommand(*group, name, what,
                     std::string("  cairn legalhold ") + name + " local/records/exam.mp4",
                     [o, op = op](Context& ctx) { return RunLegalHold(ctx, *o, op); });
    cmd->add_option("TARGET", o->target, "ALIAS/BUCKET/KEY")->required();
    AddCommon(cmd, *o, false);
  }
}

}  // namespace cairn::cli
