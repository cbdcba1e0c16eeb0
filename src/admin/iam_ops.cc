#include "admin/iam_ops.h"

#include <set>

#include "iam/policy/policy.h"

namespace cairn::admin {

namespace {

const std::string& RootKey(const AdminContext& ctx) { return ctx.iam().root_access_key(); }

bool IsOwn(const AdminContext& ctx, const std::string& parent) {
  const iam::Principal& caller = ctx.caller();
  if (caller.service_account) return false;
  const std::string& name = parent.empty() ? RootKey(ctx) : parent;
  return name == caller.user;
}

Status CheckPolicyExists(AdminContext& ctx, const std::string& name) {
  if (iam::policy::CannedPolicy(name) != nullptr) return Status::Ok();
  return ctx.iam().GetPolicy(name).status();
}

Status RefuseCanned(std::string_view name) {
  return Status(Code::kInvalidArgument,
                "policy " + std::string(name) + " is a canned policy and cannot be changed");
}

}  // namespace

Result<bool> ParseEnabled(std::string_view status) {
  if (status == "enabled") return true;
  if (status == "disabled") return false;
  return Status(Code::kInvalidArgument, "status must be enabled or disabled");
}

Status CreateOrResetUser(AdminContext& ctx, const std::string& access_key,
                         const std::string& secret, const std::optional<std::string>& status) {
  std::optional<bool> enabled;
  if (status && !status->empty()) {
    CAIRN_ASSIGN_OR_RETURN(enabled, ParseEnabled(*status));
  }
  CAIRN_RETURN_IF_ERROR(ctx.iam().AddUser(access_key, secret));
  if (enabled) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().SetUserEnabled(access_key, *enabled));
  }
  return Status::Ok();
}

bool IsCannedPolicy(std::string_view name) { return iam::policy::CannedPolicy(name) != nullptr; }

Result<std::string> PolicyText(AdminContext& ctx, const std::string& name) {
  if (IsCannedPolicy(name)) return std::string(iam::policy::CannedPolicyJson(name));
  return ctx.iam().GetPolicy(name);
}

Status PutNamedPolicy(AdminContext& ctx, const std::string& name, const std::string& text) {
  if (IsCannedPolicy(name)) return RefuseCanned(name);
  // kMalformedPolicy with the line and column, or the statement, that is wrong.
  CAIRN_RETURN_IF_ERROR(
      iam::policy::ParsePolicy(text, {iam::policy::PolicyKind::kIdentity}).status());
  return ctx.iam().PutPolicy(name, text);
}

Status DeleteNamedPolicy(AdminContext& ctx, const std::string& name) {
  if (IsCannedPolicy(name)) return RefuseCanned(name);
  return ctx.iam().RemovePolicy(name);
}

Status AttachPoliciesChecked(AdminContext& ctx, const std::vector<std::string>& policies,
                             const std::string& user, const std::string& group) {
  for (const std::string& name : policies) {
    CAIRN_RETURN_IF_ERROR(CheckPolicyExists(ctx, name));
  }
  // IamStore would create a missing group; attaching names an existing one (as MinIO).
  if (!group.empty()) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().GetGroup(group).status());
  }
  return ctx.iam().AttachPolicies(policies, user, group);
}

Status ReplacePolicies(AdminContext& ctx, const std::vector<std::string>& policies,
                       const std::string& user, const std::string& group) {
  for (const std::string& name : policies) {
    CAIRN_RETURN_IF_ERROR(CheckPolicyExists(ctx, name));
  }
  std::vector<std::string> current;
  if (!user.empty()) {
    CAIRN_ASSIGN_OR_RETURN(iam::UserInfo info, ctx.iam().GetUser(user));
    current = info.policies;
  } else {
    CAIRN_ASSIGN_OR_RETURN(iam::GroupInfo info, ctx.iam().GetGroup(group));
    current = info.policies;
  }
  std::set<std::string> wanted(policies.begin(), policies.end());
  std::vector<std::string> stale;
  for (const std::string& name : current) {
    if (!wanted.contains(name)) stale.push_back(name);
  }
  // Attach first: a group left without members and policies would be dropped by the detach.
  if (!policies.empty()) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().AttachPolicies(policies, user, group));
  }
  if (!stale.empty()) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().DetachPolicies(stale, user, group));
  }
  return Status::Ok();
}

Status RequireUnlessOwn(const AdminContext& ctx, const std::string& parent,
                        std::string_view action) {
  if (IsOwn(ctx, parent)) return Status::Ok();
  return ctx.Require(action);
}

Result<iam::ServiceAccountInfo> ServiceAccountFor(AdminContext& ctx, const std::string& access_key,
                                                  std::string_view action) {
  auto account = ctx.iam().GetServiceAccount(access_key);
  if (!account.ok()) {
    CAIRN_RETURN_IF_ERROR(ctx.Require(action));
    return account.status();
  }
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, account->parent, action));
  return account;
}

Result<std::string> SessionPolicyText(const Json* policy) {
  if (policy == nullptr || policy->is_null()) return std::string();
  std::string text;
  if (policy->is_object()) {
    text = policy->dump();
  } else if (policy->is_string()) {
    text = policy->get<std::string>();
  } else {
    return Status(Code::kInvalidArgument, "\"policy\" must be a policy document");
  }
  if (text.empty()) return text;
  CAIRN_RETURN_IF_ERROR(
      iam::policy::ParsePolicy(text, {iam::policy::PolicyKind::kIdentity}).status());
  return text;
}

Result<std::pair<iam::ServiceAccountInfo, auth::Credentials>> CreateServiceAccountChecked(
    AdminContext& ctx, NewServiceAccount request) {
  std::string owner = request.owner.empty() ? ctx.caller().user : request.owner;
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, owner, "admin:CreateServiceAccount"));
  // A key of the root user is beyond every policy: only the root may mint one.
  if (owner == RootKey(ctx) && !ctx.caller().root) {
    return Status(Code::kAccessDenied, "Only the root user may create its service accounts.");
  }
  CAIRN_ASSIGN_OR_RETURN(
      auth::Credentials credentials,
      ctx.iam().AddServiceAccount(owner, request.access_key, request.secret_key, request.policy,
                                  request.name, request.description));
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ctx.iam().GetServiceAccount(credentials.access_key));
  return std::make_pair(std::move(account), std::move(credentials));
}

Result<std::optional<std::string>> UpdatePolicyText(const Json* policy) {
  if (policy == nullptr || policy->is_null()) return std::optional<std::string>();
  Json document = *policy;
  if (document.is_string()) {
    const std::string& text = policy->get_ref<const std::string&>();
    if (text.empty()) return std::optional<std::string>(std::string());
    document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) document = *policy;  // ParsePolicy below names the error
  }
  if (document.is_object()) {
    auto version = document.find("Version");
    auto statement = document.find("Statement");
    bool no_version = version == document.end() || (version->is_string() && version->empty());
    bool no_statement = statement == document.end() || statement->is_null() ||
                        (statement->is_array() && statement->empty());
    // MinIO's rule for an empty document: the key goes back to its parent's rights.
    if (no_version && no_statement) return std::optional<std::string>(std::string());
  }
  CAIRN_ASSIGN_OR_RETURN(std::string text, SessionPolicyText(policy));
  return std::optional<std::string>(std::move(text));
}

Result<TimePoint> ParseExpiration(std::string_view text) {
  // Go's time.Time{} marshals as year 1; MinIO's "no expiry" sentinel is the Unix epoch.
  if (text.starts_with("0001-01-01T00:00:00")) return TimePoint{};
  std::optional<TimePoint> when = ParseIso8601(text);
  if (!when) {
    return Status(Code::kInvalidArgument, "the expiration must be an RFC 3339 time");
  }
  if (ToUnixNanos(*when) == 0) return TimePoint{};
  return *when;
}

Result<iam::ServiceAccountInfo> UpdateServiceAccountChecked(AdminContext& ctx,
                                                            const std::string& access_key,
                                                            const ServiceAccountChanges& changes) {
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ServiceAccountFor(ctx, access_key, "admin:UpdateServiceAccount"));
  // A key of the root user is beyond every policy: a new secret or a cleared policy would hand
  // the root's rights to whoever asked. Only the root may change one.
  if (account.parent.empty() && !ctx.caller().root) {
    return Status(Code::kAccessDenied, "Only the root user may change its service accounts.");
  }
  iam::ServiceAccountUpdate update;
  update.secret = changes.secret_key;
  if (changes.status) {
    const std::string& status = *changes.status;
    if (status == "on" || status == "enabled") {
      update.enabled = true;
    } else if (status == "off" || status == "disabled") {
      update.enabled = false;
    } else {
      return Status(Code::kInvalidArgument, "the status must be on or off");
    }
  }
  update.policy = changes.policy;
  update.name = changes.name;
  update.description = changes.description;
  if (changes.expiration && *changes.expiration != TimePoint{}) {
    TimePoint now = Now();
    if (*changes.expiration < now + std::chrono::minutes(15) ||
        *changes.expiration > now + std::chrono::hours(365 * 24)) {
      return Status(Code::kInvalidArgument,
                    "the expiration must be between 15 minutes and 365 days from now");
    }
  }
  update.expiration = changes.expiration;
  return ctx.iam().UpdateServiceAccount(account.access_key, update);
}

Result<std::vector<iam::ServiceAccountInfo>> ListServiceAccountsChecked(AdminContext& ctx,
                                                                        std::string user) {
  if (user.empty()) user = ctx.caller().user;
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, user, "admin:ListServiceAccounts"));
  if (user != RootKey(ctx)) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().GetUser(user).status());
  }
  return ctx.iam().ListServiceAccounts(user);
}

}  // namespace cairn::admin
