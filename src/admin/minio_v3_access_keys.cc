// MinIO's access-key calls of newer madmin-go (InfoAccessKey, ListAccessKeysBulk; Debian's 2.0.7
// lacks them): the same service accounts as list-service-accounts and info-service-account, in
// madmin.InfoAccessKeyResp and map[user]madmin.ListAccessKeysResp, encrypted. Cairn has no STS
// credentials, so every access key here is a service account and every "stsKeys" is empty.
#include <string>
#include <vector>

#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"

namespace cairn::admin {

Result<Reply> V3InfoAccessKey(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ServiceAccountFor(ctx, access_key, "admin:ListServiceAccounts"));
  // madmin.InfoAccessKeyResp: "AccessKey" (no json tag in madmin), the embedded
  // InfoServiceAccountResp's fields, then the user type and provider.
  Json reply{{"AccessKey", account.access_key}};
  Json info = MinioServiceAccountJson(account, ctx.iam().root_access_key(), true);
  for (auto& [field, value] : info.items()) reply[field] = std::move(value);
  reply["userType"] = "Service Account";
  reply["userProvider"] = "builtin";
  return ctx.Encrypted(reply);
}

Result<Reply> V3ListAccessKeysBulk(AdminContext& ctx) {
  // ?users=a&users=b | ?all=true, and ?listType=users-only|sts-only|svcacc-only|all. As MinIO:
  // all needs admin:ListUsers; other users' keys need admin:ListServiceAccounts; with neither
  // users nor all, the caller's own; unknown users are left out.
  std::vector<std::string> users = ctx.Params("users");
  bool all = ctx.Param("all").value_or("") == "true";
  if (all && !users.empty()) {
    return Status(Code::kInvalidRequest, "Name either users or all=true, not both.");
  }
  std::string list_type(ctx.Param("listType").value_or(""));
  if (list_type != "users-only" && list_type != "sts-only" && list_type != "svcacc-only" &&
      list_type != "all") {
    return Status(Code::kInvalidRequest, "invalid list type: " + list_type);
  }
  const std::string& root = ctx.iam().root_access_key();
  if (all) {
    CAIRN_RETURN_IF_ERROR(ctx.Require("admin:ListUsers"));
    CAIRN_RETURN_IF_ERROR(ctx.Require("admin:ListServiceAccounts"));
    for (const iam::UserInfo& user : ctx.iam().ListUsers()) users.push_back(user.access_key);
    users.push_back(root);
  } else {
    if (users.empty()) users.push_back(ctx.caller().user);
    for (const std::string& user : users) {
      CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, user, "admin:ListServiceAccounts"));
    }
  }
  bool accounts = list_type == "svcacc-only" || list_type == "all";
  bool sts_only = list_type == "sts-only";
  Json reply = Json::object();
  for (const std::string& user : users) {
    if (user != root && !ctx.iam().GetUser(user).ok()) continue;  // as MinIO: skipped
    if (sts_only) continue;  // MinIO leaves out users without STS keys: Cairn has none
    Json keys = nullptr;     // Go's nil slice, as MinIO marshals an empty list
    if (accounts) {
      for (const iam::ServiceAccountInfo& account : ctx.iam().ListServiceAccounts(user)) {
        if (keys.is_null()) keys = Json::array();
        keys.push_back(MinioServiceAccountJson(account, root, false));
      }
    }
    reply[user] = Json{{"serviceAccounts", std::move(keys)}, {"stsKeys", nullptr}};
  }
  return ctx.Encrypted(reply);
}

}  // namespace cairn::admin
