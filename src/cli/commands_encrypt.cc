// Encryption from the client, mc's way: the --enc-s3 / --enc-kms / --enc-c flags of the transfer
// commands, and `encrypt set|info|clear` over Put/Get/DeleteBucketEncryption.
#include <algorithm>

#include "cli/commands_internal.h"
#include "cli/encryption.h"

namespace cairn::cli {

void AddEncryptionFlags(CLI::App* cmd, SseFlags& flags, bool writes) {
  auto repeatable = [](CLI::Option* opt) {
    // One value per occurrence, any number of occurrences (and commas inside a value).
    opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  };
  if (writes) {
    repeatable(cmd->add_option("--enc-s3", flags.s3,
                               "SSE-S3 for objects under \"ALIAS/BUCKET/PREFIX\" (repeatable)"));
    repeatable(
        cmd->add_option("--enc-kms", flags.kms,
                        "SSE-KMS for objects under \"ALIAS/BUCKET/PREFIX=KEY-ID\" (repeatable)"));
  }
  repeatable(cmd->add_option("--enc-c", flags.customer,
                             "SSE-C for objects under \"ALIAS/BUCKET/PREFIX=KEY\", the 32-byte key "
                             "as base64 or 64 hex digits (repeatable)"));
}

Status UseEncryption(Context& ctx, const SseFlags& flags, const std::vector<std::string>& args) {
  if (flags.empty()) return Status::Ok();
  auto rules = SseRules::Parse(flags);
  if (!rules.ok()) return rules.status();
  CAIRN_RETURN_IF_ERROR(ctx.LoadConfigOnce());
  CAIRN_RETURN_IF_ERROR(
      rules->CheckAgainst(args, [&ctx](std::string_view name) { return ctx.IsAlias(name); }));
  ctx.set_encryption(std::make_shared<const SseRules>(std::move(rules).value()));
  return Status::Ok();
}

namespace {

struct EncryptOpts {
  std::vector<std::string> args;  // set: ALGORITHM [KEY-ID] TARGET; info, clear: TARGET
};

// The bucket of an `encrypt` target, or the error to report.
Result<Target> BucketTarget(Context& ctx, const std::string& arg) {
  Result<Target> t = ctx.Remote(arg);
  if (!t.ok()) return t.status();
  if (t->bucket.empty()) return Status(Code::kInvalidArgument, "name a bucket: ALIAS/BUCKET");
  return t;
}

int RunSet(Context& ctx, const EncryptOpts& o) {
  if (o.args.size() < 2 || o.args.size() > 3) {
    return ctx.out.Fail(Status(Code::kInvalidArgument,
                               "usage: cairn encrypt set sse-s3|sse-kms [KEY-ID] ALIAS/BUCKET"));
  }
  std::string algorithm = ToLower(o.args[0]);
  std::string key_id = o.args.size() == 3 ? o.args[1] : "";
  const std::string& arg = o.args.back();
  if (algorithm != "sse-s3" && algorithm != "sse-kms") {
    return ctx.out.Fail(
        Status(Code::kInvalidArgument, "Invalid encryption algorithm: unknown argument `" +
                                           o.args[0] + "` passed (sse-s3 or sse-kms)"));
  }
  if (algorithm == "sse-s3" && !key_id.empty()) {
    return ctx.out.Fail(
        Status(Code::kInvalidArgument, "sse-s3 takes no key id (use sse-kms KEY-ID)"));
  }
  Result<Target> t = BucketTarget(ctx, arg);
  if (!t.ok()) return ctx.out.Fail(t.status(), arg);
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), arg);
  BucketEncryption config{algorithm == "sse-s3" ? "AES256" : "aws:kms", key_id};
  Status s = client->PutBucketEncryption(t->bucket, config);
  if (!s.ok())
    return ctx.out.Fail(Status(s.code(), "Unable to enable auto encryption: " + s.message()), arg);
  nlohmann::json encryption = {{"algorithm", algorithm}};
  if (!key_id.empty()) encryption["keyId"] = key_id;
  ctx.out.Result({{"op", "set"}, {"url", arg}, {"encryption", encryption}},
                 "Auto encryption configuration has been set successfully for " + arg);
  return 0;
}

int RunInfo(Context& ctx, const EncryptOpts& o) {
  if (o.args.size() != 1) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "usage: cairn encrypt info ALIAS/BUCKET"));
  }
  const std::string& arg = o.args[0];
  Result<Target> t = BucketTarget(ctx, arg);
  if (!t.ok()) return ctx.out.Fail(t.status(), arg);
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), arg);
  auto config = client->GetBucketEncryption(t->bucket);
  if (!config.ok()) {
    return ctx.out.Fail(
        Status(config.status().code(), "Cannot get encryption info: " + config.status().message()),
        arg);
  }
  nlohmann::json encryption = nlohmann::json::object();
  std::string text;
  if (!config->has_value()) {
    text = "Auto encryption is not enabled for " + arg;
  } else {
    const BucketEncryption& c = **config;
    encryption["algorithm"] = c.algorithm;
    text = "Auto encryption configuration:\n\tAlgorithm: " + ToUpper(c.algorithm);
    if (!c.kms_key_id.empty()) {
      encryption["keyId"] = c.kms_key_id;
      text += "\n\tKey ID   : " + c.kms_key_id;
    }
  }
  ctx.out.Result({{"op", "info"}, {"url", arg}, {"encryption", encryption}}, text);
  return 0;
}

int RunClear(Context& ctx, const EncryptOpts& o) {
  if (o.args.size() != 1) {
    return ctx.out.Fail(Status(Code::kInvalidArgument, "usage: cairn encrypt clear ALIAS/BUCKET"));
  }
  const std::string& arg = o.args[0];
  Result<Target> t = BucketTarget(ctx, arg);
  if (!t.ok()) return ctx.out.Fail(t.status(), arg);
  auto client = ctx.Client(*t);
  if (!client.ok()) return ctx.out.Fail(client.status(), arg);
  Status s = client->DeleteBucketEncryption(t->bucket);
  if (!s.ok()) {
    return ctx.out.Fail(
        Status(s.code(), "Unable to clear auto encryption configuration: " + s.message()), arg);
  }
  ctx.out.Result({{"op", "clear"}, {"url", arg}},
                 "Auto encryption configuration has been cleared successfully for " + arg);
  return 0;
}

}  // namespace

void RegisterEncryptCommands(CLI::App& app) {
  CLI::App* group =
      AddGroup(app, "encrypt", "Set, show and clear the default encryption of a bucket");

  auto set = std::make_shared<EncryptOpts>();
  CLI::App* cmd = AddCommand(*group, "set", "Set a bucket's default encryption (SSE-S3 or SSE-KMS)",
                             "  cairn encrypt set sse-s3 local/notes\n"
                             "  cairn encrypt set sse-kms my-key local/recordings",
                             [set](Context& ctx) { return RunSet(ctx, *set); });
  cmd->add_option("ARGS", set->args, "sse-s3|sse-kms [KEY-ID] ALIAS/BUCKET")->required();

  auto info = std::make_shared<EncryptOpts>();
  cmd = AddCommand(*group, "info", "Show a bucket's default encryption",
                   "  cairn encrypt info local/notes",
                   [info](Context& ctx) { return RunInfo(ctx, *info); });
  cmd->add_option("TARGET", info->args, "ALIAS/BUCKET")->required();

  auto clear = std::make_shared<EncryptOpts>();
  cmd = AddCommand(*group, "clear", "Remove a bucket's default encryption",
                   "  cairn encrypt clear local/notes",
                   [clear](Context& ctx) { return RunClear(ctx, *clear); });
  cmd->add_option("TARGET", clear->args, "ALIAS/BUCKET")->required();
}

}  // namespace cairn::cli
