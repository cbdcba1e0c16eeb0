// The admin API's endpoints: method + path below /cairn/admin/v1/ -> one Endpoint, and the
// MinIO admin action each one needs (docs/admin-api.md). One flat table, so the contract can be
// read in one place and tested without a server.
#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"

namespace cairn::admin {

inline constexpr std::string_view kBasePath = "/cairn/admin/v1/";
// MinIO's admin API, as madmin-go and mc call it (docs/admin-api.md, "MinIO's admin API (v3)").
inline constexpr std::string_view kMinioBasePath = "/minio/admin/v3/";

// Which encoding a request speaks: Cairn's JSON API, or MinIO's (its paths, query names, JSON
// fields, encrypted bodies and error shape). Both front the same IAM operations (iam_ops.h).
enum class AdminApiVersion { kCairnV1, kMinioV3 };

enum class Endpoint {
  kServerInfo,
  kScannerStatus,
  kListUsers,
  kGetUser,
  kPutUser,
  kDeleteUser,
  kSetUserStatus,
  kListGroups,
  kGetGroup,
  kAddGroupMembers,
  kRemoveGroupMembers,
  kDeleteGroup,
  kSetGroupStatus,
  kListPolicies,
  kGetPolicy,
  kPutPolicy,
  kDeletePolicy,
  kAttachPolicies,
  kDetachPolicies,
  kListServiceAccounts,
  kCreateServiceAccount,
  kGetServiceAccount,
  kDeleteServiceAccount,

  // MinIO's v3 endpoints (minio_v3.cc), named as madmin-go names the calls.
  kV3AddUser,
  kV3RemoveUser,
  kV3ListUsers,
  kV3UserInfo,
  kV3SetUserStatus,
  kV3AddCannedPolicy,
  kV3RemoveCannedPolicy,
  kV3ListCannedPolicies,
  kV3InfoCannedPolicy,
  kV3SetUserOrGroupPolicy,
  kV3AttachPolicy,
  kV3DetachPolicy,
  kV3UpdateGroupMembers,
  kV3GroupInfo,
  kV3ListGroups,
  kV3SetGroupStatus,
  kV3AddServiceAccount,
  kV3UpdateServiceAccount,
  kV3ListServiceAccounts,
  kV3InfoServiceAccount,
  kV3DeleteServiceAccount,
  kV3InfoAccessKey,
  kV3ListAccessKeysBulk,
  kV3ServerInfo,
  kV3StorageInfo,
  kV3DataUsageInfo,
  kV3PolicyEntities,
  kV3AccountInfo,
  kV3Service,
  kV3GetConfigKV,
  kV3SetConfigKV,
  kV3DelConfigKV,
  kV3HelpConfigKV,
  // The live request trace (minio_v3_trace.cc): a stream, answered by the pipeline itself.
  kV3Trace,
  kV3Heal,
};

struct EndpointSpec {
  std::string_view method;  // "GET"
  std::string_view name;    // the path below the base: "user-status"
  Endpoint endpoint;
  // The admin action the pipeline checks before the handler runs. Empty for the endpoints whose
  // action depends on the request (user-status, group-status: the status asked for) or that let
  // users manage their own service accounts: those handlers authorize themselves.
  std::string_view action;
  AdminApiVersion version = AdminApiVersion::kCairnV1;
};

// MinIO's config-kv calls: their argument errors are MinIO's config errors (XMinioConfigError).
bool IsConfigEndpoint(Endpoint endpoint);

// The API version a path belongs to; nullopt for paths below neither base.
std::optional<AdminApiVersion> VersionOf(std::string_view path);

// The endpoint for `method` and the raw request path (which must start with kBasePath or
// kMinioBasePath). Errors: kNotFound for a path no endpoint has, kMethodNotAllowed for a known
// path with another method.
Result<const EndpointSpec*> ResolveEndpoint(std::string_view method, std::string_view path);

}  // namespace cairn::admin
