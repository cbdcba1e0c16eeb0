// Service accounts: extra keys of a user, optionally narrowed by their own policy. As in MinIO a
// user manages its own service accounts without any admin action; anything else needs the admin
// action. A service account calling is never "its parent" here: otherwise a narrowed key could
// mint an unnarrowed sibling and escape its policy.
#include "admin/handlers.h"
#include "admin/records_json.h"
#include "iam/policy/policy.h"

namespace cairn::admin {

namespace {

const std::string& RootKey(const AdminContext& ctx) { return ctx.iam().root_access_key(); }

// Whether `parent` (as stored: "" for the root user) is the calling user itself.
bool IsOwn(const AdminContext& ctx, const std::string& parent) {
  const iam::Principal& caller = ctx.caller();
  if (caller.service_account) return false;
  const std::string& name = parent.empty() ? RootKey(ctx) : parent;
  return name == caller.user;
}

Status RequireUnlessOwn(const AdminContext& ctx, const std::string& parent,
                        std::string_view action) {
  if (IsOwn(ctx, parent)) return Status::Ok();
  return ctx.Require(action);
}

// The account named by ?accessKey=, once the caller may see it. An unknown key is
// NoSuchServiceAccount only for callers holding `action`, so others learn nothing from probing.
Result<iam::ServiceAccountInfo> AccountFor(AdminContext& ctx, std::string_view action) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  auto account = ctx.iam().GetServiceAccount(access_key);
  if (!account.ok()) {
    CAIRN_RETURN_IF_ERROR(ctx.Require(action));
    return account.status();
  }
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, account->parent, action));
  return account;
}

// The body's "policy": a JSON object (or its text), checked as an identity policy; "" for none.
Result<std::string> SessionPolicy(const Json& body) {
  auto it = body.find("policy");
  if (it == body.end() || it->is_null()) return std::string();
  std::string text;
  if (it->is_object()) {
    text = it->dump();
  } else if (it->is_string()) {
    text = it->get<std::string>();
  } else {
    return Status(Code::kInvalidArgument, "\"policy\" must be a policy document");
  }
  if (text.empty()) return text;
  CAIRN_RETURN_IF_ERROR(
      iam::policy::ParsePolicy(text, {iam::policy::PolicyKind::kIdentity}).status());
  return text;
}

}  // namespace

Result<Reply> ListServiceAccounts(AdminContext& ctx) {
  std::string user = std::string(ctx.Param("user").value_or(""));
  if (user.empty()) user = ctx.caller().user;
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, user, "admin:ListServiceAccounts"));
  if (user != RootKey(ctx)) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().GetUser(user).status());
  }
  Json accounts = Json::array();
  for (const iam::ServiceAccountInfo& account : ctx.iam().ListServiceAccounts(user)) {
    accounts.push_back(ServiceAccountJson(account, RootKey(ctx)));
  }
  return Reply::Ok(Json{{"serviceAccounts", std::move(accounts)}});
}

Result<Reply> CreateServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> parent, OptionalString(body, "parent"));
  std::string owner = parent.value_or("").empty() ? ctx.caller().user : *parent;
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, owner, "admin:CreateServiceAccount"));
  // A key of the root user is beyond every policy: only the root may mint one.
  if (owner == RootKey(ctx) && !ctx.caller().root) {
    return Status(Code::kAccessDenied, "Only the root user may create its service accounts.");
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> access_key, OptionalString(body, "accessKey"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> secret_key, OptionalString(body, "secretKey"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "name"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> description,
                         OptionalString(body, "description"));
  CAIRN_ASSIGN_OR_RETURN(std::string policy, SessionPolicy(body));
  CAIRN_ASSIGN_OR_RETURN(
      auth::Credentials credentials,
      ctx.iam().AddServiceAccount(owner, access_key.value_or(""), secret_key.value_or(""), policy,
                                  name.value_or(""), description.value_or("")));
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ctx.iam().GetServiceAccount(credentials.access_key));
  // The only reply that carries a secret.
  Json reply{{"accessKey", credentials.access_key}, {"secretKey", credentials.secret_key}};
  Json described = ServiceAccountJson(account, RootKey(ctx));
  for (auto& [field, value] : described.items()) {
    if (field != "accessKey") reply[field] = std::move(value);
  }
  return Reply::Ok(std::move(reply));
}

Result<Reply> GetServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         AccountFor(ctx, "admin:ListServiceAccounts"));
  return Reply::Ok(ServiceAccountJson(account, RootKey(ctx)));
}

Result<Reply> DeleteServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         AccountFor(ctx, "admin:RemoveServiceAccount"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveServiceAccount(account.access_key));
  return Reply::NoContent();
}

}  // namespace cairn::admin
