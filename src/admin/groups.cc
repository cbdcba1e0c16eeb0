// Groups: list, info, add/remove members (adding creates the group), delete, enable/disable.
#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"

namespace cairn::admin {

namespace {
// The group as it stands after a change. IamStore drops a group left without members and
// policies, so the reply then describes it empty rather than failing with NoSuchGroup.
Json GroupAfterChange(AdminContext& ctx, const std::string& name) {
  auto group = ctx.iam().GetGroup(name);
  if (group.ok()) return GroupJson(*group);
  return GroupJson(iam::GroupInfo{name, true, {}, {}});
}
}  // namespace

Result<Reply> ListGroups(AdminContext& ctx) {
  Json groups = Json::array();
  for (const iam::GroupInfo& group : ctx.iam().ListGroups()) groups.push_back(GroupJson(group));
  return Reply::Ok(Json{{"groups", std::move(groups)}});
}

Result<Reply> GetGroup(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(iam::GroupInfo group, ctx.iam().GetGroup(name));
  return Reply::Ok(GroupJson(group));
}

Result<Reply> AddGroupMembers(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> members, StringList(body, "members"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().AddGroupMembers(name, members));
  return Reply::Ok(GroupAfterChange(ctx, name));
}

Result<Reply> RemoveGroupMembers(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  // Non-empty: IamStore reads an empty member list as "remove the group", which is DELETE group.
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> members, StringList(body, "members"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveGroupMembers(name, members));
  return Reply::Ok(GroupAfterChange(ctx, name));
}

Result<Reply> DeleteGroup(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveGroupMembers(name, {}));
  return Reply::NoContent();
}

Result<Reply> SetGroupStatus(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(std::string status, ctx.RequiredParam("status"));
  CAIRN_ASSIGN_OR_RETURN(bool enabled, ParseEnabled(status));
  CAIRN_RETURN_IF_ERROR(ctx.iam().SetGroupEnabled(name, enabled));
  return Reply::Ok(GroupAfterChange(ctx, name));
}

}  // namespace cairn::admin
