// ObjectStore: the seam between the S3 layer and storage. It speaks buckets, keys, byte streams
// and object records, never HTTP; its implementations own every file and fsync.
//
// Contracts every implementation keeps:
// - A successful PutObject/DeleteObject/CreateBucket/DeleteBucket is durable when it returns
//   (survives kill -9 and power loss), and visible to every later call (read-after-write).
// - Readers see the old object or the new one, never a mix. An OpenObject handle keeps reading
//   the version it opened even if the key is overwritten or deleted meanwhile.
// - A failed or interrupted PutObject leaves nothing visible; the previous version stays.
// - Concurrent PutObject calls on one key: the last to commit wins.
// - Thread-safe: any method may be called from any thread concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/byte_source.h"
#include "common/status.h"
#include "common/time.h"
#include "storage/acl.h"
#include "storage/lifecycle.h"

namespace cairn::storage {

// A bucket's versioning state. A bucket once versioned never returns to kUnversioned.
enum class Versioning { kUnversioned, kEnabled, kSuspended };

// Tags of an object version or a bucket, in the order given. Limits are the S3 layer's job.
using Tags = std::vector<std::pair<std::string, std::string>>;

// Object lock (WORM). A version's retention: GOVERNANCE may be lifted by a caller allowed to
// bypass it, COMPLIANCE by no one before its date. Checked in storage/object_lock.h.
enum class RetentionMode { kNone, kGovernance, kCompliance };

// A bucket's default retention, given to every new version that names none: Days or Years.
struct DefaultRetention {
  RetentionMode mode = RetentionMode::kNone;  // kNone: no default
  int days = 0;
  int years = 0;
  bool operator==(const DefaultRetention&) const = default;
};

// The lock state of one version, stored in its record and committed with it.
struct ObjectLock {
  RetentionMode mode = RetentionMode::kNone;
  TimePoint retain_until{};  // meaningful with a mode
  bool legal_hold = false;
  bool empty() const { return mode == RetentionMode::kNone && !legal_hold; }
  bool operator==(const ObjectLock&) const = default;
};

struct BucketInfo {
  std::string name;
  TimePoint created;
  std::string region;  // the LocationConstraint given at creation ("" = us-east-1)
  Versioning versioning = Versioning::kUnversioned;
  bool object_lock = false;  // lock enabled (for good: it is never disabled)
  DefaultRetention default_retention;
  BucketAccess access;  // owner, ACL, ownership controls, public access block
};

// What a client set on an object and gets back verbatim: the standard representation headers
// and x-amz-meta-*. Header names are lower-case ("content-type", "x-amz-meta-color").
struct ObjectAttributes {
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // content-encoding, cache-control,
                                                             // expires, x-amz-meta-* ...
};

// Additional checksums (x-amz-checksum-*), base64 of the big-endian digest, keyed by algorithm
// name in lower case: "crc32", "crc32c", "crc64nvme", "sha1", "sha256".
using Checksums = std::vector<std::pair<std::string, std::string>>;

// Server-side encryption (docs/encryption.md): SSE-S3 (x-amz-server-side-encryption: AES256),
// SSE-KMS (aws:kms, a key of the KMS), SSE-C (the client's own key, sent with every request).
enum class SseMode : uint8_t { kNone = 0, kS3 = 1, kKms = 2, kCustomer = 3 };

// What a write asks for: PutObject, CopyObject's target, CreateMultipartUpload.
struct EncryptionRequest {
  SseMode mode = SseMode::kNone;
  std::string kms_key_id;           // kKms: "" = the KMS's default key
  std::string context;              // kKms: the canonical JSON encryption context ("" = none)
  std::string customer_key;         // kCustomer: the 32 raw bytes (never stored)
  bool bucket_key_enabled = false;  // x-amz-server-side-encryption-bucket-key-enabled, echoed
};

// How a version (or an upload) is encrypted, as responses show it. Never holds key material.
struct ObjectEncryption {
  SseMode mode = SseMode::kNone;
  std::string kms_key_id;  // kS3, kKms: the KMS key that sealed the data key
  std::string context;     // kKms: the canonical JSON context ("" = none)
  bool bucket_key_enabled = false;
};

// A bucket's default encryption (PutBucketEncryption): applied to writes that ask for none.
struct BucketEncryption {
  SseMode mode = SseMode::kS3;  // kS3 or kKms
  std::string kms_key_id;       // kKms: "" = the KMS's default key
  bool bucket_key_enabled = false;
  bool operator==(const BucketEncryption&) const = default;
};

// What a read brings: the customer key of an SSE-C version (x-amz-server-side-encryption-
// customer-key, or the copy source's).
struct ReadOptions {
  std::optional<std::string> customer_key;  // 32 raw bytes
};

// One part of an object assembled by CompleteMultipartUpload.
struct PartSummary {
  int number = 0;  // the part number the client gave (ascending, not necessarily dense)
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the part
  Checksums checksums;
};

struct ObjectInfo {
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes: hex MD5, or "<hex>-N" for multipart
  TimePoint modified;
  ObjectAttributes attributes;
  Checksums checksums;
  // "FULL_OBJECT" or "COMPOSITE" (multipart checksums of checksums, value suffixed "-N").
  std::string checksum_type = "FULL_OBJECT";
  std::vector<PartSummary> parts;  // empty for an object written in one PUT
  // "" in a bucket never versioned (responses show no version id), "null" for the null version,
  // else the version's opaque id.
  std::string version_id;
  bool delete_marker = false;
  bool is_latest = true;  // set by ListObjectVersions; other calls return the version asked for
  Tags tags;
  ObjectLock lock;
  Acl acl;  // the version's owner and grants
  ObjectEncryption encryption;
};

// What DeleteObject did: the version it removed or the delete marker it wrote.
struct DeleteResult {
  std::string version_id;      // "" when the bucket was never versioned and no version was named
  bool delete_marker = false;  // a marker was written, or the version removed was a marker
};

// A bucket's usage as the store counts it: kept with every commit (in the same atomic write), so
// reading it costs O(1) whatever the bucket holds.
struct BucketUsage {
  uint64_t objects = 0;   // current versions that are not delete markers (what ListObjects shows)
  uint64_t versions = 0;  // every stored version: current, noncurrent and delete markers
  uint64_t delete_markers = 0;  // of which delete markers
  uint64_t bytes = 0;           // body bytes of every stored version
  uint64_t current_bytes = 0;   // body bytes of the current versions (the `objects`)
  uint64_t uploads = 0;         // multipart uploads in progress
  uint64_t upload_bytes = 0;    // bytes of their uploaded parts
  bool operator==(const BucketUsage&) const = default;
};

// Conditions checked atomically with the commit of a write.
struct WriteConditions {
  bool if_none_match_any = false;       // If-None-Match: *  (fail if the key exists)
  std::optional<std::string> if_match;  // If-Match: etag without quotes (fail unless equal)
};

// PutObject's `size` when the body's length is known only at its end.
inline constexpr uint64_t kUnknownSize = UINT64_MAX;

struct PutOptions {
  ObjectAttributes attributes;
  WriteConditions conditions;
  std::optional<std::string> content_md5;  // raw 16 bytes from Content-MD5: BadDigest if unequal
  // Checksums the client asked for, algorithm -> expected base64 value; an empty expected value
  // means "compute and keep". Mismatch: BadDigest, nothing stored.
  Checksums checksums;
  // For CreateMultipartUpload: "COMPOSITE" or "FULL_OBJECT" (x-amz-checksum-type); "" = the
  // algorithm's default (FULL_OBJECT for CRC64NVME, COMPOSITE otherwise).
  std::string checksum_type;
  Tags tags;  // the new version's tag set (x-amz-tagging); for an upload, the completed object's
  // The new version's retention and legal hold (x-amz-object-lock-*). A mode of kNone takes the
  // bucket's default retention. Anything set on a bucket without lock: kInvalidRequest.
  ObjectLock lock;
  // The new version's owner and ACL, committed with it; for an upload, the completed object's.
  Acl acl;
  // Encrypts the new version (an upload: each of its parts). SSE-S3/SSE-KMS without a KMS:
  // kNotImplemented; a KMS key id the KMS does not have: kKmsKeyNotFound.
  EncryptionRequest encryption;
};

struct DeleteOptions {
  // x-amz-bypass-governance-retention: true from a caller allowed s3:BypassGovernanceRetention
  // (the S3 layer decides); lets a version under GOVERNANCE retention be removed.
  bool bypass_governance = false;
  // Conditional delete (If-Match, x-amz-if-match-size, x-amz-if-match-last-modified-time, or a
  // DeleteObjects entry's ETag / Size / LastModifiedTime), checked under the key's lock against
  // the version the delete targets (the current one without a version id). Any set: a missing
  // object (or a delete marker) is kNoSuchKey, a mismatch kPreconditionFailed, nothing deleted.
  std::optional<std::string> if_match_etag;  // unquoted; "*" matches any existing object
  std::optional<uint64_t> if_match_size;
  std::optional<TimePoint> if_match_modified;  // compared at one-second resolution
  bool conditional() const { return if_match_etag || if_match_size || if_match_modified; }
};

// A readable, pinned version of an object.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual const ObjectInfo& info() const = 0;
  // A stream of bytes [offset, offset+length) of this version. `offset + length <= size`.
  virtual Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) = 0;
};

struct ListQuery {
  std::string prefix;
  std::string delimiter;  // "" = none
  std::string after;      // list keys strictly greater than this (marker/start-after/token)
  int max_keys = 1000;    // 0..1000
};

struct ListResult {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // When truncated: the last key or common prefix returned; the next page lists after it.
  std::string next_marker;
};

struct VersionListQuery {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;         // "" = from the start
  std::string version_id_marker;  // with key_marker: start after this version of that key
  int max_keys = 1000;            // versions + common prefixes per page, 0..1000
};

struct VersionListResult {
  std::vector<ObjectInfo> versions;  // by key, then newest first; markers included
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;         // when truncated
  std::string next_version_id_marker;  // when truncated and the last entry was a version
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // kInvalidBucketName is the caller's job; the store takes names as given.
  // kBucketAlreadyOwnedByYou when it exists.
  // With `object_lock` the bucket is created versioned (Enabled) with lock enabled.
  // `access` is the new bucket's owner, ACL and ownership setting, committed with it.
  virtual Status CreateBucket(const std::string& bucket, const std::string& region,
                              bool object_lock = false,
                              const BucketAccess& access = BucketAccess()) = 0;
  // kNoSuchBucket, kBucketNotEmpty (objects). Multipart uploads in progress do not keep the
  // bucket: they are aborted along with it (as `aws s3 rb --force` expects).
  virtual Status DeleteBucket(const std::string& bucket) = 0;
  virtual Result<BucketInfo> GetBucket(const std::string& bucket) = 0;  // kNoSuchBucket
  virtual Result<std::vector<BucketInfo>> ListBuckets() = 0;            // sorted by name
  // kInvalidArgument when asked to return to kUnversioned; kInvalidBucketState when asked to
  // suspend a bucket with object lock. kNoSuchBucket.
  virtual Status SetBucketVersioning(const std::string& bucket, Versioning state) = 0;
  // Enables object lock (if not yet) and sets the default retention (mode kNone: none).
  // kInvalidBucketState unless versioning is Enabled. kNoSuchBucket.
  virtual Status SetBucketObjectLock(const std::string& bucket,
                                     const DefaultRetention& default_retention) = 0;

  // Streams exactly `size` bytes from `body` into a new version of bucket/key and commits it.
  // With `size` == kUnknownSize the object is whatever `body` yields until it ends (a browser
  // form's file part, whose length only its closing boundary tells). Errors: kNoSuchBucket,
  // kPreconditionFailed, kBadDigest, kIncompleteBody (body ended early), any error `body` returned,
  // kIOError/kNoSpace. On any error nothing becomes visible.
  virtual Result<ObjectInfo> PutObject(const std::string& bucket, const std::string& key,
                                       ByteSource& body, uint64_t size,
                                       const PutOptions& options) = 0;

  // The latest version (`version_id` "") or the one named ("null" or an id). kNoSuchBucket;
  // kNoSuchKey when the key has no live latest version (LatestDeleteMarker tells whether a
  // marker hides it); kNoSuchVersion; kMethodNotAllowed when the version named is a marker.
  virtual Result<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                        const std::string& version_id = "") = 0;
  // An SSE-C version needs its key in `read`: none is kInvalidRequest, another kAccessDenied;
  // a key for a version that is not SSE-C is kInvalidRequest. Decrypting (OpenRange) an
  // SSE-S3/SSE-KMS version needs the KMS that sealed it: none is kNotImplemented, another
  // kCorruption (a key of another name: kKmsKeyNotFound).
  virtual Result<std::unique_ptr<ObjectReader>> OpenObject(const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& version_id = "",
                                                           const ReadOptions& read = {}) = 0;
  // The delete marker that is the latest version of `key`, if it is one.
  virtual Result<std::optional<ObjectInfo>> LatestDeleteMarker(const std::string& bucket,
                                                               const std::string& key) = 0;

  // Without a version id: removes the object (unversioned bucket) or writes a delete marker
  // (versioned: a new version; suspended: the null version, replacing an earlier null one).
  // With one: removes that version for good, the latest older version becoming current.
  // Succeeds when the key or version does not exist (S3 delete is idempotent). kNoSuchBucket.
  // A version protected by object lock is not removed: kAccessDenied (CheckVersionRemovable).
  // Conditions in `options`: see DeleteOptions (then a missing target is kNoSuchKey).
  virtual Result<DeleteResult> DeleteObject(const std::string& bucket, const std::string& key,
                                            const std::string& version_id = "",
                                            const DeleteOptions& options = {}) = 0;

  // Replaces a version's retention (mode and date; legal hold untouched) and returns the version
  // id as ObjectInfo shows it. Shortening or removing an active COMPLIANCE retention, or an
  // active GOVERNANCE one without `bypass_governance`, is kAccessDenied. kInvalidRequest on a
  // bucket without lock; otherwise errors as HeadObject's.
  virtual Result<std::string> SetObjectRetention(const std::string& bucket, const std::string& key,
                                                 const std::string& version_id, RetentionMode mode,
                                                 TimePoint retain_until,
                                                 bool bypass_governance) = 0;
  // Sets or clears a version's legal hold. Errors as SetObjectRetention's.
  virtual Result<std::string> SetObjectLegalHold(const std::string& bucket, const std::string& key,
                                                 const std::string& version_id, bool on) = 0;

  // Replaces the tag set of a version (latest when `version_id` is ""); returns the version's
  // id as ObjectInfo shows it. Errors as HeadObject's.
  virtual Result<std::string> SetObjectTags(const std::string& bucket, const std::string& key,
                                            const std::string& version_id, const Tags& tags) = 0;
  // Changes a bucket's access settings (ACL, ownership controls, public access block) atomically:
  // `change` sees the current ones and may refuse (its error is returned, nothing changes).
  // kNoSuchBucket.
  virtual Status UpdateBucketAccess(const std::string& bucket,
                                    const std::function<Status(BucketAccess&)>& change) = 0;
  // Replaces a version's ACL (latest when `version_id` is ""); returns the version's id as
  // ObjectInfo shows it. Errors as HeadObject's.
  virtual Result<std::string> SetObjectAcl(const std::string& bucket, const std::string& key,
                                           const std::string& version_id, const Acl& acl) = 0;
  // Replaces a bucket's tag set (empty: none). kNoSuchBucket.
  virtual Status SetBucketTags(const std::string& bucket, const Tags& tags) = 0;
  virtual Result<Tags> GetBucketTags(const std::string& bucket) = 0;
  // Replaces a bucket's lifecycle configuration (nullopt: none; the caller has validated it).
  // kNoSuchBucket. The getter answers from memory: GET and HEAD ask it for x-amz-expiration.
  virtual Status SetBucketLifecycle(const std::string& bucket,
                                    const std::optional<LifecycleConfiguration>& config) = 0;
  virtual Result<std::optional<LifecycleConfiguration>> GetBucketLifecycle(
      const std::string& bucket) = 0;

  // Keys in UTF-8 byte order; with a delimiter, each common prefix appears once and the scan
  // skips past it rather than walking the keys under it. kNoSuchBucket.
  virtual Result<ListResult> ListObjects(const std::string& bucket, const ListQuery& query) = 0;

  // Every version and delete marker, by key then newest first, with the same delimiter skips.
  virtual Result<VersionListResult> ListObjectVersions(const std::string& bucket,
                                                       const VersionListQuery& query) = 0;

  // Replaces a bucket's default encryption (nullopt: none). A KMS key id the KMS does not have
  // is kKmsKeyNotFound; without a KMS, kNotImplemented. kNoSuchBucket. The getter answers from
  // memory (every write without encryption headers asks it).
  virtual Status SetBucketEncryption(const std::string& bucket,
                                     const std::optional<BucketEncryption>& config) {
    (void)bucket;
    (void)config;
    return Status(Code::kNotImplemented, "this store does not encrypt");
  }
  virtual Result<std::optional<BucketEncryption>> GetBucketEncryption(const std::string& bucket) {
    (void)bucket;
    return std::optional<BucketEncryption>();
  }

  // The bucket's usage counters, in O(1) (never a walk of its keys). kNoSuchBucket.
  // kNotImplemented from a store that keeps no counters.
  virtual Result<BucketUsage> GetBucketUsage(const std::string& bucket) {
    (void)bucket;
    return Status(Code::kNotImplemented, "this store keeps no usage counters");
  }
};

}  // namespace cairn::storage
