#include "s3/bucket_cors.h"

#include <mutex>

namespace cairn::s3 {

namespace {
constexpr char kPrefix[] = "bucket-cors/";
}  // namespace

Result<std::unique_ptr<BucketCors>> BucketCors::Open(storage::SystemStore& store) {
  std::unique_ptr<BucketCors> out(new BucketCors(store));
  CAIRN_RETURN_IF_ERROR(out->Reload());
  return out;
}

Status BucketCors::Reload() {
  // Held from the read: Put and Delete write under it, and a swap must not undo one.
  std::unique_lock lock(mu_);
  std::map<std::string, std::shared_ptr<const CorsConfig>> loaded;
  CAIRN_ASSIGN_OR_RETURN(auto records, store_.ListSystem(kPrefix));
  for (auto& [key, text] : records) {
    Result<CorsConfig> parsed = ParseCorsConfig(text);
    if (!parsed.ok()) {
      return Status(Code::kCorruption, "stored CORS configuration " + key +
                                           " no longer parses: " + parsed.status().message());
    }
    loaded[key.substr(sizeof kPrefix - 1)] =
        std::make_shared<const CorsConfig>(std::move(parsed).value());
  }
  configs_ = std::move(loaded);
  return Status::Ok();
}

Status BucketCors::Put(const std::string& bucket, const CorsConfig& config) {
  std::unique_lock lock(mu_);
  CAIRN_RETURN_IF_ERROR(store_.PutSystem(kPrefix + bucket, CorsConfigXml(config)));
  configs_[bucket] = std::make_shared<const CorsConfig>(config);
  return Status::Ok();
}

Status BucketCors::Delete(const std::string& bucket) {
  std::unique_lock lock(mu_);
  CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kPrefix + bucket));
  configs_.erase(bucket);
  return Status::Ok();
}

std::shared_ptr<const CorsConfig> BucketCors::Get(const std::string& bucket) const {
  std::shared_lock lock(mu_);
  auto it = configs_.find(bucket);
  return it == configs_.end() ? nullptr : it->second;
}

}  // namespace cairn::s3
