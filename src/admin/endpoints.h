// The admin API's endpoints: method + path below /cairn/admin/v1/ -> one Endpoint, and the
// MinIO admin action each one needs (docs/admin-api.md). One flat table, so the contract can be
// read in one place and tested without a server.
#pragma once

#include <string_view>

#include "common/status.h"

namespace cairn::admin {

inline constexpr std::string_view kBasePath = "/cairn/admin/v1/";

enum class Endpoint {
  kServerInfo,
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
};

struct EndpointSpec {
  std::string_view method;  // "GET"
  std::string_view name;    // the path below the base: "user-status"
  Endpoint endpoint;
  // The admin action the pipeline checks before the handler runs. Empty for the endpoints whose
  // action depends on the request (user-status, group-status: the status asked for) or that let
  // users manage their own service accounts: those handlers authorize themselves.
  std::string_view action;
};

// The endpoint for `method` and the raw request path (which must start with kBasePath).
// Errors: kNotFound for a path no endpoint has, kMethodNotAllowed for a known path with another
// method.
Result<const EndpointSpec*> ResolveEndpoint(std::string_view method, std::string_view path);

}  // namespace cairn::admin
