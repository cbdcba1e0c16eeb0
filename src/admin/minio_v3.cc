// MinIO's admin API v3 (/minio/admin/v3/), as madmin-go 2.0.7 calls it: its paths, query names,
// JSON field names and status codes, and its encrypted bodies (madmin_crypto.h, under the
// caller's secret key) exactly where MinIO encrypts them. Every handler reads its request, calls
// the operation both encodings share (iam_ops.h) and writes MinIO's reply: no IAM rule lives here.
#include <map>
#include <string>
#include <vector>

#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"
#include "common/time.h"
#include "iam/policy/policy.h"

namespace cairn::admin {

namespace {

const char* StatusName(bool enabled) { return enabled ? "enabled" : "disabled"; }

std::string JoinComma(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

// MinIO lists several policies as one comma-separated name ("readonly,diagnostics").
std::vector<std::string> SplitComma(std::string_view names) {
  std::vector<std::string> out;
  while (!names.empty()) {
    size_t comma = names.find(',');
    std::string_view name = names.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  return out;
}

// madmin.UserInfo: {"policyName"?, "status", "memberOf"?} (omitempty as madmin marshals it).
Json MinioUserJson(const iam::UserInfo& user) {
  Json out = Json::object();
  if (!user.policies.empty()) out["policyName"] = JoinComma(user.policies);
  out["status"] = StatusName(user.enabled);
  if (!user.groups.empty()) out["memberOf"] = user.groups;
  return out;
}

// A body field that must be a string when present.
Result<std::string> StringField(const Json& body, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, field));
  return value.value_or("");
}

Result<std::vector<std::string>> OptionalList(const Json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null() || (it->is_array() && it->empty())) {
    return std::vector<std::string>();
  }
  return StringList(body, field);
}

}  // namespace

// -- users ----------------------------------------------------------------------------------------

Result<Reply> V3AddUser(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.EncryptedBodyObject());
  CAIRN_ASSIGN_OR_RETURN(std::string secret, StringField(body, "secretKey"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> status, OptionalString(body, "status"));
  if (secret.empty()) return Status(Code::kInvalidArgument, "\"secretKey\" is required");
  CAIRN_RETURN_IF_ERROR(CreateOrResetUser(ctx, access_key, secret, status));
  return Reply::Empty();
}

Result<Reply> V3RemoveUser(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveUser(access_key));
  return Reply::Empty();
}

Result<Reply> V3ListUsers(AdminContext& ctx) {
  Json users = Json::object();
  for (const iam::UserInfo& user : ctx.iam().ListUsers()) {
    users[user.access_key] = MinioUserJson(user);
  }
  return ctx.Encrypted(users);
}

Result<Reply> V3UserInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_RETURN_IF_ERROR(RequireUnlessOwn(ctx, access_key, "admin:GetUser"));
  CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(access_key));
  return Reply::Ok(MinioUserJson(user));
}

Result<Reply> V3SetUserStatus(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(std::string status, ctx.RequiredParam("status"));
  CAIRN_ASSIGN_OR_RETURN(bool enabled, ParseEnabled(status));
  CAIRN_RETURN_IF_ERROR(ctx.iam().SetUserEnabled(access_key, enabled));
  return Reply::Empty();
}

// -- policies -------------------------------------------------------------------------------------

Result<Reply> V3AddCannedPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.BodyText());
  CAIRN_RETURN_IF_ERROR(PutNamedPolicy(ctx, name, text));
  return Reply::Empty();
}

Result<Reply> V3RemoveCannedPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  CAIRN_RETURN_IF_ERROR(DeleteNamedPolicy(ctx, name));
  return Reply::Empty();
}

Result<Reply> V3ListCannedPolicies(AdminContext& ctx) {
  // name -> document, the built-in policies included (as MinIO lists them).
  Json policies = Json::object();
  for (std::string_view name : iam::policy::CannedPolicyNames()) {
    CAIRN_ASSIGN_OR_RETURN(policies[std::string(name)],
                           PolicyDocumentJson(iam::policy::CannedPolicyJson(name)));
  }
  for (const auto& [name, text] : ctx.iam().ListPolicies()) {
    CAIRN_ASSIGN_OR_RETURN(policies[name], PolicyDocumentJson(text));
  }
  return Reply::Ok(std::move(policies));
}

Result<Reply> V3InfoCannedPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("name"));
  CAIRN_ASSIGN_OR_RETURN(std::string text, PolicyText(ctx, name));
  if (ctx.Param("v").value_or("") == "2") {
    // madmin.PolicyInfo without dates: {"PolicyName", "Policy"}.
    CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(text));
    return Reply::Ok(Json{{"PolicyName", name}, {"Policy", std::move(document)}});
  }
  return Reply::Bytes(std::move(text), "application/json");  // the document as stored
}

Result<Reply> V3SetUserOrGroupPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string entity, ctx.RequiredParam("userOrGroup"));
  bool is_group = ctx.Param("isGroup").value_or("") == "true";
  std::vector<std::string> policies = SplitComma(ctx.Param("policyName").value_or(""));
  CAIRN_RETURN_IF_ERROR(
      ReplacePolicies(ctx, policies, is_group ? "" : entity, is_group ? entity : ""));
  return Reply::Empty();
}

namespace {
// madmin.PolicyAssociationReq, encrypted: {"policies", "user"?, "group"?}.
struct Association {
  std::vector<std::string> policies;
  std::string user;
  std::string group;
};

Result<Association> ReadAssociation(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.EncryptedBodyObject());
  Association out;
  CAIRN_ASSIGN_OR_RETURN(out.policies, StringList(body, "policies"));
  CAIRN_ASSIGN_OR_RETURN(out.user, StringField(body, "user"));
  CAIRN_ASSIGN_OR_RETURN(out.group, StringField(body, "group"));
  if (out.user.empty() == out.group.empty()) {
    return Status(Code::kInvalidArgument, "name exactly one of \"user\" or \"group\"");
  }
  return out;
}
}  // namespace

Result<Reply> V3AttachPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Association request, ReadAssociation(ctx));
  CAIRN_RETURN_IF_ERROR(AttachPoliciesChecked(ctx, request.policies, request.user, request.group));
  return Reply::Empty(201);  // madmin-go's AttachPolicy expects 201 Created
}

Result<Reply> V3DetachPolicy(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(Association request, ReadAssociation(ctx));
  CAIRN_RETURN_IF_ERROR(ctx.iam().DetachPolicies(request.policies, request.user, request.group));
  return Reply::NoContent();
}

Result<Reply> V3PolicyEntities(AdminContext& ctx) {
  // madmin.PolicyEntitiesResult, encrypted. ?user=, ?group=, ?policy= (each repeatable) pick the
  // mappings to report; with none, every policy that is attached somewhere is reported.
  std::vector<std::string> users = ctx.Params("user");
  std::vector<std::string> groups = ctx.Params("group");
  std::vector<std::string> policies = ctx.Params("policy");
  Json result{{"timestamp", FormatIso8601(Now())}};
  Json user_mappings = Json::array();
  for (const std::string& name : users) {
    CAIRN_ASSIGN_OR_RETURN(iam::UserInfo user, ctx.iam().GetUser(name));
    user_mappings.push_back(Json{{"user", name}, {"policies", user.policies}});
  }
  Json group_mappings = Json::array();
  for (const std::string& name : groups) {
    CAIRN_ASSIGN_OR_RETURN(iam::GroupInfo group, ctx.iam().GetGroup(name));
    group_mappings.push_back(Json{{"group", name}, {"policies", group.policies}});
  }
  // policy -> (users, groups), in name order.
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> attached;
  for (const iam::UserInfo& user : ctx.iam().ListUsers()) {
    for (const std::string& policy : user.policies)
      attached[policy].first.push_back(user.access_key);
  }
  for (const iam::GroupInfo& group : ctx.iam().ListGroups()) {
    for (const std::string& policy : group.policies) attached[policy].second.push_back(group.name);
  }
  bool all = users.empty() && groups.empty() && policies.empty();
  Json policy_mappings = Json::array();
  auto add_policy = [&](const std::string& name) {
    const auto& [to_users, to_groups] = attached[name];
    policy_mappings.push_back(Json{{"policy", name}, {"users", to_users}, {"groups", to_groups}});
  };
  if (all) {
    for (const auto& [name, unused] : attached) add_policy(name);
  } else {
    for (const std::string& name : policies) add_policy(name);
  }
  if (!user_mappings.empty()) result["userMappings"] = std::move(user_mappings);
  if (!group_mappings.empty()) result["groupMappings"] = std::move(group_mappings);
  if (!policy_mappings.empty()) result["policyMappings"] = std::move(policy_mappings);
  return ctx.Encrypted(result);
}

// -- groups ---------------------------------------------------------------------------------------

Result<Reply> V3UpdateGroupMembers(AdminContext& ctx) {
  // madmin.GroupAddRemove, plain JSON: {"group", "members", "groupStatus", "isRemove"}.
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.BodyObject());
  auto is_remove = body.find("isRemove");
  bool remove = is_remove != body.end() && is_remove->is_boolean() && is_remove->get<bool>();
  // Authorized before the rest of the body is judged: refusals do not depend on its details.
  CAIRN_RETURN_IF_ERROR(ctx.Require(remove ? "admin:RemoveUserFromGroup" : "admin:AddUserToGroup"));
  CAIRN_ASSIGN_OR_RETURN(std::string group, StringField(body, "group"));
  if (group.empty()) return Status(Code::kInvalidArgument, "\"group\" is required");
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> members, OptionalList(body, "members"));
  if (remove) {
    // No members: remove the group itself (which must then be empty), as MinIO does.
    CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveGroupMembers(group, members));
  } else {
    CAIRN_RETURN_IF_ERROR(ctx.iam().AddGroupMembers(group, members));
  }
  return Reply::Empty();
}

Result<Reply> V3GroupInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(iam::GroupInfo group, ctx.iam().GetGroup(name));
  // madmin.GroupDesc: {"name", "status", "members", "policy"}.
  return Reply::Ok(Json{{"name", group.name},
                        {"status", StatusName(group.enabled)},
                        {"members", group.members},
                        {"policy", JoinComma(group.policies)}});
}

Result<Reply> V3ListGroups(AdminContext& ctx) {
  Json names = Json::array();
  for (const iam::GroupInfo& group : ctx.iam().ListGroups()) names.push_back(group.name);
  return Reply::Ok(std::move(names));
}

Result<Reply> V3SetGroupStatus(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, ctx.RequiredParam("group"));
  CAIRN_ASSIGN_OR_RETURN(std::string status, ctx.RequiredParam("status"));
  CAIRN_ASSIGN_OR_RETURN(bool enabled, ParseEnabled(status));
  CAIRN_RETURN_IF_ERROR(ctx.iam().SetGroupEnabled(name, enabled));
  return Reply::Empty();
}

// -- service accounts -----------------------------------------------------------------------------

Result<Reply> V3AddServiceAccount(AdminContext& ctx) {
  // madmin.AddServiceAccountReq, encrypted: {"policy"?, "targetUser"?, "accessKey"?,
  // "secretKey"?, "comment"?} (newer clients send "name" and "description" instead of comment).
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.EncryptedBodyObject());
  NewServiceAccount request;
  CAIRN_ASSIGN_OR_RETURN(request.owner, StringField(body, "targetUser"));
  CAIRN_ASSIGN_OR_RETURN(request.access_key, StringField(body, "accessKey"));
  CAIRN_ASSIGN_OR_RETURN(request.secret_key, StringField(body, "secretKey"));
  CAIRN_ASSIGN_OR_RETURN(request.name, StringField(body, "name"));
  CAIRN_ASSIGN_OR_RETURN(request.description, StringField(body, "description"));
  if (request.description.empty()) {
    CAIRN_ASSIGN_OR_RETURN(request.description, StringField(body, "comment"));
  }
  auto policy = body.find("policy");
  CAIRN_ASSIGN_OR_RETURN(request.policy,
                         SessionPolicyText(policy == body.end() ? nullptr : &*policy));
  CAIRN_ASSIGN_OR_RETURN(auto created, CreateServiceAccountChecked(ctx, std::move(request)));
  const auth::Credentials& credentials = created.second;
  // madmin.AddServiceAccountResp: {"credentials": {"accessKey", "secretKey"}}.
  return ctx.Encrypted(Json{{"credentials", Json{{"accessKey", credentials.access_key},
                                                 {"secretKey", credentials.secret_key}}}});
}

Result<Reply> V3UpdateServiceAccount(AdminContext& ctx) {
  // madmin.UpdateServiceAccountReq, encrypted: {"newPolicy"?, "newSecretKey"?, "newStatus"?,
  // "newComment"?} in 2.0.7; newer clients send "newName", "newDescription" and
  // "newExpiration" too. Empty strings mean "unchanged", as MinIO reads them.
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  // Authorized before the body is judged: refusals do not depend on its details.
  CAIRN_RETURN_IF_ERROR(ServiceAccountFor(ctx, access_key, "admin:UpdateServiceAccount").status());
  CAIRN_ASSIGN_OR_RETURN(Json body, ctx.EncryptedBodyObject());
  ServiceAccountChanges changes;
  auto non_empty = [&](std::string_view field) -> Result<std::optional<std::string>> {
    CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, field));
    if (value && value->empty()) value.reset();
    return value;
  };
  CAIRN_ASSIGN_OR_RETURN(changes.secret_key, non_empty("newSecretKey"));
  CAIRN_ASSIGN_OR_RETURN(changes.status, non_empty("newStatus"));
  CAIRN_ASSIGN_OR_RETURN(changes.name, non_empty("newName"));
  CAIRN_ASSIGN_OR_RETURN(changes.description, non_empty("newDescription"));
  if (!changes.description) {
    CAIRN_ASSIGN_OR_RETURN(changes.description, non_empty("newComment"));
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> expiration, non_empty("newExpiration"));
  if (expiration) {
    CAIRN_ASSIGN_OR_RETURN(changes.expiration, ParseExpiration(*expiration));
  }
  auto policy = body.find("newPolicy");
  CAIRN_ASSIGN_OR_RETURN(changes.policy,
                         UpdatePolicyText(policy == body.end() ? nullptr : &*policy));
  CAIRN_RETURN_IF_ERROR(UpdateServiceAccountChecked(ctx, access_key, changes).status());
  return Reply::NoContent();  // madmin-go expects 204
}

Result<Reply> V3ListServiceAccounts(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(
      std::vector<iam::ServiceAccountInfo> listed,
      ListServiceAccountsChecked(ctx, std::string(ctx.Param("user").value_or(""))));
  // madmin.ListServiceAccountsResp (2.0.7): {"accounts": [access keys]}.
  Json keys = Json::array();
  for (const iam::ServiceAccountInfo& account : listed) keys.push_back(account.access_key);
  return ctx.Encrypted(Json{{"accounts", std::move(keys)}});
}

Result<Reply> V3InfoServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ServiceAccountFor(ctx, access_key, "admin:ListServiceAccounts"));
  // madmin.InfoServiceAccountResp.
  return ctx.Encrypted(MinioServiceAccountJson(account, ctx.iam().root_access_key(), true));
}

Result<Reply> V3DeleteServiceAccount(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string access_key, ctx.RequiredParam("accessKey"));
  CAIRN_ASSIGN_OR_RETURN(iam::ServiceAccountInfo account,
                         ServiceAccountFor(ctx, access_key, "admin:RemoveServiceAccount"));
  CAIRN_RETURN_IF_ERROR(ctx.iam().RemoveServiceAccount(account.access_key));
  return Reply::NoContent();
}

}  // namespace cairn::admin
