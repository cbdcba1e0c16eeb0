// The metadata key schema and the versioned binary records stored under it. The layout is
// documented in docs/storage-format.md; change both together, and bump the version byte for
// any incompatible change. Decoders treat stored bytes as untrusted: bad input gives
// kCorruption, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "storage/blobs/blob_store.h"
#include "storage/lifecycle.h"
#include "storage/object_store.h"

namespace cairn::storage {

// ---- Keys (memcmp-ordered in RocksDB). Bucket names never contain '/'. ----
inline constexpr std::string_view kFormatKey = "m/format";      // value: kFormatVersion
inline constexpr std::string_view kFormatVersion = "cairn-3";   // every object record under its key
inline constexpr std::string_view kFormatVersion2 = "cairn-2";  // versions, tags: upgraded at open
inline constexpr std::string_view kPreviousFormatVersion = "cairn-1";  // opened and upgraded
inline constexpr std::string_view kBucketPrefix = "b/";                // b/<bucket>
// Intents, garbage records and parts are keyed by the object they belong to (format cairn-3),
// so that every commit touches one object's keys alone (a sharded index keeps those together).
inline constexpr std::string_view kIntentPrefix = "t/";   // t/<bucket>/<escaped key>\0\1<id>
inline constexpr std::string_view kGarbagePrefix = "g/";  // g/<bucket>/<escaped key>\0\1<id>
inline constexpr std::string_view kPartPrefix = "p/";    // p/<bucket>/<escaped key>\0\1<upload>/<n>
inline constexpr std::string_view kSystemPrefix = "s/";  // s/<SystemStore key>: Cairn's own
// The SystemStore's change counter (SystemGeneration), one counter field; changed in the batch
// of every s/ change.
inline constexpr std::string_view kSystemGenerationKey = "m/system-generation";
// An erasure set's geometry, fixed when the set is made: "EC:<parity> block:<bytes>".
inline constexpr std::string_view kErasureGeometryKey = "m/erasure";

std::string BucketKey(std::string_view bucket);
// "o/<bucket>/": every object of a bucket, in key byte order, under this prefix.
std::string ObjectPrefix(std::string_view bucket);
std::string ObjectKey(std::string_view bucket, std::string_view key);
// "u/<bucket>/": multipart uploads in progress (DeleteBucket checks it).
std::string UploadPrefix(std::string_view bucket);
// An object key followed by more (an upload id, a version stamp): every 0x00 byte becomes 00 ff,
// and 00 01 ends the key.
// This keeps memcmp order by key (a key sorts before its extensions) for keys holding any
// bytes, and a prefix of a key escapes to a prefix of its escaped form.
std::string EscapeKey(std::string_view key);
inline constexpr std::string_view kEscapedKeyEnd{"\0\x01", 2};
// "u/<bucket>/<escaped key>\0\x01<upload id>": uploads sort by key, then by upload id, which
// begins with the initiation time (so: by initiation).
std::string UploadKey(std::string_view bucket, std::string_view key, std::string_view upload_id);
// Splits what follows UploadPrefix(bucket) or VersionPrefix(bucket) into the object key and what
// follows it (the upload id, the raw version stamp).
bool ParseEscapedKey(std::string_view suffix, std::string* key, std::string* rest);
// "p/<bucket>/<escaped key>\0\x01<upload id>/": the parts of one upload, by number.
std::string PartPrefix(std::string_view bucket, std::string_view key, std::string_view upload_id);
// PartPrefix then the number, 5 decimal digits: ascending part numbers sort ascending.
std::string PartKey(std::string_view bucket, std::string_view key, std::string_view upload_id,
                    int number);
// "p/<upload id>/": where a cairn-2 store kept an upload's parts (read by the upgrade alone).
std::string Format2PartPrefix(std::string_view upload_id);

// A version's identity, which orders the versions of a key newest first: the bitwise complement of
// its commit time (Unix ns), then 64 random bits. Stored as 16 big-endian bytes; shown to clients
// as 32 hex digits in the 8-4-4-4-12 form (the form MinIO's version ids take).
struct VersionStamp {
  uint64_t inverted_time = 0;
  uint64_t random = 0;

  static VersionStamp Make(int64_t unix_nanos, uint64_t random);
  int64_t UnixNanos() const { return static_cast<int64_t>(~inverted_time); }
  std::string Raw() const;
  static std::optional<VersionStamp> FromRaw(std::string_view raw);
  std::string Id() const;
  static std::optional<VersionStamp> FromId(std::string_view id);
  bool operator==(const VersionStamp&) const = default;
};

// "v/<bucket>/": the versions that are not the live latest one of their key (older versions and
// delete markers), by key and then newest first. The live latest version is the record at
// ObjectKey, so reads and ListObjects never step over history.
std::string VersionPrefix(std::string_view bucket);
// "v/<bucket>/<escaped key>\0\x01": the stored history of one key.
std::string VersionKeyPrefix(std::string_view bucket, std::string_view key);
std::string VersionKey(std::string_view bucket, std::string_view key, const VersionStamp& stamp);

// The intent of a blob written for an object of bucket/key (or for a part of an upload of it).
std::string IntentKey(std::string_view bucket, std::string_view key, const blobs::BlobId& id);
// The garbage record of a blob that a record of bucket/key stopped referring to.
std::string GarbageKey(std::string_view bucket, std::string_view key, const blobs::BlobId& id);
// The blob an intent or garbage key names, given what follows its prefix: the escaped key's end
// then the id, or (a cairn-2 record) the id alone. nullopt when it names none.
std::optional<blobs::BlobId> BlobOfRecordKey(std::string_view after_prefix);

// ---- Records ----
struct BucketRecord {
  TimePoint created;
  std::string region;
  Versioning versioning = Versioning::kUnversioned;  // format 2; format 1 records: unversioned
  Tags tags;                                         // format 2
  std::optional<LifecycleConfiguration> lifecycle;   // format 3; earlier records: none
  // Object lock: an optional section after the rules (docs/storage-format.md); absent: no lock.
  bool object_lock = false;
  DefaultRetention default_retention;
  // Owner, ACL, ownership controls, public access block: an optional section (id 2); absent:
  // private, owned by the root account, no controls.
  BucketAccess access;
  // Default encryption: an optional section (id 3); absent: none.
  std::optional<BucketEncryption> encryption;
};

std::string EncodeBucketRecord(const BucketRecord& record);
Status DecodeBucketRecord(std::string_view in, BucketRecord* record);

// How a version's (or an upload's) body is encrypted: the optional encryption section of its
// record (docs/storage-format.md). Holds the data key only sealed; for SSE-C a keyed hash of the
// customer key (to tell a wrong key), never the key.
struct EncryptionRecord {
  SseMode mode = SseMode::kNone;
  std::string kms_key_id;  // kS3, kKms: the KMS key that sealed `sealed_key`
  std::string context;     // kKms: the canonical JSON context the client gave ("" = none)
  bool bucket_key_enabled = false;
  std::string sealed_key;  // the data key, sealed by the KMS or under the customer key
  // The stream's 12-byte nonce base; "" for a multipart object or an upload, whose parts each
  // have their own.
  std::string nonce_base;
  std::string key_check;  // kCustomer: HMAC-SHA256 under the customer key; else ""
  bool operator==(const EncryptionRecord&) const = default;
};

// One part of a multipart object: what the client sees, and the data file holding it.
struct ObjectPart {
  PartSummary summary;
  blobs::BlobId file_id;
  std::string nonce_base;  // an encrypted object's: the part's own stream (12 bytes)
};

struct ObjectRecord {
  uint64_t size = 0;
  std::string etag;
  TimePoint modified;
  ObjectAttributes attributes;
  Checksums checksums;
  bool is_inline = true;
  std::string inline_data;  // the whole body when is_inline (filled only when asked for)
  blobs::BlobId file_id;    // when !is_inline && !is_multipart
  // Assembled by CompleteMultipartUpload: the body is the parts' files in order (never inline).
  bool is_multipart = false;
  std::string checksum_type;      // multipart: "COMPOSITE" / "FULL_OBJECT" / "" (no checksum)
  std::vector<ObjectPart> parts;  // multipart only
  // Format 2. A record of format 1 (written before versions existed) is the null version, its
  // stamp made from its modification time.
  VersionStamp version;
  bool null_version = true;  // written while the bucket was unversioned or suspended
  bool delete_marker = false;
  Tags tags;
  // Format 2 with the lock flag: retention and legal hold. Without the flag: none.
  ObjectLock lock;
  // Format 2 with the ACL flag: owner and grants. Without the flag: private, owned by root.
  Acl acl;
  // Multipart only, optional trailing field: the upload id CompleteMultipartUpload made this
  // version from, so that a retried Complete of that upload answers this version again.
  // "" in records written before it (a retry of those is NoSuchUpload, as before).
  std::string upload_id;
  // Format 2 with the encryption flag: the body (inline bytes, data file, each part's file) is
  // in the sealed package form (storage/crypto/package_stream.h); `size` stays the plaintext's.
  std::optional<EncryptionRecord> encryption;
};

// Every data file the record refers to (none when inline).
std::vector<blobs::BlobId> DataFilesOf(const ObjectRecord& record);

// `record.inline_data` is written when `record.is_inline`; its size must equal record.size.
std::string EncodeObjectRecord(const ObjectRecord& record);
// With `with_data` false, inline bytes are checked but not copied (HEAD, listings).
Status DecodeObjectRecord(std::string_view in, ObjectRecord* record, bool with_data);

// A multipart upload in progress (value of UploadKey).
struct UploadRecord {
  TimePoint initiated;
  ObjectAttributes attributes;
  std::string checksum_algorithm;  // "" = none; else lower case ("crc32", ...)
  std::string checksum_type;       // "COMPOSITE" / "FULL_OBJECT" ("" when no algorithm)
  Tags tags;        // version 2 (x-amz-tagging), given to the object at completion; version 1: none
  ObjectLock lock;  // version 2, optional trailing block: x-amz-object-lock-* given at creation
  // Version 3 (written only when the ACL is not the default): the completed object's ACL.
  Acl acl;
  // Version 4 (written only for an encrypted upload): what its parts are encrypted with.
  std::optional<EncryptionRecord> encryption;
};

std::string EncodeUploadRecord(const UploadRecord& record);
Status DecodeUploadRecord(std::string_view in, UploadRecord* record);

// One uploaded part (value of PartKey).
struct PartRecord {
  uint64_t size = 0;
  std::string etag;  // hex MD5
  TimePoint modified;
  Checksums checksums;
  blobs::BlobId file_id;
  std::string nonce_base;  // version 2: the part of an encrypted upload; "" = plain (version 1)
};

std::string EncodePartRecord(const PartRecord& record);
Status DecodePartRecord(std::string_view in, PartRecord* record);

}  // namespace cairn::storage
