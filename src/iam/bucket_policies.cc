#include "iam/bucket_policies.h"

#include <mutex>

namespace cairn::iam {

namespace {
constexpr char kPrefix[] = "bucket-policy/";
constexpr size_t kMaxPolicyBytes = 20 * 1024;  // S3's limit for a bucket policy
}  // namespace

Result<std::unique_ptr<BucketPolicies>> BucketPolicies::Open(storage::SystemStore& store) {
  std::unique_ptr<BucketPolicies> out(new BucketPolicies(store));
  CAIRN_RETURN_IF_ERROR(out->Reload());
  return out;
}

Status BucketPolicies::Reload() {
  // Held from the read: Put and Delete write under it, and a swap must not undo one.
  std::unique_lock lock(mu_);
  std::map<std::string, Entry> loaded;
  CAIRN_ASSIGN_OR_RETURN(auto records, store_.ListSystem(kPrefix));
  for (auto& [key, text] : records) {
    auto parsed = policy::ParsePolicy(text, {policy::PolicyKind::kBucket});
    if (!parsed.ok()) {
      return Status(Code::kCorruption, "stored bucket policy " + key +
                                           " no longer parses: " + parsed.status().message());
    }
    loaded[key.substr(sizeof kPrefix - 1)] = {
        std::move(text), std::make_shared<const policy::Policy>(std::move(parsed).value())};
  }
  policies_ = std::move(loaded);
  return Status::Ok();
}

Status BucketPolicies::Put(const std::string& bucket, const std::string& document) {
  if (document.size() > kMaxPolicyBytes) {
    return Status(Code::kMalformedPolicy, "Policy exceeds the maximum allowed document size.");
  }
  CAIRN_ASSIGN_OR_RETURN(policy::Policy parsed,
                         policy::ParsePolicy(document, {policy::PolicyKind::kBucket}));
  Status resources = policy::CheckBucketPolicyResources(parsed, bucket);
  if (!resources.ok()) return Status(Code::kMalformedPolicy, resources.message());
  std::unique_lock lock(mu_);
  CAIRN_RETURN_IF_ERROR(store_.PutSystem(kPrefix + bucket, document));
  policies_[bucket] = {document, std::make_shared<const policy::Policy>(std::move(parsed))};
  return Status::Ok();
}

Status BucketPolicies::Delete(const std::string& bucket) {
  std::unique_lock lock(mu_);
  CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kPrefix + bucket));
  policies_.erase(bucket);
  return Status::Ok();
}

Result<std::string> BucketPolicies::GetText(const std::string& bucket) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(bucket);
  if (it == policies_.end()) return Status(Code::kNoSuchBucketPolicy, "");
  return it->second.text;
}

std::shared_ptr<const policy::Policy> BucketPolicies::Get(const std::string& bucket) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(bucket);
  return it == policies_.end() ? nullptr : it->second.parsed;
}

}  // namespace cairn::iam
