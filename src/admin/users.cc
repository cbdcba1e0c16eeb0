// Users: list, info, create (or reset the secret), delete, enable/disable.
#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"

namespace cairn::admin {

Result<Reply> ListUsers(AdminContext& ctx) {
  Json users = Json::array();
  for (const iam::UserInfo& user : ctx.iam().ListUsers()) users.push_back(UserJson(user));
  return Reply::Ok(Json{{"users", std::move(users)}});
}

Result<Reply> GetUser(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(access_key));
  return Reply::Ok(UserJson(user));
}

Result<Reply> PutUser(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> secret, OptionalString(body, "secretKey"));
  if (!secret) return Status(Code::kInvalidArgument, "\"secretKey\" is required");
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> status, OptionalString(body, "status"));
  if (status && status->empty()) return ParseEnabled("").status();
  CAIRN_RETURN_IF_ERROR(CreateOrResetUser(ctx, access_key, *secret, status));
  CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(access_key));
  return Reply::Ok(UserJson(user));
}

Result<Reply> DeleteUser(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveUser(access_key));
  return Reply::NoContent();
}

Result<Reply> SetUserStatus(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(std::string status, ctx.RequiredParam("status"));
  CAIRN_ASSIGN_OR_RETURN(bool enabled, ParseEnabled(status));
  CAIRN_RETURN_IF_ERROR(ctx.iam().SetUserEnabled(access_key, enabled));
  CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(access_key));
  return Reply::Ok(UserJson(user));
}

}  // namespace cairn::admin
