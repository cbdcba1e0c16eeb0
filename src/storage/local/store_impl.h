// LocalStoreImpl: the single-drive engine behind LocalStore, split by job over the files of this
// folder (buckets, object writes, object reads, listing, multipart, recovery and garbage).
// Internal to storage/; nothing outside includes it.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/blobs/blob_store.h"
#include "storage/crypto/package_stream.h"
#include "storage/index/index.h"
#include "storage/local/body_hasher.h"
#include "storage/local/usage.h"
#include "storage/local_store.h"
#include "storage/records.h"

namespace cairn::storage::local {

using blobs::BlobStore;
using blobs::BlobWriter;
using FileId = blobs::BlobId;
using index::Index;
using index::IndexBatch;
using index::IndexIterator;

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
// `state` decides how the version id shows: not at all in a bucket never versioned.
ObjectInfo ToInfo(const std::string& bucket, std::string_view key, ObjectRecord&& rec,
                  Versioning state);
// Whether `rec` is the version a client named ("null" or an id).
bool IsVersion(const ObjectRecord& rec, std::string_view version_id);
bool IsUploadId(std::string_view id);
Status NoSuchUpload();

// What a back end of several drives adds beside the engine, which never learns about drives:
// their health, a gate for reads, heals, and the background work behind them. The engine
// destroys it (stopping its threads) before its index and blobs.
class StoreCompanion {
 public:
  virtual ~StoreCompanion() = default;
  virtual StoreHealth Health() const = 0;
  // kUnavailable when too few drives answer for a read (metadata alone would still answer).
  virtual Status CheckRead() const = 0;
  virtual Result<HealSummary> Heal(const HealRequest& request) = 0;
};

// One blob a record refers to, as ForEachBlob finds it.
struct BlobRef {
  std::string bucket;
  std::string key;  // "" for a part of an upload in progress
  FileId id;
};

class LocalStoreImpl final : public LocalStore {
 public:
  LocalStoreImpl(const LocalStoreOptions& options, platform::Env* env, std::unique_ptr<Index> index,
                 std::unique_ptr<BlobStore> data, std::function<StoreHealth()> health)
      : options_(options),
        env_(env),
        index_(std::move(index)),
        data_(std::move(data)),
        health_(std::move(health)) {}

  StoreHealth Health() const override { return companion_ ? companion_->Health() : health_(); }
  std::shared_ptr<ScanLease> scan_lease() const override { return options_.scan_lease; }
  Result<HealSummary> Heal(const HealRequest& request) override {
    if (companion_) return companion_->Heal(request);
    return Status(Code::kNotImplemented, "heal needs an erasure set: this server has one drive");
  }
  ~LocalStoreImpl() override {
    {
      std::lock_guard lock(refresh_mu_);
      stopping_ = true;
    }
    refresh_cv_.notify_all();
    if (refresher_.joinable()) refresher_.join();
  }
  // Gives the store its companion (once, right after Recover, before any request).
  void Attach(std::unique_ptr<StoreCompanion> companion) { companion_ = std::move(companion); }

  // Visits every blob the records of `request.bucket` ("" = all buckets) with keys under
  // `request.prefix` refer to: live versions, older versions, completed multipart objects' parts
  // and the parts of uploads in progress. Stops early (OK) when `visit` returns false.
  Status ForEachBlob(const HealRequest& request, const std::function<bool(const BlobRef&)>& visit);

  Status Recover();
  Status SweepLeftovers() override;

  // SystemStore: records under kSystemPrefix, unreachable from bucket/key names.
  Result<std::optional<std::string>> GetSystem(std::string_view key) override {
    std::string value;
    Status s = index_->Get(std::string(kSystemPrefix) + std::string(key), &value);
    if (s.code() == Code::kNotFound) return std::optional<std::string>();
    CAIRN_RETURN_IF_ERROR(s);
    return std::optional<std::string>(std::move(value));
  }
  // Each change adds one to the generation counter in the same batch (counters never conflict).
  // The other gateways are then signalled (LocalStoreOptions::change_signal).
  Status PutSystem(std::string_view key, std::string_view value) override {
    IndexBatch batch;
    batch.Put(std::string(kSystemPrefix) + std::string(key), value);
    batch.AddCounters(kSystemGenerationKey, {1});
    return Signalled(index_->Write(batch, /*sync=*/true));
  }
  Status DeleteSystem(std::string_view key) override {
    IndexBatch batch;
    batch.Delete(std::string(kSystemPrefix) + std::string(key));
    batch.AddCounters(kSystemGenerationKey, {1});
    return Signalled(index_->Write(batch, /*sync=*/true));
  }
  std::shared_ptr<ChangeSignal> change_signal() const override { return options_.change_signal; }
  Result<uint64_t> SystemGeneration() override {
    std::vector<int64_t> counters;
    CAIRN_RETURN_IF_ERROR(index_->GetCounters(kSystemGenerationKey, &counters));
    return counters.empty() ? uint64_t{0} : static_cast<uint64_t>(counters[0]);
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListSystem(
      std::string_view prefix) override {
    std::string full = std::string(kSystemPrefix) + std::string(prefix);
    std::vector<std::pair<std::string, std::string>> out;
    auto it = index_->NewIterator(meta::PrefixSuccessor(full));
    for (it->Seek(full); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key().substr(kSystemPrefix.size())),
                       std::string(it->value()));
    }
    CAIRN_RETURN_IF_ERROR(it->status());
    return out;
  }

  Status CreateBucket(const std::string& bucket, const std::string& region, bool object_lock,
                      const BucketAccess& access) override;
  Status UpdateBucketAccess(const std::string& bucket,
                            const std::function<Status(BucketAccess&)>& change) override;
  Result<std::string> SetObjectAcl(const std::string& bucket, const std::string& key,
                                   const std::string& version_id, const Acl& acl) override;
  Status SetBucketObjectLock(const std::string& bucket,
                             const DefaultRetention& default_retention) override;
  Result<std::string> SetObjectRetention(const std::string& bucket, const std::string& key,
                                         const std::string& version_id, RetentionMode mode,
                                         TimePoint retain_until, bool bypass_governance) override;
  Result<std::string> SetObjectLegalHold(const std::string& bucket, const std::string& key,
                                         const std::string& version_id, bool on) override;
  Status DeleteBucket(const std::string& bucket) override;
  Result<BucketInfo> GetBucket(const std::string& bucket) override;
  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status SetBucketVersioning(const std::string& bucket, Versioning state) override;
  Status SetBucketTags(const std::string& bucket, const Tags& tags) override;
  Result<Tags> GetBucketTags(const std::string& bucket) override;
  Status SetBucketLifecycle(const std::string& bucket,
                            const std::optional<LifecycleConfiguration>& config) override;
  Result<std::optional<LifecycleConfiguration>> GetBucketLifecycle(
      const std::string& bucket) override;
  Result<ObjectInfo> PutObject(const std::string& bucket, const std::string& key, ByteSource& body,
                               uint64_t size, const PutOptions& options) override;
  Result<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                const std::string& version_id) override;
  Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& bucket,
                                                   const std::string& key,
                                                   const std::string& version_id,
                                                   const ReadOptions& read) override;
  Status SetBucketEncryption(const std::string& bucket,
                             const std::optional<BucketEncryption>& config) override;
  Result<std::optional<BucketEncryption>> GetBucketEncryption(const std::string& bucket) override;
  Result<std::optional<ObjectInfo>> LatestDeleteMarker(const std::string& bucket,
                                                       const std::string& key) override;
  Result<DeleteResult> DeleteObject(const std::string& bucket, const std::string& key,
                                    const std::string& version_id,
                                    const DeleteOptions& options) override;
  Result<std::string> SetObjectTags(const std::string& bucket, const std::string& key,
                                    const std::string& version_id, const Tags& tags) override;
  Result<ListResult> ListObjects(const std::string& bucket, const ListQuery& query) override;
  Result<VersionListResult> ListObjectVersions(const std::string& bucket,
                                               const VersionListQuery& query) override;

  Result<UploadInfo> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                           const PutOptions& options) override;
  Result<PartInfo> UploadPart(const std::string& bucket, const std::string& key,
                              const std::string& upload_id, int number, ByteSource& body,
                              uint64_t size, const PartOptions& options) override;
  Result<ObjectInfo> CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id,
                                             const std::vector<CompletedPart>& parts,
                                             const CompleteOptions& options) override;
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id) override;
  Result<UploadInfo> GetUpload(const std::string& bucket, const std::string& key,
                               const std::string& upload_id) override;
  Result<ListPartsResult> ListParts(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id, int after,
                                    int max_parts) override;
  Result<ListUploadsResult> ListMultipartUploads(const std::string& bucket,
                                                 const ListUploadsQuery& query) override;
  Result<BucketUsage> GetBucketUsage(const std::string& bucket) override;

 private:
  Status CheckRead() const { return companion_ ? companion_->CheckRead() : Status::Ok(); }
  // One key written or deleted alone, as a batch of one.
  Status PutKey(std::string_view key, std::string_view value, bool sync) {
    IndexBatch batch;
    batch.Put(key, value);
    return index_->Write(batch, sync);
  }
  Status DeleteKey(std::string_view key, bool sync) {
    IndexBatch batch;
    batch.Delete(key);
    return index_->Write(batch, sync);
  }
  // Every blob of one bucket under `prefix` (ForEachBlob's work); false: `visit` stopped it.
  Result<bool> ForEachBlobOf(const std::string& bucket, const std::string& prefix,
                             const std::function<bool(const BlobRef&)>& visit);
  // kNoSuchBucket unless the bucket record exists.
  Status CheckBucket(const std::string& bucket);
  // The bucket's record from the in-memory mirror; kNoSuchBucket.
  Result<BucketRecord> CachedBucket(const std::string& bucket) const;
  // Only the versioning state (the read path's question: no record copy).
  Result<Versioning> BucketState(const std::string& bucket) const;
  // The version of bucket/key a read names, with its stored bytes: kNoSuchBucket, kNoSuchKey,
  // kNoSuchVersion, or kMethodNotAllowed for a delete marker. The live latest comes through
  // the index's value cache, so `value` may be shared with it (never modify it).
  Status ReadVersion(const std::string& bucket, const std::string& key,
                     const std::string& version_id, std::shared_ptr<const std::string>* value,
                     ObjectRecord* rec, Versioning* state);
  // Writes a changed bucket record and its mirror; the caller holds buckets_mu_ exclusively.
  Status StoreBucket(const std::string& bucket, const BucketRecord& rec);
  // Loads every bucket record into the mirror (at start-up, and every bucket_refresh).
  Status LoadBuckets();
  // A bucket not in the mirror, read from the index when it is shared (and mirrored then).
  std::optional<BucketRecord> MissedBucket(const std::string& bucket) const;
  // The refresher thread's loop (bucket_refresh > 0).
  void RefreshBuckets();
  // Counts every bucket's usage from its records, once per store (the upgrade to counters):
  // writes the counters and kUsageCountedKey in one batch. At open, before any commit.
  Status CountUsageOnce();

  // ---- Versions (versions.cc). The caller holds the key's stripe. ----
  // Adds to `batch` the commit of `rec` as the newest version of bucket/key under the bucket's
  // versioning `state`: stamps it, moves the live version it supersedes into the history (or
  // discards it, when both are the null version), drops a replaced null version from the
  // history, and puts `rec` live (or, a delete marker, into the history). Replaced data files
  // get garbage records in `batch` and are listed in `garbage`. What changes in the bucket's
  // counters is added to `usage`.
  Status StageVersion(const std::string& bucket, const std::string& key, Versioning state,
                      ObjectRecord& rec, const WriteConditions& conditions, IndexBatch& batch,
                      std::vector<FileId>* garbage, UsageDelta& usage);
  // Removes one version for good (idempotent); a live older version becomes the latest when the
  // latest goes.
  // A version under object lock is refused (kAccessDenied) unless `bypass_governance` lifts it.
  Status StageVersionDelete(const std::string& bucket, const std::string& key,
                            const std::string& version_id, const DeleteOptions& options,
                            IndexBatch& batch, std::vector<FileId>* garbage, DeleteResult* result,
                            UsageDelta& usage);
  // The live record of `object_key` as it is now (nullopt: absent). The reads that look in the
  // live record and the history read it again after, to tell that no version moved between.
  Status ReadLive(const std::string& object_key, std::optional<std::string>* out) const;
  // Those reads look again this often while the live record keeps changing under them (each
  // change is a commit that moved versions), then answer kUnavailable.
  static constexpr int kStableReadAttempts = 16;
  // A version's stored bytes and where they are (its ObjectKey or VersionKey); kNotFound.
  // `version_id` "" is the live latest. A concurrent commit moving the version between the two
  // places cannot hide it: the live record is read again after the history, and when it
  // changed, the key's versions moved and the search starts over (the index has no snapshots).
  Status FindVersion(const std::string& bucket, const std::string& key,
                     const std::string& version_id, std::string* index_key, std::string* value);
  // The history of a key, newest first, as (index key, record value) pairs, up to `limit`.
  Status ReadHistory(const std::string& bucket, const std::string& key, size_t limit,
                     std::vector<std::pair<std::string, std::string>>* out);
  // ListObjectVersions' check of one key of a versioned bucket (version_listing.cc): `live_value`
  // and `history` as the scans read them are kept when the live record still reads the same, else
  // replaced by a read of the key alone that two reads of the live record bracket.
  Status StableVersions(const std::string& bucket, const std::string& key,
                        std::optional<std::string>* live_value, std::vector<std::string>* history);
  // Puts a garbage record (under bucket/key) for each data file of `rec` into `batch`, and the
  // file into `garbage`.
  static void Discard(const std::string& bucket, const std::string& key, const ObjectRecord& rec,
                      IndexBatch& batch, std::vector<FileId>* garbage);
  // The current record of an object; kNotFound when there is none. With `expect`, the batch
  // being staged from it gets the condition that the record is still what was read (or still
  // absent): a commit another gateway made meanwhile fails the write, which is staged again.
  Status ReadObject(const std::string& object_key, ObjectRecord* rec, bool with_data,
                    IndexBatch* expect = nullptr);
  static Status CheckConditions(const WriteConditions& c, const ObjectRecord* current);
  // CompleteMultipartUpload of an upload no longer in progress: the version it made, when that
  // is still the key's current version and `parts` is the list it was completed with (a retry
  // after a lost answer); otherwise kNoSuchUpload.
  Result<ObjectInfo> CompletedBefore(const std::string& bucket, const std::string& key,
                                     const std::string& upload_id,
                                     const std::vector<CompletedPart>& parts);
  // DeleteOptions' conditions against the version a delete targets (nullptr: none).
  static Status CheckDeleteConditions(const DeleteOptions& options, const ObjectRecord* target);
  // Gives a new version (not a marker) its lock state: the one asked for (`rec.lock`), else the
  // bucket's default retention. kInvalidRequest when lock is asked of a bucket without it.
  static Status ApplyObjectLock(const BucketRecord& bucket, ObjectRecord& rec);
  // Changes one version's record in place (tags, retention, legal hold) under its key stripe;
  // returns its version id as ObjectInfo shows it.
  Result<std::string> UpdateVersion(const std::string& bucket, const std::string& key,
                                    const std::string& version_id, bool needs_lock,
                                    const std::function<Status(ObjectRecord&)>& change);
  // Commits `rec` as the newest version (file-backed: its intent record goes in the same
  // batch; `intent` is its value), then removes the data files of what it replaced.
  Result<ObjectInfo> Commit(const std::string& bucket, const std::string& key, ObjectRecord rec,
                            const WriteConditions& conditions, const std::string& intent);
  // Unlinks a replaced data file whose garbage record (under bucket/key) is committed, then
  // forgets the record.
  void CollectGarbage(const std::string& bucket, const std::string& key, const FileId& id);
  void CollectGarbage(const std::string& bucket, const std::string& key,
                      const std::vector<FileId>& ids) {
    for (const FileId& id : ids) CollectGarbage(bucket, key, id);
  }
  // Streams exactly `size` bytes of `body` through the io buffer into `writer`, hashing them
  // (unless `hasher` is nullptr: an encrypting source hashes the plaintext itself).
  Status StreamToFile(ByteSource& body, uint64_t size, BodyHasher* hasher, BlobWriter& writer);
  // Streams all of `body` into `writer` (PutObject with kUnknownSize); returns the byte count.
  Result<uint64_t> StreamToEnd(ByteSource& body, BodyHasher* hasher, BlobWriter& writer);
  // Streams the plaintext `body` (`size` bytes, or kUnknownSize: to its end) sealed under
  // `stream` into `writer`, hashing the plaintext; returns the plaintext byte count.
  Result<uint64_t> StreamEncrypted(ByteSource& body, uint64_t size, const crypto::StreamKey& stream,
                                   BodyHasher& hasher, BlobWriter& writer);
  const crypto::Kms* kms() const { return options_.kms.get(); }
  // Whether an intent made at `made` (its value) is old enough to sweep (intent_grace).
  bool IntentExpired(std::string_view made) const;
  // Writes the intent record, then publishes the finished file (undoing both on failure);
  // returns the intent's value, which the commit consumes with ConsumeIntent.
  // The intent is keyed under bucket/key, the object the blob is written for.
  Result<std::string> PublishWithIntent(const std::string& bucket, const std::string& key,
                                        BlobWriter& writer);
  // Adds the intent's deletion to a commit batch. On a shared index the batch also expects the
  // intent as it was made: a sweep that took it (the write outlived intent_grace) has removed
  // the blob, and the commit must not refer to it.
  void ConsumeIntent(IndexBatch& batch, const std::string& bucket, const std::string& key,
                     const FileId& id, const std::string& made) const;
  // After a conflicted commit: whether the conflict was a sweep taking the intent. The write is
  // then refused (its blob is gone) instead of staged again.
  bool IntentSwept(const std::string& bucket, const std::string& key, const FileId& id,
                   const std::string& made) const;
  // The record of an upload of bucket/key; kNoSuchUpload (or kNoSuchBucket) when absent.
  Result<UploadRecord> ReadUpload(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id);
  // Adds to `batch` the deletion of every part record of the upload, and a garbage record for
  // each part's file, which goes to `files`; the parts' bytes leave `usage` (when given).
  Status DropParts(const std::string& bucket, const std::string& key, const std::string& upload_id,
                   IndexBatch& batch, std::vector<FileId>* files, UsageDelta* usage = nullptr);
  std::mutex& UploadMutex(const std::string& upload_id) {
    return upload_mu_[std::hash<std::string>{}(upload_id) % upload_mu_.size()];
  }
  // Undoes a published, uncommitted data file written for bucket/key.
  void DropPublished(const std::string& bucket, const std::string& key, const FileId& id);
  // A cairn-2 store keyed parts by upload id alone: moves them under their object's key.
  Status MovePartsUnderTheirKeys();
  std::mutex& KeyMutex(const std::string& object_key) {
    return key_mu_[std::hash<std::string>{}(object_key) % key_mu_.size()];
  }

  // A commit staged from reads that another writer changed before the write (its conditions
  // failed: kConditionalRequestConflict) is staged again from fresh reads, this many times.
  static constexpr int kCommitAttempts = 16;
  Status Signalled(Status written) const {
    if (written.ok() && options_.change_signal) options_.change_signal->Notify();
    return written;
  }
  static bool Conflicted(const Status& s, int attempt) {
    return s.code() == Code::kConditionalRequestConflict && attempt < kCommitAttempts;
  }

  const LocalStoreOptions options_;
  platform::Env* const env_;
  const std::unique_ptr<Index> index_;
  const std::unique_ptr<BlobStore> data_;
  // Who reports the drives: the back end that knows them.
  const std::function<StoreHealth()> health_;
  // Object commits hold it shared; CreateBucket/DeleteBucket exclusive, so a bucket cannot be
  // deleted between an object commit's bucket check and its write.
  std::shared_mutex buckets_mu_;
  // Striped by object key: a commit reads the current record, checks conditions and writes
  // under its stripe, so conditional writes are atomic. Lock order: buckets_mu_, then a stripe.
  std::array<std::mutex, 256> key_mu_;
  // Striped by upload id: part commits, completion and abort of one upload are serialised.
  // Lock order: buckets_mu_, then an upload stripe, then a key stripe.
  std::array<std::mutex, 64> upload_mu_;
  // Every bucket record, mirrored: reads learn a bucket's state without an index read. Changed
  // only under buckets_mu_ held exclusively, after the index write.
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, BucketRecord> bucket_cache_;
  // On a shared index, other gateways change bucket records: reloaded every bucket_refresh.
  std::mutex refresh_mu_;
  std::condition_variable refresh_cv_;
  bool stopping_ = false;  // under refresh_mu_
  TimePoint last_sweep_;   // the refresher thread's own
  std::thread refresher_;
  // Last, so it is destroyed first: its threads use the index and the blobs.
  std::unique_ptr<StoreCompanion> companion_;
};

}  // namespace cairn::storage::local
