#include "iam/policy_authorizer.h"

#include <chrono>
#include <vector>

#include "common/time.h"
#include "iam/acl.h"

namespace cairn::iam {

namespace {
// Parsed documents are cached by text; a bound keeps a stream of distinct documents from growing
// the cache without end.
constexpr size_t kMaxCachedPolicies = 4096;

// A policy that grants nothing: names of missing policies resolve to it, so a dangling
// attachment denies rather than errs.
const std::shared_ptr<const policy::Policy>& NoPolicy() {
  static const std::shared_ptr<const policy::Policy> none;
  return none;
}
}  // namespace

std::shared_ptr<const policy::Policy> PolicyAuthorizer::ParsedIdentityPolicy(
    const std::string& text) const {
  std::lock_guard lock(cache_mu_);
  auto it = parsed_.find(text);
  if (it != parsed_.end()) return it->second;
  auto parsed = policy::ParsePolicy(text, {policy::PolicyKind::kIdentity});
  std::shared_ptr<const policy::Policy> value =
      parsed.ok() ? std::make_shared<const policy::Policy>(std::move(parsed).value()) : nullptr;
  if (parsed_.size() >= kMaxCachedPolicies) parsed_.clear();
  parsed_.emplace(text, value);
  return value;
}

std::shared_ptr<const policy::Policy> PolicyAuthorizer::NamedPolicy(const std::string& name) const {
  if (const policy::Policy* canned = policy::CannedPolicy(name)) {
    // Canned policies live for the whole process; share them without owning.
    return std::shared_ptr<const policy::Policy>(std::shared_ptr<const policy::Policy>(), canned);
  }
  auto text = iam_.GetPolicy(name);
  if (!text.ok()) return NoPolicy();
  return ParsedIdentityPolicy(*text);
}

bool PolicyAuthorizer::IsAllowed(const AccessRequest& request) const {
  const auth::Identity& identity = *request.identity;
  Principal principal;
  if (!identity.anonymous) {
    auto resolved = iam_.Resolve(identity.access_key);
    if (!resolved.ok()) return false;
    principal = std::move(resolved).value();
    if (principal.root) return true;
  }

  policy::RequestContext context;
  if (identity.anonymous) {
    context.principal_arn = "*";
  } else {
    context.principal_arn = "arn:aws:iam:::user/" + principal.user;
    context.username = principal.user;
    context.values["aws:username"] = {principal.user};
    context.values["aws:userid"] = {principal.user};
    context.values["aws:PrincipalType"] = {"User"};
  }
  TimePoint now = Now();
  context.values["aws:CurrentTime"] = {FormatIso8601(now)};
  context.values["aws:EpochTime"] = {std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())};
  if (!request.remote_ip.empty()) context.values["aws:SourceIp"] = {std::string(request.remote_ip)};
  context.values["aws:SecureTransport"] = {request.secure_transport ? "true" : "false"};
  for (const auto& [key, value] : request.conditions) context.values[key].push_back(value);

  std::string resource = policy::S3ResourceArn(request.bucket, request.key);
  if (request.action.starts_with("admin:")) resource = "arn:aws:s3:::*";
  policy::Request evaluated{request.action, resource, &context};

  // Every policy that bears on the request, gathered before any is evaluated so that costly
  // condition values are fetched only when one of them can use them.
  std::vector<std::shared_ptr<const policy::Policy>> owned;
  std::vector<const policy::Policy*> policies;
  std::shared_ptr<const policy::Policy> session;
  const bool root_service_account =
      !identity.anonymous && principal.service_account && principal.user == iam_.root_access_key();
  if (!identity.anonymous) {
    if (!root_service_account) {
      for (const std::string& name : principal.policies) {
        owned.push_back(NamedPolicy(name));
        policies.push_back(owned.back().get());
      }
    }
    if (!principal.session_policy.empty() || root_service_account) {
      session = ParsedIdentityPolicy(principal.session_policy);
    }
  }
  std::shared_ptr<const policy::Policy> bucket_policy;
  if (!request.bucket.empty()) bucket_policy = bucket_policies_.Get(std::string(request.bucket));

  if (request.existing_object_tags) {
    constexpr std::string_view kExistingTag = "s3:ExistingObjectTag/";
    auto uses = [&](const policy::Policy* p) {
      return p != nullptr && policy::UsesConditionKeyPrefix(*p, request.action, kExistingTag);
    };
    bool needed = uses(session.get()) || uses(bucket_policy.get());
    for (const policy::Policy* p : policies) needed = needed || uses(p);
    if (needed) {
      for (const auto& [key, value] : request.existing_object_tags()) {
        context.values[std::string(kExistingTag) + key].push_back(value);
      }
    }
  }

  policy::Decision identity_decision = policy::Decision::kNoMatch;
  if (!identity.anonymous) {
    if (root_service_account) {
      // A root service account with a session policy has all rights, narrowed by that policy.
      identity_decision =
          session ? policy::Evaluate(*session, evaluated) : policy::Decision::kExplicitDeny;
    } else {
      identity_decision = policy::EvaluateAll(policies, evaluated);
      if (!principal.session_policy.empty() && identity_decision == policy::Decision::kAllow) {
        // A service account's own policy narrows its parent's rights: both must allow.
        policy::Decision narrowed =
            session ? policy::Evaluate(*session, evaluated) : policy::Decision::kExplicitDeny;
        if (narrowed != policy::Decision::kAllow) identity_decision = narrowed;
      }
    }
  }
  if (identity_decision == policy::Decision::kExplicitDeny) return false;

  policy::Decision bucket_decision = policy::Decision::kNoMatch;
  if (bucket_policy) bucket_decision = policy::Evaluate(*bucket_policy, evaluated);
  if (bucket_decision == policy::Decision::kExplicitDeny) return false;
  if (identity_decision == policy::Decision::kAllow) return true;

  // The bucket's access settings matter only from here: for a public policy's Allow to an
  // anonymous caller (RestrictPublicBuckets), and for the ACLs.
  std::optional<storage::BucketInfo> bucket;
  if (store_ != nullptr && !request.bucket.empty()) {
    if (auto found = store_->GetBucket(std::string(request.bucket)); found.ok()) {
      bucket = std::move(found).value();
    }
  }
  if (bucket_decision == policy::Decision::kAllow) {
    // RestrictPublicBuckets: a public policy admits only users of the bucket owner's account
    // (every key of this server), never anonymous callers.
    const auto& block = bucket ? bucket->access.public_access_block : std::nullopt;
    if (!(identity.anonymous && block && block->restrict_public_buckets &&
          policy::IsPublic(*bucket_policy))) {
      return true;
    }
  }
  return bucket && AclAdmits(request, *bucket);
}

bool PolicyAuthorizer::AclAdmits(const AccessRequest& request,
                                 const storage::BucketInfo& bucket) const {
  std::optional<AclNeed> need = AclNeedFor(request.action);
  if (!need) return false;
  // BucketOwnerEnforced: ACLs are disabled, stored ones count for nothing.
  if (bucket.access.ownership == storage::ObjectOwnership::kBucketOwnerEnforced) return false;
  const bool ignore_public =
      bucket.access.public_access_block && bucket.access.public_access_block->ignore_public_acls;
  // The root user, the one caller acting as the account, was admitted before any ACL is read;
  // the callers left are anonymous or IAM users (AclCaller::account_id stays empty).
  AclCaller caller;
  caller.anonymous = request.identity->anonymous;
  if (need->resource == AclResource::kBucket) {
    return AclGrants(bucket.access.acl, need->permission, caller, ignore_public);
  }
  if (request.key.empty()) return false;
  Result<storage::ObjectInfo> object = store_->HeadObject(
      std::string(request.bucket), std::string(request.key), std::string(request.version_id));
  return object.ok() && AclGrants(object->acl, need->permission, caller, ignore_public);
}

}  // namespace cairn::iam
