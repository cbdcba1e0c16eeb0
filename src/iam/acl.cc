#include "iam/acl.h"

#include <cctype>

namespace cairn::iam {

using storage::Acl;
using storage::AclGrant;
using storage::AclPermission;
using storage::GranteeType;

namespace {
AclGrant User(const std::string& id, AclPermission p) {
  return AclGrant{GranteeType::kCanonicalUser, id, p};
}
AclGrant Group(std::string_view uri, AclPermission p) {
  return AclGrant{GranteeType::kGroup, std::string(uri), p};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Status BadGrant(std::string_view why) { return Status(Code::kInvalidArgumentS3, std::string(why)); }
}  // namespace

bool IsKnownGroup(std::string_view uri) {
  return uri == kAllUsersGroup || uri == kAuthenticatedUsersGroup || uri == kLogDeliveryGroup;
}

Result<Acl> CannedAcl(std::string_view name, const std::string& owner,
                      const std::string& bucket_owner) {
  std::vector<AclGrant> grants{User(owner, AclPermission::kFullControl)};
  if (name == "private") {
  } else if (name == "public-read") {
    grants.push_back(Group(kAllUsersGroup, AclPermission::kRead));
  } else if (name == "public-read-write") {
    grants.push_back(Group(kAllUsersGroup, AclPermission::kRead));
    grants.push_back(Group(kAllUsersGroup, AclPermission::kWrite));
  } else if (name == "authenticated-read") {
    grants.push_back(Group(kAuthenticatedUsersGroup, AclPermission::kRead));
  } else if (name == "bucket-owner-read") {
    if (bucket_owner != owner) grants.push_back(User(bucket_owner, AclPermission::kRead));
  } else if (name == "bucket-owner-full-control") {
    if (bucket_owner != owner) {
      grants.push_back(User(bucket_owner, AclPermission::kFullControl));
    }
  } else if (name == "log-delivery-write") {
    grants.push_back(Group(kLogDeliveryGroup, AclPermission::kWrite));
    grants.push_back(Group(kLogDeliveryGroup, AclPermission::kReadAcp));
  } else {
    return BadGrant("The canned ACL '" + std::string(name) + "' is not valid.");
  }
  return Acl(owner, std::move(grants));
}

Status ParseGrantHeader(std::string_view value, AclPermission permission,
                        std::vector<AclGrant>* out) {
  std::string_view rest = value;
  bool any = false;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return BadGrant("Argument format not recognized");
    std::string_view kind = Trim(item.substr(0, eq));
    std::string_view grantee = Trim(item.substr(eq + 1));
    if (grantee.size() >= 2 && grantee.front() == '"' && grantee.back() == '"') {
      grantee = grantee.substr(1, grantee.size() - 2);
    }
    if (grantee.empty() || grantee.find('"') != std::string_view::npos) {
      return BadGrant("Argument format not recognized");
    }
    if (EqualsIgnoreCase(kind, "id")) {
      out->push_back(User(std::string(grantee), permission));
    } else if (EqualsIgnoreCase(kind, "uri")) {
      if (!IsKnownGroup(grantee)) return BadGrant("Invalid group uri");
      out->push_back(Group(grantee, permission));
    } else if (EqualsIgnoreCase(kind, "emailAddress")) {
      return Status(Code::kUnresolvableGrantByEmailAddress, "");
    } else {
      return BadGrant("Argument format not recognized");
    }
    any = true;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (!any) return BadGrant("Argument format not recognized");
  return Status::Ok();
}

bool IsPublicGrant(const AclGrant& grant) {
  return grant.type == GranteeType::kGroup &&
         (grant.grantee == kAllUsersGroup || grant.grantee == kAuthenticatedUsersGroup);
}

bool IsPublicAcl(const Acl& acl) {
  for (const AclGrant& g : acl.grants()) {
    if (IsPublicGrant(g)) return true;
  }
  return false;
}

std::string_view PermissionName(AclPermission permission) {
  switch (permission) {
    case AclPermission::kRead: return "READ";
    case AclPermission::kWrite: return "WRITE";
    case AclPermission::kReadAcp: return "READ_ACP";
    case AclPermission::kWriteAcp: return "WRITE_ACP";
    case AclPermission::kFullControl: return "FULL_CONTROL";
  }
  return "READ";
}

std::optional<AclPermission> PermissionFromName(std::string_view name) {
  for (AclPermission p : {AclPermission::kRead, AclPermission::kWrite, AclPermission::kReadAcp,
                          AclPermission::kWriteAcp, AclPermission::kFullControl}) {
    if (name == PermissionName(p)) return p;
  }
  return std::nullopt;
}

std::optional<AclNeed> AclNeedFor(std::string_view action) {
  struct Row {
    std::string_view action;
    AclResource resource;
    AclPermission permission;
  };
  static constexpr Row kRows[] = {
      {"s3:ListBucket", AclResource::kBucket, AclPermission::kRead},
      {"s3:ListBucketVersions", AclResource::kBucket, AclPermission::kRead},
      {"s3:ListBucketMultipartUploads", AclResource::kBucket, AclPermission::kRead},
      {"s3:PutObject", AclResource::kBucket, AclPermission::kWrite},
      {"s3:DeleteObject", AclResource::kBucket, AclPermission::kWrite},
      {"s3:AbortMultipartUpload", AclResource::kBucket, AclPermission::kWrite},
      {"s3:ListMultipartUploadParts", AclResource::kBucket, AclPermission::kWrite},
      {"s3:GetBucketAcl", AclResource::kBucket, AclPermission::kReadAcp},
      {"s3:PutBucketAcl", AclResource::kBucket, AclPermission::kWriteAcp},
      {"s3:GetObject", AclResource::kObject, AclPermission::kRead},
      {"s3:GetObjectVersion", AclResource::kObject, AclPermission::kRead},
      {"s3:GetObjectAcl", AclResource::kObject, AclPermission::kReadAcp},
      {"s3:GetObjectVersionAcl", AclResource::kObject, AclPermission::kReadAcp},
      {"s3:PutObjectAcl", AclResource::kObject, AclPermission::kWriteAcp},
      {"s3:PutObjectVersionAcl", AclResource::kObject, AclPermission::kWriteAcp},
  };
  for (const Row& row : kRows) {
    if (row.action == action) return AclNeed{row.resource, row.permission};
  }
  return std::nullopt;
}

bool AclGrants(const Acl& acl, AclPermission needed, const AclCaller& caller, bool ignore_public) {
  for (const AclGrant& g : acl.grants()) {
    if (g.permission != needed && g.permission != AclPermission::kFullControl) continue;
    if (g.type == GranteeType::kCanonicalUser) {
      if (!caller.anonymous && !caller.account_id.empty() && g.grantee == caller.account_id) {
        return true;
      }
      continue;
    }
    if (ignore_public && IsPublicGrant(g)) continue;
    if (g.grantee == kAllUsersGroup) return true;
    if (g.grantee == kAuthenticatedUsersGroup && !caller.anonymous) return true;
    // LogDelivery: S3's log delivery service, which this server does not have.
  }
  return false;
}

}  // namespace cairn::iam
