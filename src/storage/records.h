// The metadata key schema and the versioned binary records stored under it. The layout is
// documented in docs/storage-format.md; change both together, and bump the version byte for
// any incompatible change. Decoders treat stored bytes as untrusted: bad input gives
// kCorruption, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

std::string BucketKey(std::string_view bucket);
// "o/<bucket>/": every object of a bucket, in key byte order, under this prefix.
std::string ObjectPrefix(std::string_view bucket);
std::string ObjectKey(std::string_view bucket, std::string_view key);
// "u/<bucket>/": reserved for multipart uploads in progress (DeleteBucket checks it).
std::string UploadPrefix(std::string_view bucket);
std::string IntentKey(const data::FileId& id);
std::string GarbageKey(const data::FileId& id);

// ---- Records ----
struct BucketRecord {
  TimePoint created;
  std::string region;
};

std::string EncodeBucketRecord(const BucketRecord& record);
Status DecodeBucketRecord(std::string_view in, BucketRecord* record);

struct ObjectRecord {
  uint64_t size = 0;
  std::string etag;
  TimePoint modified;
  ObjectAttributes attributes;
  Checksums checksums;
  bool is_inline = true;
  std::string inline_data;  // the whole body when is_inline (filled only when asked for)
  data::FileId file_id;     // when !is_inline
};

// `record.inline_data` is written when `record.is_inline`; its size must equal record.size.
std::string EncodeObjectRecord(const ObjectRecord& record);
// With `with_data` false, inline bytes are checked but not copied (HEAD, listings).
Status DecodeObjectRecord(std::string_view in, ObjectRecord* record, bool with_data);

}  // namespace cairn::storage
