// One function per endpoint (endpoints.h), grouped by file: users.cc, groups.cc, policies.cc,
// service_accounts.cc, info.cc. Each runs after the pipeline has verified the caller and checked
// the endpoint's fixed action (if it has one), and answers with a Reply or an error Status.
#pragma once

#include "admin/context.h"
#include "http/response_writer.h"

namespace cairn::admin {

Result<Reply> ServerInfo(AdminContext& ctx);
Result<Reply> ScannerStatus(AdminContext& ctx);  // scanner_status.cc

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

// MinIO's admin API v3 (minio_v3.cc): madmin-go's calls, over the same operations (iam_ops.h).
Result<Reply> V3AddUser(AdminContext& ctx);
Result<Reply> V3RemoveUser(AdminContext& ctx);
Result<Reply> V3ListUsers(AdminContext& ctx);
Result<Reply> V3UserInfo(AdminContext& ctx);
Result<Reply> V3SetUserStatus(AdminContext& ctx);
Result<Reply> V3AddCannedPolicy(AdminContext& ctx);
Result<Reply> V3RemoveCannedPolicy(AdminContext& ctx);
Result<Reply> V3ListCannedPolicies(AdminContext& ctx);
Result<Reply> V3InfoCannedPolicy(AdminContext& ctx);
Result<Reply> V3SetUserOrGroupPolicy(AdminContext& ctx);
Result<Reply> V3AttachPolicy(AdminContext& ctx);
Result<Reply> V3DetachPolicy(AdminContext& ctx);
Result<Reply> V3UpdateGroupMembers(AdminContext& ctx);
Result<Reply> V3GroupInfo(AdminContext& ctx);
Result<Reply> V3ListGroups(AdminContext& ctx);
Result<Reply> V3SetGroupStatus(AdminContext& ctx);
Result<Reply> V3AddServiceAccount(AdminContext& ctx);
Result<Reply> V3UpdateServiceAccount(AdminContext& ctx);
Result<Reply> V3ListServiceAccounts(AdminContext& ctx);
Result<Reply> V3InfoServiceAccount(AdminContext& ctx);
Result<Reply> V3DeleteServiceAccount(AdminContext& ctx);
// Newer madmin-go's access-key calls (minio_v3_access_keys.cc).
Result<Reply> V3InfoAccessKey(AdminContext& ctx);
Result<Reply> V3ListAccessKeysBulk(AdminContext& ctx);
Result<Reply> V3ServerInfo(AdminContext& ctx);
Result<Reply> V3StorageInfo(AdminContext& ctx);
Result<Reply> V3Heal(AdminContext& ctx);
Result<Reply> V3DataUsageInfo(AdminContext& ctx);
Result<Reply> V3PolicyEntities(AdminContext& ctx);
Result<Reply> V3AccountInfo(AdminContext& ctx);
Result<Reply> V3Service(AdminContext& ctx);
// GET /minio/admin/v3/trace: streams TraceInfo lines to `out` until the client goes away or the
// server stops (minio_v3_trace.cc). An error before anything was sent is the caller's to answer.
Status ServeTrace(AdminContext& ctx, const Headers& headers, http::ResponseWriter& out);
// MinIO's config-kv calls over the settings Cairn has (minio_v3_config.cc).
Result<Reply> V3GetConfigKV(AdminContext& ctx);
Result<Reply> V3SetConfigKV(AdminContext& ctx);
Result<Reply> V3DelConfigKV(AdminContext& ctx);
Result<Reply> V3HelpConfigKV(AdminContext& ctx);

}  // namespace cairn::admin
