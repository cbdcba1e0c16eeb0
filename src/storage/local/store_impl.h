// LocalStoreImpl: the single-drive engine behind LocalStore, split by job over the files of this
// folder (buckets, object writes, object reads, listing, multipart, recovery and garbage).
// Internal to storage/; nothing outside includes it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/data/data_dir.h"
#include "storage/local/body_hasher.h"
#include "storage/local_store.h"
#include "storage/records.h"

namespace cairn::storage::local {

using data::DataDir;
using data::DataWriter;
using data::FileId;
using meta::MetaDb;

constexpr uint64_t kMaxInlineThreshold = 1 << 20;
// OpenObject retries when a concurrent overwrite unlinked the file between record and open.
constexpr int kOpenAttempts = 8;
// S3's limits: part numbers 1..10000, so at most 10,000 parts per object.
constexpr int kMaxPartNumber = 10000;
constexpr size_t kMaxParts = 10000;
// Upload ids: 16 hex digits of the initiation time (Unix ns, so ids of one key sort by
// initiation) and 32 hex digits of randomness (unguessable). URL-safe as they are.
constexpr size_t kUploadIdLength = 48;

UploadInfo ToUploadInfo(const std::string& bucket, std::string_view key, std::string upload_id,
                        UploadRecord&& rec);
ObjectInfo ToInfo(const std::string& bucket, std::string_view key, ObjectRecord&& rec);
bool IsUploadId(std::string_view id);
Status NoSuchUpload();

class LocalStoreImpl final : public LocalStore {
 public:
  LocalStoreImpl(const LocalStoreOptions& options, platform::Env* env, std::unique_ptr<MetaDb> db,
                 std::unique_ptr<DataDir> data)
      : options_(options), env_(env), db_(std::move(db)), data_(std::move(data)) {}

  Status Recover();

  // SystemStore: records under kSystemPrefix, unreachable from bucket/key names.
  Result<std::optional<std::string>> GetSystem(std::string_view key) override {
    std::string value;
    Status s = db_->Get(std::string(kSystemPrefix) + std::string(key), &value);
    if (s.code() == Code::kNotFound) return std::optional<std::string>();
    CAIRN_RETURN_IF_ERROR(s);
    return std::optional<std::string>(std::move(value));
  }
  Status PutSystem(std::string_view key, std::string_view value) override {
    return db_->Put(std::string(kSystemPrefix) + std::string(key), value, /*sync=*/true);
  }
  Status DeleteSystem(std::string_view key) override {
    return db_->Delete(std::string(kSystemPrefix) + std::string(key), /*sync=*/true);
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListSystem(
      std::string_view prefix) override {
    std::string full = std::string(kSystemPrefix) + std::string(prefix);
    std::vector<std::pair<std::string, std::string>> out;
    auto it = db_->NewIterator(meta::PrefixSuccessor(full));
    for (it->Seek(full); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key().substr(kSystemPrefix.size())),
                       std::string(it->value()));
    }
    CAIRN_RETURN_IF_ERROR(it->status());
    return out;
  }

  Status CreateBucket(const std::string& bucket, const std::string& region) override;
  Status DeleteBucket(const std::string& bucket) override;
  Result<BucketInfo> GetBucket(const std::string& bucket) override;
  Result<std::vector<BucketInfo>> ListBuckets() override;
  Result<ObjectInfo> PutObject(const std::string& bucket, const std::string& key, ByteSource& body,
                               uint64_t size, const PutOptions& options) override;
  Result<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key) override;
  Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& bucket,
                                                   const std::string& key) override;
  Status DeleteObject(const std::string& bucket, const std::string& key) override;
  Result<ListResult> ListObjects(const std::string& bucket, const ListQuery& query) override;

  Result<UploadInfo> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                           const PutOptions& options) override;
  Result<PartInfo> UploadPart(const std::string& bucket, const std::string& key,
                              const std::string& upload_id, int number, ByteSource& body,
                              uint64_t size, const PartOptions& options) override;
  Result<ObjectInfo> CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id,
                                             const std::vector<CompletedPart>& parts,
                                             const WriteConditions& conditions) override;
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id) override;
  Result<UploadInfo> GetUpload(const std::string& bucket, const std::string& key,
                               const std::string& upload_id) override;
  Result<ListPartsResult> ListParts(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id, int after,
                                    int max_parts) override;
  Result<ListUploadsResult> ListMultipartUploads(const std::string& bucket,
                                                 const ListUploadsQuery& query) override;

 private:
  // kNoSuchBucket unless the bucket record exists.
  Status CheckBucket(const std::string& bucket);
  // The current record of an object; kNotFound when there is none.
  Status ReadObject(const std::string& object_key, ObjectRecord* rec, bool with_data);
  static Status CheckConditions(const WriteConditions& c, const ObjectRecord* current);
  // Commits `rec` as the current version (file-backed: its intent record goes in the same
  // batch), then removes the data file of the version it replaced.
  Result<ObjectInfo> Commit(const std::string& bucket, const std::string& key, ObjectRecord rec,
                            const WriteConditions& conditions);
  // Unlinks a replaced data file whose garbage record is committed, then forgets the record.
  void CollectGarbage(const FileId& id);
  void CollectGarbage(const std::vector<FileId>& ids) {
    for (const FileId& id : ids) CollectGarbage(id);
  }
  // Streams exactly `size` bytes of `body` through the io buffer into `writer`, hashing them.
  Status StreamToFile(ByteSource& body, uint64_t size, BodyHasher& hasher, DataWriter& writer);
  // Streams all of `body` into `writer` (PutObject with kUnknownSize); returns the byte count.
  Result<uint64_t> StreamToEnd(ByteSource& body, BodyHasher& hasher, DataWriter& writer);
  // Writes the intent record, then publishes the finished file (undoing both on failure).
  Status PublishWithIntent(DataWriter& writer);
  // The record of an upload of bucket/key; kNoSuchUpload (or kNoSuchBucket) when absent.
  Result<UploadRecord> ReadUpload(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id);
  // Adds to `batch` the deletion of every part record of `upload_id`, and a garbage record for
  // each part's file, which goes to `files`.
  Status DropParts(const std::string& upload_id, meta::WriteBatch& batch,
                   std::vector<FileId>* files);
  std::mutex& UploadMutex(const std::string& upload_id) {
    return upload_mu_[std::hash<std::string>{}(upload_id) % upload_mu_.size()];
  }
  // Undoes a published, uncommitted data file.
  void DropPublished(const FileId& id);
  std::mutex& KeyMutex(const std::string& object_key) {
    return key_mu_[std::hash<std::string>{}(object_key) % key_mu_.size()];
  }

  const LocalStoreOptions options_;
  platform::Env* const env_;
  const std::unique_ptr<MetaDb> db_;
  const std::unique_ptr<DataDir> data_;
  // Object commits hold it shared; CreateBucket/DeleteBucket exclusive, so a bucket cannot be
  // deleted between an object commit's bucket check and its write.
  std::shared_mutex buckets_mu_;
  // Striped by object key: a commit reads the current record, checks conditions and writes
  // under its stripe, so conditional writes are atomic. Lock order: buckets_mu_, then a stripe.
  std::array<std::mutex, 256> key_mu_;
  // Striped by upload id: part commits, completion and abort of one upload are serialised.
  // Lock order: buckets_mu_, then an upload stripe, then a key stripe.
  std::array<std::mutex, 64> upload_mu_;
};

}  // namespace cairn::storage::local
