#include "admin/endpoints.h"

namespace cairn::admin {

namespace {

constexpr EndpointSpec kEndpoints[] = {
    {"GET", "info", Endpoint::kServerInfo, "admin:ServerInfo"},
    {"GET", "scanner/status", Endpoint::kScannerStatus, "admin:ServerInfo"},
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

// madmin-go 2.0.7's paths and methods; the actions are MinIO's for the same calls.
constexpr AdminApiVersion kV3 = AdminApiVersion::kMinioV3;
constexpr EndpointSpec kMinioEndpoints[] = {
    {"PUT", "add-user", Endpoint::kV3AddUser, "admin:CreateUser", kV3},
    {"DELETE", "remove-user", Endpoint::kV3RemoveUser, "admin:DeleteUser", kV3},
    {"GET", "list-users", Endpoint::kV3ListUsers, "admin:ListUsers", kV3},
    // A user may read its own record without admin:GetUser (as MinIO); the handler checks.
    {"GET", "user-info", Endpoint::kV3UserInfo, "", kV3},
    {"PUT", "set-user-status", Endpoint::kV3SetUserStatus, "", kV3},
    {"PUT", "add-canned-policy", Endpoint::kV3AddCannedPolicy, "admin:CreatePolicy", kV3},
    {"DELETE", "remove-canned-policy", Endpoint::kV3RemoveCannedPolicy, "admin:DeletePolicy", kV3},
    {"GET", "list-canned-policies", Endpoint::kV3ListCannedPolicies, "admin:ListUserPolicies", kV3},
    {"GET", "info-canned-policy", Endpoint::kV3InfoCannedPolicy, "admin:GetPolicy", kV3},
    {"PUT", "set-user-or-group-policy", Endpoint::kV3SetUserOrGroupPolicy,
     "admin:AttachUserOrGroupPolicy", kV3},
    {"POST", "idp/builtin/policy/attach", Endpoint::kV3AttachPolicy,
     "admin:AttachUserOrGroupPolicy", kV3},
    {"POST", "idp/builtin/policy/detach", Endpoint::kV3DetachPolicy,
     "admin:AttachUserOrGroupPolicy", kV3},
    // Adding or removing members: the action follows the body's isRemove (the handler checks).
    {"PUT", "update-group-members", Endpoint::kV3UpdateGroupMembers, "", kV3},
    {"GET", "group", Endpoint::kV3GroupInfo, "admin:GetGroup", kV3},
    {"GET", "groups", Endpoint::kV3ListGroups, "admin:ListGroups", kV3},
    {"PUT", "set-group-status", Endpoint::kV3SetGroupStatus, "", kV3},
    {"PUT", "add-service-account", Endpoint::kV3AddServiceAccount, "", kV3},
    {"POST", "update-service-account", Endpoint::kV3UpdateServiceAccount, "", kV3},
    {"GET", "list-service-accounts", Endpoint::kV3ListServiceAccounts, "", kV3},
    {"GET", "info-service-account", Endpoint::kV3InfoServiceAccount, "", kV3},
    {"DELETE", "delete-service-account", Endpoint::kV3DeleteServiceAccount, "", kV3},
    // Newer madmin-go: own keys without admin actions, as the calls above.
    {"GET", "info-access-key", Endpoint::kV3InfoAccessKey, "", kV3},
    {"GET", "list-access-keys-bulk", Endpoint::kV3ListAccessKeysBulk, "", kV3},
    {"GET", "info", Endpoint::kV3ServerInfo, "admin:ServerInfo", kV3},
    {"GET", "storageinfo", Endpoint::kV3StorageInfo, "admin:StorageInfo", kV3},
    {"GET", "datausageinfo", Endpoint::kV3DataUsageInfo, "admin:DataUsageInfo", kV3},
    {"GET", "idp/builtin/policy-entities", Endpoint::kV3PolicyEntities, "admin:GetPolicy", kV3},
    // Every caller may read its own account (as MinIO): no admin action.
    {"GET", "accountinfo", Endpoint::kV3AccountInfo, "", kV3},
    // restart/stop/freeze/unfreeze: authorized by ?action=, then refused (minio_v3_server.cc).
    {"POST", "service", Endpoint::kV3Service, "", kV3},
    // The settings Cairn has, in MinIO's config-kv form (minio_v3_config.cc); MinIO asks
    // admin:ConfigUpdate for reading them too.
    {"GET", "get-config-kv", Endpoint::kV3GetConfigKV, "admin:ConfigUpdate", kV3},
    {"PUT", "set-config-kv", Endpoint::kV3SetConfigKV, "admin:ConfigUpdate", kV3},
    {"DELETE", "del-config-kv", Endpoint::kV3DelConfigKV, "admin:ConfigUpdate", kV3},
    {"GET", "help-config-kv", Endpoint::kV3HelpConfigKV, "admin:ConfigUpdate", kV3},
    {"GET", "trace", Endpoint::kV3Trace, "admin:ServerTrace", kV3},
    // heal/{bucket}/{prefix}: every path below heal/ is this call.
    {"POST", "heal", Endpoint::kV3Heal, "admin:Heal", kV3},
};

}  // namespace

bool IsConfigEndpoint(Endpoint endpoint) {
  return endpoint == Endpoint::kV3GetConfigKV || endpoint == Endpoint::kV3SetConfigKV ||
         endpoint == Endpoint::kV3DelConfigKV || endpoint == Endpoint::kV3HelpConfigKV;
}

std::optional<AdminApiVersion> VersionOf(std::string_view path) {
  if (path.starts_with(kBasePath)) return AdminApiVersion::kCairnV1;
  if (path.starts_with(kMinioBasePath)) return AdminApiVersion::kMinioV3;
  return std::nullopt;
}

Result<const EndpointSpec*> ResolveEndpoint(std::string_view method, std::string_view path) {
  std::optional<AdminApiVersion> version = VersionOf(path);
  if (!version) return Status(Code::kNotFound, "not an admin API path");
  bool v1 = *version == AdminApiVersion::kCairnV1;
  std::string_view name = path.substr(v1 ? kBasePath.size() : kMinioBasePath.size());
  if (!v1 && name.starts_with("heal/")) name = "heal";
  bool known_path = false;
  auto search = [&](const auto& table) -> const EndpointSpec* {
    for (const EndpointSpec& spec : table) {
      if (spec.name != name) continue;
      if (spec.method == method) return &spec;
      known_path = true;
    }
    return nullptr;
  };
  if (const EndpointSpec* spec = v1 ? search(kEndpoints) : search(kMinioEndpoints)) return spec;
  if (known_path) {
    return Status(Code::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  return Status(Code::kNotFound, "The admin API has no endpoint " + std::string(name));
}

}  // namespace cairn::admin
