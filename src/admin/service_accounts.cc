// Service accounts: extra keys of a user, optionally narrowed by their own policy. As in MinIO a
// user manages its own service accounts without any admin action; anything else needs the admin
// action. A service account calling is never "its parent" here: otherwise a narrowed key could
// mint an unnarrowed sibling and escape its policy.
#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"

namespace cairn::admin {

namespace {

const std::string& RootKey(const AdminContext& ctx) { return ctx.iam().root_access_key(); }

// The account named by ?accessKey=, once the caller may see it with `action`.
Result<iam::ServiceAccountInfo> AccountFor(AdminContext& ctx, std::string_view action) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  return ServiceAccountFor(ctx, access_key, action);
}

}  // namespace

Result<Reply> ListServiceAccounts(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(
      std::vector<iam::ServiceAccountInfo> listed,
      ListServiceAccountsChecked(ctx, std::string(ctx.Param("user").value_or(""))));
  Json accounts = Json::array();
  for (const iam::ServiceAccountInfo& account : listed) {
    accounts.push_back(ServiceAccountJson(account, RootKey(ctx)));
  }
  return Reply::Ok(Json{{"serviceAccounts", std::move(accounts)}});
}

Result<Reply> CreateServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  NewServiceAccount request;
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> parent, OptionalString(body, "parent"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> access_key, OptionalString(body, "accessKey"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> secret_key, OptionalString(body, "secretKey"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "name"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> description,
                         OptionalString(body, "description"));
  auto policy = body.find("policy");
  CAIRN_ASSIGN_OR_RETURN(request.policy,
                         SessionPolicyText(policy == body.end() ? nullptr : &*policy));
  request.owner = parent.value_or("");
  request.access_key = access_key.value_or("");
  request.secret_key = secret_key.value_or("");
  request.name = name.value_or("");
  request.description = description.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto created, CreateServiceAccountChecked(ctx, std::move(request)));
  const auto& [account, credentials] = created;
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
