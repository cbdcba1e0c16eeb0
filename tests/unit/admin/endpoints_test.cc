#include "admin/endpoints.h"

#include <gtest/gtest.h>

namespace cairn::admin {
namespace {

struct Case {
  const char* method;
  const char* name;
  Endpoint endpoint;
  const char* action;
};

// The table of docs/admin-api.md, row by row.
constexpr Case kContract[] = {
    {"GET", "info", Endpoint::kServerInfo, "admin:ServerInfo"},
    {"GET", "users", Endpoint::kListUsers, "admin:ListUsers"},
    {"GET", "user", Endpoint::kGetUser, "admin:GetUser"},
    {"PUT", "user", Endpoint::kPutUser, "admin:CreateUser"},
    {"DELETE", "user", Endpoint::kDeleteUser, "admin:DeleteUser"},
    {"PUT", "user-status", Endpoint::kSetUserStatus, ""},
    {"GET", "groups", Endpoint::kListGroups, "admin:ListGroups"},
    {"GET", "group", Endpoint::kGetGroup, "admin:GetGroup"},
    {"PUT", "group-members", Endpoint::kAddGroupMembers, "admin:AddUserToGroup"},
    {"DELETE", "group-members", Endpoint::kRemoveGroupMembers, "admin:RemoveUserFromGroup"},
    {"DELETE", "group", Endpoint::kDeleteGroup, "admin:RemoveUserFromGroup"},
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

TEST(AdminEndpointsTest, EveryContractRowResolvesWithItsAction) {
  for (const Case& c : kContract) {
    SCOPED_TRACE(std::string(c.method) + " " + c.name);
    auto spec = ResolveEndpoint(c.method, std::string(kBasePath) + c.name);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ((*spec)->endpoint, c.endpoint);
    EXPECT_EQ((*spec)->action, c.action);
  }
}

TEST(AdminEndpointsTest, KnownPathWithAnotherMethodIsMethodNotAllowed) {
  EXPECT_EQ(ResolveEndpoint("POST", "/cairn/admin/v1/users").status().code(),
            Code::kMethodNotAllowed);
  EXPECT_EQ(ResolveEndpoint("GET", "/cairn/admin/v1/policy-attach").status().code(),
            Code::kMethodNotAllowed);
  EXPECT_EQ(ResolveEndpoint("HEAD", "/cairn/admin/v1/info").status().code(),
            Code::kMethodNotAllowed);
}

TEST(AdminEndpointsTest, UnknownPathsAreNotFound) {
  for (const char* path : {"/cairn/admin/v1/", "/cairn/admin/v1/nope", "/cairn/admin/v1/users/",
                           "/cairn/admin/v1/user/x", "/cairn/admin/v1/USERS",
                           "/cairn/admin/v2/users", "/bucket/key"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(ResolveEndpoint("GET", path).status().code(), Code::kNotFound);
  }
}

TEST(AdminEndpointsTest, MinioV3CallsResolveInTheirOwnTable) {
  struct V3Case {
    const char* method;
    const char* name;
    Endpoint endpoint;
    const char* action;
  };
  constexpr V3Case kV3[] = {
      {"PUT", "add-user", Endpoint::kV3AddUser, "admin:CreateUser"},
      {"DELETE", "remove-user", Endpoint::kV3RemoveUser, "admin:DeleteUser"},
      {"GET", "list-users", Endpoint::kV3ListUsers, "admin:ListUsers"},
      {"GET", "user-info", Endpoint::kV3UserInfo, ""},
      {"PUT", "set-user-status", Endpoint::kV3SetUserStatus, ""},
      {"PUT", "add-canned-policy", Endpoint::kV3AddCannedPolicy, "admin:CreatePolicy"},
      {"GET", "info-canned-policy", Endpoint::kV3InfoCannedPolicy, "admin:GetPolicy"},
      {"POST", "idp/builtin/policy/attach", Endpoint::kV3AttachPolicy,
       "admin:AttachUserOrGroupPolicy"},
      {"PUT", "update-group-members", Endpoint::kV3UpdateGroupMembers, ""},
      {"GET", "groups", Endpoint::kV3ListGroups, "admin:ListGroups"},
      {"PUT", "add-service-account", Endpoint::kV3AddServiceAccount, ""},
      {"DELETE", "delete-service-account", Endpoint::kV3DeleteServiceAccount, ""},
  };
  for (const V3Case& c : kV3) {
    SCOPED_TRACE(std::string(c.method) + " " + c.name);
    auto spec = ResolveEndpoint(c.method, std::string(kMinioBasePath) + c.name);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ((*spec)->endpoint, c.endpoint);
    EXPECT_EQ((*spec)->action, c.action);
    EXPECT_EQ((*spec)->version, AdminApiVersion::kMinioV3);
  }
  // The two tables do not leak into each other.
  EXPECT_EQ(ResolveEndpoint("GET", "/minio/admin/v3/users").status().code(), Code::kNotFound);
  EXPECT_EQ(ResolveEndpoint("GET", "/cairn/admin/v1/list-users").status().code(), Code::kNotFound);
  EXPECT_EQ(ResolveEndpoint("GET", "/minio/admin/v3/add-user").status().code(),
            Code::kMethodNotAllowed);
}

}  // namespace
}  // namespace cairn::admin
