// Named policies: list (canned first), info, create/replace, delete, attach/detach to a user or
// a group. Documents are checked with the policy language before they are stored, so a stored
// policy always parses.
#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"
#include "iam/policy/policy.h"

namespace cairn::admin {

namespace {

// {"policies": [...], "user": "u"} or {"policies": [...], "group": "g"}.
struct AttachmentRequest {
  std::vector<std::string> policies;
  std::string user;
  std::string group;
};

Result<AttachmentRequest> ReadAttachment(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  AttachmentRequest out;
  CAIRN_ASSIGN_OR_RETURN(out.policies, StringList(body, "policies"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> user, OptionalString(body, "user"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> group, OptionalString(body, "group"));
  if (user.value_or("").empty() == group.value_or("").empty()) {
    return Status(Code::kInvalidArgument, "name exactly one of \"user\" or \"group\"");
  }
  out.user = user.value_or("");
  out.group = group.value_or("");
  return out;
}

Result<Reply> AttachmentReply(AdminContext& ctx, const AttachmentRequest& request) {
  if (!request.user.empty()) {
    CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(request.user));
    return Reply::Ok(UserJson(user));
  }
  // Detaching the last policy of a group without members removes it: report it empty.
  auto group = ctx.iam().GetGroup(request.group);
  if (!group.ok()) return Reply::Ok(GroupJson(iam::GroupInfo{request.group, true, {}, {}}));
  return Reply::Ok(GroupJson(*group));
}

}  // namespace

Result<Reply> ListPolicies(AdminContext& ctx) {
  Json policies = Json::array();
  for (std::string_view name : iam::policy::CannedPolicyNames()) {
    policies.push_back(Json{{"name", name}, {"canned", true}});
  }
  for (const auto& [name, document] : ctx.iam().ListPolicies()) {
    policies.push_back(Json{{"name", name}, {"canned", false}});
  }
  return Reply::Ok(Json{{"policies", std::move(policies)}});
}

Result<Reply> GetPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  bool canned = IsCannedPolicy(name);
  CAIRN_ASSIGN_OR_RETURN(std::string text, PolicyText(ctx, name));
  CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(text));
  return Reply::Ok(Json{{"name", name}, {"canned", canned}, {"policy", std::move(document)}});
}

Result<Reply> PutPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.BodyText());
  CAIRN_RETURN_IF_ERROR(PutNamedPolicy(ctx, name, text));
  CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(text));
  return Reply::Ok(Json{{"name", name}, {"canned", false}, {"policy", std::move(document)}});
}

Result<Reply> DeletePolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  CAIRN_RETURN_IF_ERROR(DeleteNamedPolicy(ctx, name));
  return Reply::NoContent();
}

Result<Reply> AttachPolicies(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(AttachmentRequest request, ReadAttachment(ctx));
  CAIRN_RETURN_IF_ERROR(AttachPoliciesChecked(ctx, request.policies, request.user, request.group));
  return AttachmentReply(ctx, request);
}

Result<Reply> DetachPolicies(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(AttachmentRequest request, ReadAttachment(ctx));
  CAIRN_RETURN_IF_ERROR(ctx.iam().DetachPolicies(request.policies, request.user, request.group));
  return AttachmentReply(ctx, request);
}

}  // namespace cairn::admin
