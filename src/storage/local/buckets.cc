// Buckets: their records in the index, mirrored in memory so that every object call learns the
// bucket's existence and versioning state without an index read.
#include "storage/local/store_impl.h"

#include <spdlog/spdlog.h>

namespace cairn::storage::local {

namespace {
Status NoSuchBucket() { return Status(Code::kNoSuchBucket, "the specified bucket does not exist"); }
}  // namespace

Status LocalStoreImpl::LoadBuckets() {
  // Read first, then swap: a refresh on a shared index never holds readers up for a scan.
  std::unordered_map<std::string, BucketRecord> loaded;
  auto it = index_->NewIterator(meta::PrefixSuccessor(kBucketPrefix));
  for (it->Seek(kBucketPrefix); it->Valid(); it->Next()) {
    BucketRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeBucketRecord(it->value(), &rec));
    loaded.emplace(std::string(it->key().substr(kBucketPrefix.size())), std::move(rec));
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  std::unique_lock lock(cache_mu_);
  bucket_cache_ = std::move(loaded);
  return Status::Ok();
}

std::optional<BucketRecord> LocalStoreImpl::MissedBucket(const std::string& bucket) const {
  // One process owning the store: its mirror is the truth. On a shared index another gateway
  // may have made the bucket since the last refresh: the index answers.
  if (options_.bucket_refresh.count() <= 0) return std::nullopt;
  std::string value;
  BucketRecord rec;
  if (!index_->Get(BucketKey(bucket), &value).ok() || !DecodeBucketRecord(value, &rec).ok()) {
    return std::nullopt;
  }
  std::unique_lock lock(cache_mu_);
  bucket_cache_[bucket] = rec;
  return rec;
}

void LocalStoreImpl::RefreshBuckets() {
  std::unique_lock lock(refresh_mu_);
  while (!refresh_cv_.wait_for(lock, options_.bucket_refresh, [this] { return stopping_; })) {
    lock.unlock();
    if (Status s = LoadBuckets(); !s.ok()) {
      spdlog::warn("storage: cannot refresh the bucket records: {}", s.ToString());
    }
    // A gateway that died between publish and commit left an intent no restart of its own may
    // ever sweep: the others do, once it is old enough.
    if (options_.intent_grace.count() > 0 && Now() - last_sweep_ >= options_.intent_grace / 4) {
      last_sweep_ = Now();
      if (Status s = SweepLeftovers(); !s.ok()) {
        spdlog::warn("storage: cannot sweep leftover data: {}", s.ToString());
      }
    }
    lock.lock();
  }
}

Result<BucketRecord> LocalStoreImpl::CachedBucket(const std::string& bucket) const {
  {
    std::shared_lock lock(cache_mu_);
    auto found = bucket_cache_.find(bucket);
    if (found != bucket_cache_.end()) return found->second;
  }
  if (auto rec = MissedBucket(bucket)) return *std::move(rec);
  return NoSuchBucket();
}

Result<Versioning> LocalStoreImpl::BucketState(const std::string& bucket) const {
  {
    std::shared_lock lock(cache_mu_);
    auto found = bucket_cache_.find(bucket);
    if (found != bucket_cache_.end()) return found->second.versioning;
  }
  if (auto rec = MissedBucket(bucket)) return rec->versioning;
  return NoSuchBucket();
}

Status LocalStoreImpl::CheckBucket(const std::string& bucket) {
  {
    std::shared_lock lock(cache_mu_);
    if (bucket_cache_.count(bucket) != 0) return Status::Ok();
  }
  return MissedBucket(bucket) ? Status::Ok() : NoSuchBucket();
}

Status LocalStoreImpl::StoreBucket(const std::string& bucket, const BucketRecord& rec) {
  CAIRN_RETURN_IF_ERROR(PutKey(BucketKey(bucket), EncodeBucketRecord(rec), /*sync=*/true));
  std::unique_lock lock(cache_mu_);
  bucket_cache_[bucket] = rec;
  return Status::Ok();
}

Status LocalStoreImpl::ReadObject(const std::string& object_key, ObjectRecord* rec, bool with_data,
                                  IndexBatch* expect) {
  std::string value;
  Status s = index_->Get(object_key, &value);
  if (expect != nullptr && s.ok()) expect->ExpectValue(object_key, value);
  if (expect != nullptr && s.code() == Code::kNotFound) expect->ExpectAbsent(object_key);
  CAIRN_RETURN_IF_ERROR(s);
  return DecodeObjectRecord(value, rec, with_data);
}

Status LocalStoreImpl::CreateBucket(const std::string& bucket, const std::string& region,
                                    bool object_lock, const BucketAccess& access) {
  if (bucket.empty() || bucket.find('/') != std::string::npos) {
    return Status(Code::kInvalidBucketName, "bucket names contain no '/'");
  }
  std::unique_lock lock(buckets_mu_);
  if (CheckBucket(bucket).ok()) {
    return Status(Code::kBucketAlreadyOwnedByYou, "bucket already exists");
  }
  BucketRecord rec;
  rec.created = Now();
  rec.region = region;
  rec.access = access;
  if (object_lock) {
    rec.versioning = Versioning::kEnabled;
    rec.object_lock = true;
  }
  // Expected absent: on a shared index another gateway may make it at the same moment (one of
  // the two wins), and a sharded index makes the bucket's layout with its record.
  IndexBatch batch;
  batch.ExpectAbsent(BucketKey(bucket));
  batch.Put(BucketKey(bucket), EncodeBucketRecord(rec));
  Status made = index_->Write(batch, /*sync=*/true);
  if (made.code() == Code::kConditionalRequestConflict) {
    return Status(Code::kBucketAlreadyOwnedByYou, "bucket already exists");
  }
  CAIRN_RETURN_IF_ERROR(made);
  std::unique_lock cache_lock(cache_mu_);
  bucket_cache_[bucket] = rec;
  return Status::Ok();
}

Status LocalStoreImpl::DeleteBucket(const std::string& bucket) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  // Older versions and delete markers keep a bucket as live objects do (as in S3).
  for (const std::string& held : {ObjectPrefix(bucket), VersionPrefix(bucket)}) {
    auto it = index_->NewIterator(meta::PrefixSuccessor(held));
    it->Seek(held);
    if (it->Valid()) return Status(Code::kBucketNotEmpty, "the bucket is not empty");
    CAIRN_RETURN_IF_ERROR(it->status());
  }
  // Uploads in progress do not keep the bucket (as `aws s3 rb --force` expects after aborting
  // what it can see): each is aborted in a batch of its own, so that every batch stays within
  // one object's keys (a sharded index keeps those together), and its parts' data collected
  // at once (a sharded index finds the bucket not empty while garbage records are in it);
  // then the bucket goes. A crash in between leaves the bucket with fewer uploads, counted as
  // such, and garbage records the leftovers sweep finishes.
  std::vector<std::pair<std::string, std::string>> uploads;  // key, upload id
  const std::string prefix = UploadPrefix(bucket);
  auto up = index_->NewIterator(meta::PrefixSuccessor(prefix));
  for (up->Seek(prefix); up->Valid(); up->Next()) {
    std::string key, upload_id;
    if (ParseEscapedKey(up->key().substr(prefix.size()), &key, &upload_id)) {
      uploads.emplace_back(std::move(key), std::move(upload_id));
    } else {
      IndexBatch batch;  // a key that does not parse names no parts: deleted alone
      batch.Delete(up->key());
      CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
    }
  }
  CAIRN_RETURN_IF_ERROR(up->status());
  for (const auto& [key, upload_id] : uploads) {
    IndexBatch batch;
    UsageDelta usage;
    usage.Upload(-1);
    std::vector<FileId> files;
    CAIRN_RETURN_IF_ERROR(DropParts(bucket, key, upload_id, batch, &files, &usage));
    batch.Delete(UploadKey(bucket, key, upload_id));
    usage.AddTo(batch, bucket);
    CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
    CollectGarbage(bucket, key, files);
  }
  IndexBatch batch;
  batch.Delete(BucketKey(bucket));
  batch.Delete(UsageKey(bucket));
  CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
  std::unique_lock cache_lock(cache_mu_);
  bucket_cache_.erase(bucket);
  return Status::Ok();
}

Result<BucketInfo> LocalStoreImpl::GetBucket(const std::string& bucket) {
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  return BucketInfo{bucket,          rec.created,           rec.region,           rec.versioning,
                    rec.object_lock, rec.default_retention, std::move(rec.access)};
}

Result<std::vector<BucketInfo>> LocalStoreImpl::ListBuckets() {
  // On a shared index the list comes from the index: a bucket another gateway made just now.
  if (options_.bucket_refresh.count() > 0) CAIRN_RETURN_IF_ERROR(LoadBuckets());
  std::vector<BucketInfo> out;
  {
    std::shared_lock lock(cache_mu_);
    out.reserve(bucket_cache_.size());
    for (const auto& [name, rec] : bucket_cache_) {
      out.push_back(BucketInfo{name, rec.created, rec.region, rec.versioning, rec.object_lock,
                               rec.default_retention, rec.access});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const BucketInfo& a, const BucketInfo& b) { return a.name < b.name; });
  return out;
}

Status LocalStoreImpl::SetBucketVersioning(const std::string& bucket, Versioning state) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  if (state == Versioning::kUnversioned && rec.versioning != Versioning::kUnversioned) {
    return Status(Code::kInvalidArgument, "a versioned bucket cannot become unversioned");
  }
  if (rec.object_lock && state != Versioning::kEnabled) {
    return Status(Code::kInvalidBucketState,
                  "An Object Lock configuration is present on this bucket, so the versioning "
                  "state cannot be changed.");
  }
  if (rec.versioning == state) return Status::Ok();
  rec.versioning = state;
  return StoreBucket(bucket, rec);
}

Status LocalStoreImpl::SetBucketObjectLock(const std::string& bucket,
                                           const DefaultRetention& default_retention) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  if (!rec.object_lock && rec.versioning != Versioning::kEnabled) {
    return Status(Code::kInvalidBucketState,
                  "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                  "configuration");
  }
  rec.object_lock = true;
  rec.default_retention = default_retention;
  return StoreBucket(bucket, rec);
}

Status LocalStoreImpl::UpdateBucketAccess(const std::string& bucket,
                                          const std::function<Status(BucketAccess&)>& change) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  CAIRN_RETURN_IF_ERROR(change(rec.access));
  return StoreBucket(bucket, rec);
}

Status LocalStoreImpl::SetBucketTags(const std::string& bucket, const Tags& tags) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  rec.tags = tags;
  return StoreBucket(bucket, rec);
}

Result<Tags> LocalStoreImpl::GetBucketTags(const std::string& bucket) {
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  return std::move(rec.tags);
}

Status LocalStoreImpl::SetBucketLifecycle(const std::string& bucket,
                                          const std::optional<LifecycleConfiguration>& config) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  rec.lifecycle = config;
  return StoreBucket(bucket, rec);
}

Result<std::optional<LifecycleConfiguration>> LocalStoreImpl::GetBucketLifecycle(
    const std::string& bucket) {
  std::shared_lock lock(cache_mu_);
  auto found = bucket_cache_.find(bucket);
  if (found == bucket_cache_.end()) return NoSuchBucket();
  return found->second.lifecycle;
}

}  // namespace cairn::storage::local

namespace cairn::storage::local {

Status LocalStoreImpl::SetBucketEncryption(const std::string& bucket,
                                           const std::optional<BucketEncryption>& config) {
  if (config) {
    if (kms() == nullptr) {
      return Status(Code::kNotImplemented,
                    "Server side encryption specified but KMS is not configured");
    }
    if (!config->kms_key_id.empty() && !kms()->HasKey(config->kms_key_id)) {
      return Status(Code::kKmsKeyNotFound, "the KMS has no key '" + config->kms_key_id + "'");
    }
  }
  std::unique_lock lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord rec, CachedBucket(bucket));
  rec.encryption = config;
  return StoreBucket(bucket, rec);
}

Result<std::optional<BucketEncryption>> LocalStoreImpl::GetBucketEncryption(
    const std::string& bucket) {
  std::shared_lock lock(cache_mu_);
  auto found = bucket_cache_.find(bucket);
  if (found == bucket_cache_.end()) return NoSuchBucket();
  return found->second.encryption;
}

}  // namespace cairn::storage::local
