#include "storage/acl.h"

#include <utility>

namespace cairn::storage {

const Acl::State& Acl::RootPrivate() {
  static const State kState{
      kRootCanonicalId,
      {AclGrant{GranteeType::kCanonicalUser, kRootCanonicalId, AclPermission::kFullControl}}};
  return kState;
}

Acl::Acl(std::string owner, std::vector<AclGrant> grants) {
  const State& root = RootPrivate();
  if (owner == root.owner && grants == root.grants) return;  // the default keeps no state
  state_ = std::make_shared<const State>(State{std::move(owner), std::move(grants)});
}

Acl Acl::Private(std::string_view owner) {
  std::string id(owner);
  std::vector<AclGrant> grants{
      AclGrant{GranteeType::kCanonicalUser, id, AclPermission::kFullControl}};
  return Acl(std::move(id), std::move(grants));
}

void Acl::AddGrant(AclGrant grant) {
  std::vector<AclGrant> grants = this->grants();
  grants.push_back(std::move(grant));
  *this = Acl(owner(), std::move(grants));
}

bool Acl::IsDefault() const {
  return state_ == nullptr;  // the constructor folds every equal value into the null state
}

}  // namespace cairn::storage
