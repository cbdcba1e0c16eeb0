// Access control lists as storage keeps them: who owns a bucket or an object version, and the
// grants it carries. The meaning (which request a grant admits) is iam's (iam/acl.h); the XML
// and the headers are s3's. Stored in the bucket record's access section and in the object
// version record (docs/storage-format.md); a record without them means "private, owned by the
// root account" (kRootCanonicalId).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::storage {

// The canonical id of the root account, written as MinIO writes its one owner, so that clients
// comparing owner ids across calls see one account. IAM users and service accounts of this
// server belong to it, as users of one AWS account share the account's id.
inline constexpr char kRootCanonicalId[] =
    "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4";

enum class AclPermission : uint8_t {
  kRead = 1,
  kWrite = 2,
  kReadAcp = 3,
  kWriteAcp = 4,
  kFullControl = 5,
};

enum class GranteeType : uint8_t {
  kCanonicalUser = 1,  // `grantee` is a canonical id
  kGroup = 2,          // `grantee` is a group URI (http://acs.amazonaws.com/groups/global/AllUsers)
};

struct AclGrant {
  GranteeType type = GranteeType::kCanonicalUser;
  std::string grantee;
  AclPermission permission = AclPermission::kRead;
  bool operator==(const AclGrant&) const = default;
};

// An owner and its grants. A value type, cheap to copy: the state is shared and copied on
// write, and the default ("private", owned by the root account, which nearly every record
// carries) holds no state at all, so decoding and copying such a record allocates nothing.
class Acl {
 public:
  Acl() = default;  // Private() of the root account
  Acl(std::string owner, std::vector<AclGrant> grants);

  // "private": the owner has FULL_CONTROL, nobody else anything.
  static Acl Private(std::string_view owner = kRootCanonicalId);

  const std::string& owner() const { return state_ ? state_->owner : RootPrivate().owner; }
  const std::vector<AclGrant>& grants() const {
    return state_ ? state_->grants : RootPrivate().grants;
  }
  void AddGrant(AclGrant grant);

  bool IsDefault() const;
  friend bool operator==(const Acl& a, const Acl& b) {
    return a.state_ == b.state_ || (a.owner() == b.owner() && a.grants() == b.grants());
  }

 private:
  struct State {
    std::string owner;
    std::vector<AclGrant> grants;
  };
  static const State& RootPrivate();

  std::shared_ptr<const State> state_;  // null: RootPrivate()
};

// A bucket's object ownership setting (PutBucketOwnershipControls). kNone: none recorded, which
// behaves as kObjectWriter (ACLs enabled) and reads back as OwnershipControlsNotFoundError.
enum class ObjectOwnership : uint8_t {
  kNone = 0,
  kObjectWriter = 1,
  kBucketOwnerPreferred = 2,
  kBucketOwnerEnforced = 3,  // ACLs disabled: stored ACLs are ignored, new ones refused
};

// A bucket's public access block (PutPublicAccessBlock).
struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
  bool operator==(const PublicAccessBlock&) const = default;
};

// Everything about who may reach a bucket that its record keeps (the bucket policy is kept apart,
// by iam::BucketPolicies).
struct BucketAccess {
  Acl acl;
  ObjectOwnership ownership = ObjectOwnership::kNone;
  std::optional<PublicAccessBlock> public_access_block;  // nullopt: none configured
  bool operator==(const BucketAccess&) const = default;
  bool IsDefault() const { return *this == BucketAccess{}; }
};

}  // namespace cairn::storage
