// The metadata key schema and the versioned binary records stored under it. The layout is
// documented in docs/storage-format.md; change both together, and bump the version byte for
// any incompatible change. Decoders treat stored bytes as untrusted: bad input gives
// kCorruption, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "storage/data/data_dir.h"
#include "storage/object_store.h"

namespace cairn::storage {

// ---- Keys (memcmp-ordered in RocksDB). Bucket names never contain '/'. ----
inline constexpr std::string_view kFormatKey = "m/format";  // value: kFormatVersion
inline constexpr std::string_view kFormatVersion = "cairn-1";
inline constexpr std::string_view kBucketPrefix = "b/";   // b/<bucket>
inline constexpr std::string_view kIntentPrefix = "t/";   // t/<file id hex>
inline constexpr std::string_view kGarbagePrefix = "g/";  // g/<file id hex>
inline constexpr std::string_view kPartPrefix = "p/";     // p/<upload id>/<part number>
inline constexpr std::string_view kSystemPrefix = "s/";   // s/<SystemStore key>: Cairn's own

std::string BucketKey(std::string_view bucket);
// "o/<bucket>/": every object of a bucket, in key byte order, under this prefix.
std::string ObjectPrefix(std::string_view bucket);
std::string ObjectKey(std::string_view bucket, std::string_view key);
// "u/<bucket>/": multipart uploads in progress (DeleteBucket checks it).
std::string UploadPrefix(std::string_view bucket);
// An object key inside an upload key: every 0x00 byte becomes 00 ff, and 00 01 ends the key.
// This keeps memcmp order by key (a key sorts before its extensions) for keys holding any
// bytes, and a prefix of a key escapes to a prefix of its escaped form.
std::string EscapeUploadKey(std::string_view key);
inline constexpr std::string_view kUploadKeyEnd{"\0\x01", 2};
// "u/<bucket>/<escaped key>\0\x01<upload id>": uploads sort by key, then by upload id, which
// begins with the initiation time (so: by initiation).
std::string UploadKey(std::string_view bucket, std::string_view key, std::string_view upload_id);
// Splits what follows UploadPrefix(bucket) into the object key and the upload id.
bool ParseUploadKeySuffix(std::string_view suffix, std::string* key, std::string* upload_id);
// "p/<upload id>/": the parts of one upload, by number. Upload ids are unique store-wide.
std::string PartPrefix(std::string_view upload_id);
// "p/<upload id>/<number, 5 decimal digits>": ascending part numbers sort ascending.
std::string PartKey(std::string_view upload_id, int number);
std::string IntentKey(const data::FileId& id);
std::string GarbageKey(const data::FileId& id);

// ---- Records ----
struct BucketRecord {
  TimePoint created;
  std::string region;
};

std::string EncodeBucketRecord(const BucketRecord& record);
Status DecodeBucketRecord(std::string_view in, BucketRecord* record);

// One part of a multipart object: what the client sees, and the data file holding it.
struct ObjectPart {
  PartSummary summary;
  data::FileId file_id;
};

struct ObjectRecord {
  uint64_t size = 0;
  std::string etag;
  TimePoint modified;
  ObjectAttributes attributes;
  Checksums checksums;
  bool is_inline = true;
  std::string inline_data;  // the whole body when is_inline (filled only when asked for)
  data::FileId file_id;     // when !is_inline && !is_multipart
  // Assembled by CompleteMultipartUpload: the body is the parts' files in order (never inline).
  bool is_multipart = false;
  std::string checksum_type;      // multipart: "COMPOSITE" / "FULL_OBJECT" / "" (no checksum)
  std::vector<ObjectPart> parts;  // multipart only
};

// Every data file the record refers to (none when inline).
std::vector<data::FileId> DataFilesOf(const ObjectRecord& record);

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
};

std::string EncodeUploadRecord(const UploadRecord& record);
Status DecodeUploadRecord(std::string_view in, UploadRecord* record);

// One uploaded part (value of PartKey).
struct PartRecord {
  uint64_t size = 0;
  std::string etag;  // hex MD5
  TimePoint modified;
  Checksums checksums;
  data::FileId file_id;
};

std::string EncodePartRecord(const PartRecord& record);
Status DecodePartRecord(std::string_view in, PartRecord* record);

}  // namespace cairn::storage
