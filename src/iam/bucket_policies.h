// Bucket policies: the JSON documents PutBucketPolicy stores, kept durable in the SystemStore
// and parsed once into memory, since one is evaluated on every request to its bucket.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/status.h"
#include "iam/policy/policy.h"
#include "storage/system_store.h"

namespace cairn::iam {

class BucketPolicies {
 public:
  static Result<std::unique_ptr<BucketPolicies>> Open(storage::SystemStore& store);

  // Validates (MalformedPolicy with where, resources inside the bucket) and stores.
  Status Put(const std::string& bucket, const std::string& document);
  Status Delete(const std::string& bucket);  // succeeds when there is none
  // The document as stored; kNoSuchBucketPolicy when none.
  Result<std::string> GetText(const std::string& bucket) const;
  // The parsed policy, or null.
  std::shared_ptr<const policy::Policy> Get(const std::string& bucket) const;
  // Reads every stored policy again (another gateway on the same store changed some).
  Status Reload();

 private:
  struct Entry {
    std::string text;
    std::shared_ptr<const policy::Policy> parsed;
  };
  explicit BucketPolicies(storage::SystemStore& store) : store_(store) {}

  storage::SystemStore& store_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry> policies_;  // guarded by mu_
};

}  // namespace cairn::iam
