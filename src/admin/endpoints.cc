#include "admin/endpoints.h"

namespace cairn::admin {

namespace {

constexpr EndpointSpec kEndpoints[] = {
    {"GET", "info", Endpoint::kServerInfo, "admin:ServerInfo"},
    {"GET", "users", Endpoint::kListUsers, "admin:ListUsers"},
    {"GET", "user", Endpoint::kGetUser, "admin:GetUser"},
    {"PUT", "user", Endpoint::kPutUser, "admin:CreateUser"},
    {"DELETE", "user", Endpoint::kDeleteUser, "admin:DeleteUser"},
    {"PUT", "user-status", Endpoint::kSetUserStatus, ""},
    {"GET", "groups", Endpoint::kListGroups, "admin:ListGroups"},
    {"GET", "group", Endpoint::kGetGroup, "admin:GetGroup"},
    {"DELETE", "group", Endpoint::kDeleteGroup, "admin:RemoveUserFromGroup"},
    {"PUT", "group-members", Endpoint::kAddGroupMembers, "admin:AddUserToGroup"},
    {"DELETE", "group-members", Endpoint::kRemoveGroupMembers, "admin:RemoveUserFromGroup"},
    {"PUT", "group-status", Endpoint::kSetGroupStatus, ""},
    {"GET", "policies", Endpoint::kListPolicies, "admin:ListUserPolicies"},
    {"GET", "policy", Endpoint::kGetPolicy, "admin:GetPolicy"},
    {"PUT", "policy", Endpoint::kPutPolicy, "admin:CreatePolicy"},
    {"DELETE", "policy", Endpoint::kDeletePolicy, "admin:DeletePolicy"},
    {"POST", "policy-attach", Endpoint::kAttachPolicies, "admin:AttachUserOrGroupPolicy"},
    {"POST", "policy-detach", Endpoint::kDetachPolicies, "admin:AttachUserOrGroupPolicy"},
    {"GET", "service-accounts", Endpoint::kListServiceAccounts, ""},
    {"PUT", "service-account", Endpoint::kCreateServiceAccount, ""},
    {"GET", "service-account", Endpoint::kGetServiceAccount, ""},
    {"DELETE", "service-account", Endpoint::kDeleteServiceAccount, ""},
};

}  // namespace

Result<const EndpointSpec*> ResolveEndpoint(std::string_view method, std::string_view path) {
  if (!path.starts_with(kBasePath)) {
    return Status(Code::kNotFound, "not an admin API path");
  }
  std::string_view name = path.substr(kBasePath.size());
  bool known_path = false;
  for (const EndpointSpec& spec : kEndpoints) {
    if (spec.name != name) continue;
    if (spec.method == method) return &spec;
    known_path = true;
  }
  if (known_path) {
    return Status(Code::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  return Status(Code::kNotFound, "The admin API has no endpoint " + std::string(name));
}

}  // namespace cairn::admin
