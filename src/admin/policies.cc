// Named policies: list (canned first), info, create/replace, delete, attach/detach to a user or
// a group. Documents are checked with the policy language before they are stored, so a stored
// policy always parses.
#include "admin/handlers.h"
#include "admin/records_json.h"
#include "iam/policy/policy.h"

namespace cairn::admin {

namespace {

bool IsCanned(std::string_view name) { return iam::policy::CannedPolicy(name) != nullptr; }

Status RefuseCanned(std::string_view name) {
  return Status(Code::kInvalidArgument,
                "policy " + std::string(name) + " is a canned policy and cannot be changed");
}

Status CheckPolicyExists(AdminContext& ctx, const std::string& name) {
  if (IsCanned(name)) return Status::Ok();
  return ctx.iam().GetPolicy(name).status();
}

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
  bool canned = IsCanned(name);
  std::string text;
  if (canned) {
    text = iam::policy::CannedPolicyJson(name);
  } else {
    CAIRN_ASSIGN_OR_RETURN(text, ctx.iam().GetPolicy(name));
  }
  CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(text));
  return Reply::Ok(Json{{"name", name}, {"canned", canned}, {"policy", std::move(document)}});
}

Result<Reply> PutPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  if (IsCanned(name)) return RefuseCanned(name);
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.BodyText());
  // kMalformedPolicy with the line and column, or the statement, that is wrong.
  CAIRN_RETURN_IF_ERROR(
      iam::policy::ParsePolicy(text, {iam::policy::PolicyKind::kIdentity}).status());
  CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(text));
  CAIRN_RETURN_IF_ERROR(ctx.iam().PutPolicy(name, text));
  return Reply::Ok(Json{{"name", name}, {"canned", false}, {"policy", std::move(document)}});
}

Result<Reply> DeletePolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  if (IsCanned(name)) return RefuseCanned(name);
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemovePolicy(name));
  return Reply::NoContent();
}

Result<Reply> AttachPolicies(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(AttachmentRequest request, ReadAttachment(ctx));
  for (const std::string& name : request.policies) {
    CAIRN_RETURN_IF_ERROR(CheckPolicyExists(ctx, name));
  }
  // IamStore would create a missing group; attaching names an existing one (as MinIO).
  if (!request.group.empty()) {
    CAIRN_RETURN_IF_ERROR(ctx.iam().GetGroup(request.group).status());
  }
  CAIRN_RETURN_IF_ERROR(ctx.iam().AttachPolicies(request.policies, request.user, request.group));
  return AttachmentReply(ctx, request);
}

Result<Reply> DetachPolicies(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(AttachmentRequest request, ReadAttachment(ctx));
  CAIRN_RETURN_IF_ERROR(ctx.iam().DetachPolicies(request.policies, request.user, request.group));
  return AttachmentReply(ctx, request);
}

}  // namespace cairn::admin
