// The Authorizer as AWS evaluates access: the root user may do everything; otherwise an explicit
// Deny in any applicable policy wins; otherwise an Allow from the caller's own policies (its
// user's and enabled groups', narrowed by a service account's own policy) or from the bucket's
// policy grants access; otherwise an ACL grant of the bucket or object admits (iam/acl.h, read
// from the store); otherwise it is denied. Anonymous callers have only bucket policies and ACLs.
// The bucket's public access block and ownership controls shape the last two: IgnorePublicAcls
// and BucketOwnerEnforced silence ACLs, RestrictPublicBuckets keeps a public bucket policy from
// admitting anonymous callers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "iam/authorizer.h"
#include "iam/bucket_policies.h"
#include "iam/iam_store.h"
#include "iam/policy/policy.h"
#include "storage/object_store.h"

namespace cairn::iam {

class PolicyAuthorizer final : public Authorizer {
 public:
  // Without `store` no ACL is consulted (policies alone decide).
  PolicyAuthorizer(const IamStore& iam, const BucketPolicies& bucket_policies,
                   storage::ObjectStore* store = nullptr)
      : iam_(iam), bucket_policies_(bucket_policies), store_(store) {}
  bool IsAllowed(const AccessRequest& request) const override;

 private:
  // A named policy (canned, or stored in the IamStore), parsed once per document text.
  std::shared_ptr<const policy::Policy> NamedPolicy(const std::string& name) const;
  std::shared_ptr<const policy::Policy> ParsedIdentityPolicy(const std::string& text) const;

  const IamStore& iam_;
  // Whether an ACL grant of the request's bucket or object admits it (after the policies).
  bool AclAdmits(const AccessRequest& request, const storage::BucketInfo& bucket) const;

  const BucketPolicies& bucket_policies_;
  storage::ObjectStore* const store_;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const policy::Policy>>
      parsed_;  // guarded by cache_mu_, keyed by document text
};

}  // namespace cairn::iam
