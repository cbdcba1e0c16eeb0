// What an ACL means for authorization (docs/acl.md): the canned ACLs, the x-amz-grant-* header
// grammar, which ACL permission admits which S3 action, and whether a grant reaches a caller.
// Pure functions over storage::Acl; PolicyAuthorizer applies them after the policies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/acl.h"

namespace cairn::iam {

inline constexpr std::string_view kAllUsersGroup =
    "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr std::string_view kAuthenticatedUsersGroup =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
inline constexpr std::string_view kLogDeliveryGroup =
    "http://acs.amazonaws.com/groups/s3/LogDelivery";

// One of the three group URIs above.
bool IsKnownGroup(std::string_view uri);

// The canned ACL `name` (x-amz-acl) for a resource owned by `owner` in a bucket owned by
// `bucket_owner`. kInvalidArgumentS3 for a name S3 does not define.
Result<storage::Acl> CannedAcl(std::string_view name, const std::string& owner,
                               const std::string& bucket_owner);

// Parses one x-amz-grant-* value: comma-separated `id="..."`, `uri="..."` or `emailAddress="..."`
// grantees (quotes optional), each becoming a grant of `permission` appended to `out`.
// kInvalidArgumentS3 for a malformed list or an unknown group; kUnresolvableGrantByEmailAddress
// for an e-mail grantee (no account here has one).
Status ParseGrantHeader(std::string_view value, storage::AclPermission permission,
                        std::vector<storage::AclGrant>* out);

// AWS's "public": a grant to AllUsers or AuthenticatedUsers.
bool IsPublicGrant(const storage::AclGrant& grant);
bool IsPublicAcl(const storage::Acl& acl);

std::string_view PermissionName(storage::AclPermission permission);  // "FULL_CONTROL"
std::optional<storage::AclPermission> PermissionFromName(std::string_view name);

// Which ACL an action is judged by, and the permission it needs there ("Mapping of ACL
// permissions and access policy permissions"). nullopt: no ACL grant admits the action.
enum class AclResource { kBucket, kObject };
struct AclNeed {
  AclResource resource;
  storage::AclPermission permission;
};
std::optional<AclNeed> AclNeedFor(std::string_view action);

// The caller as ACL grants see it.
struct AclCaller {
  bool anonymous = true;
  // The canonical id of the account the caller acts as itself (its root user); empty for IAM
  // users and service accounts, whom a grant to their account does not admit on its own (AWS
  // evaluates their own policies for that: the user context).
  std::string account_id;
};

// Whether `acl` grants `needed` (or FULL_CONTROL) to `caller`. With `ignore_public`
// (IgnorePublicAcls) grants to AllUsers and AuthenticatedUsers count for nothing.
bool AclGrants(const storage::Acl& acl, storage::AclPermission needed, const AclCaller& caller,
               bool ignore_public);

}  // namespace cairn::iam
