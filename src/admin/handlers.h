// One function per endpoint (endpoints.h), grouped by file: users.cc, groups.cc, policies.cc,
// service_accounts.cc, info.cc. Each runs after the pipeline has verified the caller and checked
// the endpoint's fixed action (if it has one), and answers with a Reply or an error Status.
#pragma once

#include "admin/context.h"

namespace cairn::admin {

Result<Reply> ServerInfo(AdminContext& ctx);

Result<Reply> ListUsers(AdminContext& ctx);
Result<Reply> GetUser(AdminContext& ctx);
Result<Reply> PutUser(AdminContext& ctx);
Result<Reply> DeleteUser(AdminContext& ctx);
Result<Reply> SetUserStatus(AdminContext& ctx);

Result<Reply> ListGroups(AdminContext& ctx);
Result<Reply> GetGroup(AdminContext& ctx);
Result<Reply> AddGroupMembers(AdminContext& ctx);
Result<Reply> RemoveGroupMembers(AdminContext& ctx);
Result<Reply> DeleteGroup(AdminContext& ctx);
Result<Reply> SetGroupStatus(AdminContext& ctx);

Result<Reply> ListPolicies(AdminContext& ctx);
Result<Reply> GetPolicy(AdminContext& ctx);
Result<Reply> PutPolicy(AdminContext& ctx);
Result<Reply> DeletePolicy(AdminContext& ctx);
Result<Reply> AttachPolicies(AdminContext& ctx);
Result<Reply> DetachPolicies(AdminContext& ctx);

// These authorize themselves: a user manages its own service accounts without admin actions.
Result<Reply> ListServiceAccounts(AdminContext& ctx);
Result<Reply> CreateServiceAccount(AdminContext& ctx);
Result<Reply> GetServiceAccount(AdminContext& ctx);
Result<Reply> DeleteServiceAccount(AdminContext& ctx);

// "enabled" -> true, "disabled" -> false, anything else kInvalidArgument.
Result<bool> ParseEnabled(std::string_view status);

}  // namespace cairn::admin
