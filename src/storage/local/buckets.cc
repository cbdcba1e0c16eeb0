#include "storage/local/store_impl.h"

namespace cairn::storage::local {

Status LocalStoreImpl::CheckBucket(const std::string& bucket) {
  std::string value;
  Status s = db_->Get(BucketKey(bucket), &value);
  if (s.code() == Code::kNotFound) {
    return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
  }
  return s;
}

Status LocalStoreImpl::ReadObject(const std::string& object_key, ObjectRecord* rec,
                                  bool with_data) {
  std::string value;
  CAIRN_RETURN_IF_ERROR(db_->Get(object_key, &value));
  return DecodeObjectRecord(value, rec, with_data);
}

Status LocalStoreImpl::CreateBucket(const std::string& bucket, const std::string& region) {
  if (bucket.empty() || bucket.find('/') != std::string::npos) {
    return Status(Code::kInvalidBucketName, "bucket names contain no '/'");
  }
  std::unique_lock lock(buckets_mu_);
  std::string value;
  Status s = db_->Get(BucketKey(bucket), &value);
  if (s.ok()) return Status(Code::kBucketAlreadyOwnedByYou, "bucket already exists");
  if (s.code() != Code::kNotFound) return s;
  return db_->Put(BucketKey(bucket), EncodeBucketRecord({Now(), region}), /*sync=*/true);
}

Status LocalStoreImpl::DeleteBucket(const std::string& bucket) {
  std::vector<FileId> garbage;
  {
    std::unique_lock lock(buckets_mu_);
    CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
    const std::string objects = ObjectPrefix(bucket);
    auto it = db_->NewIterator(meta::PrefixSuccessor(objects));
    it->Seek(objects);
    if (it->Valid()) return Status(Code::kBucketNotEmpty, "the bucket is not empty");
    CAIRN_RETURN_IF_ERROR(it->status());
    // Uploads in progress do not keep the bucket: they are aborted in the same batch (as
    // `aws s3 rb --force` expects after aborting what it can see).
    meta::WriteBatch batch;
    const std::string uploads = UploadPrefix(bucket);
    auto up = db_->NewIterator(meta::PrefixSuccessor(uploads));
    for (up->Seek(uploads); up->Valid(); up->Next()) {
      std::string key, upload_id;
      if (ParseUploadKeySuffix(up->key().substr(uploads.size()), &key, &upload_id)) {
        CAIRN_RETURN_IF_ERROR(DropParts(upload_id, batch, &garbage));
      }
      batch.Delete(up->key());
    }
    CAIRN_RETURN_IF_ERROR(up->status());
    batch.Delete(BucketKey(bucket));
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  CollectGarbage(garbage);
  return Status::Ok();
}

Result<BucketInfo> LocalStoreImpl::GetBucket(const std::string& bucket) {
  std::string value;
  Status s = db_->Get(BucketKey(bucket), &value);
  if (s.code() == Code::kNotFound) {
    return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
  }
  CAIRN_RETURN_IF_ERROR(s);
  BucketRecord rec;
  CAIRN_RETURN_IF_ERROR(DecodeBucketRecord(value, &rec));
  return BucketInfo{bucket, rec.created, rec.region};
}

Result<std::vector<BucketInfo>> LocalStoreImpl::ListBuckets() {
  std::vector<BucketInfo> out;
  auto it = db_->NewIterator(meta::PrefixSuccessor(kBucketPrefix));
  for (it->Seek(kBucketPrefix); it->Valid(); it->Next()) {
    BucketRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeBucketRecord(it->value(), &rec));
    out.push_back(
        BucketInfo{std::string(it->key().substr(kBucketPrefix.size())), rec.created, rec.region});
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace cairn::storage::local
