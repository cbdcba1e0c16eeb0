// Buckets' CORS configurations: stored durably in the SystemStore as `bucket-cors/<bucket>`
// (the XML as GetBucketCors renders it) and kept parsed in memory, since every request that
// carries an Origin header consults its bucket's rules.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "common/status.h"
#include "s3/cors.h"
#include "storage/system_store.h"

namespace cairn::s3 {

class BucketCors {
 public:
  // Loads every stored configuration; kCorruption if one no longer parses.
  static Result<std::unique_ptr<BucketCors>> Open(storage::SystemStore& store);

  Status Put(const std::string& bucket, const CorsConfig& config);
  Status Delete(const std::string& bucket);  // succeeds when there is none
  // The configuration, or null when the bucket has none.
  std::shared_ptr<const CorsConfig> Get(const std::string& bucket) const;
  // Reads every stored configuration again (another gateway on the same store changed some).
  Status Reload();

 private:
  explicit BucketCors(storage::SystemStore& store) : store_(store) {}

  storage::SystemStore& store_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const CorsConfig>> configs_;  // guarded by mu_
};

}  // namespace cairn::s3
