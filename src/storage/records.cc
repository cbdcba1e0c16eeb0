#include "storage/records.h"

#include "storage/meta/coding.h"

namespace cairn::storage {

using meta::GetBytes;
using meta::GetFixed64;
using meta::GetLengthPrefixed;
using meta::GetVarint32;
using meta::GetVarint64;
using meta::PutFixed64;
using meta::PutLengthPrefixed;
using meta::PutVarint32;
using meta::PutVarint64;

namespace {
constexpr uint8_t kBucketRecordVersion = 1;
constexpr uint8_t kObjectRecordVersion = 1;
constexpr uint8_t kFlagInline = 0x01;
constexpr uint8_t kKnownFlags = kFlagInline;

Status Corrupt(std::string_view what) {
  return Status(Code::kCorruption, "bad metadata record: " + std::string(what));
}

bool GetString(std::string_view* in, std::string* out) {
  std::string_view s;
  if (!GetLengthPrefixed(in, &s)) return false;
  out->assign(s);
  return true;
}
}  // namespace

std::string BucketKey(std::string_view bucket) {
  std::string k(kBucketPrefix);
  k.append(bucket);
  return k;
}

std::string ObjectPrefix(std::string_view bucket) {
  std::string k = "o/";
  k.append(bucket);
  k.push_back('/');
  return k;
}

std::string ObjectKey(std::string_view bucket, std::string_view key) {
  std::string k = ObjectPrefix(bucket);
  k.append(key);
  return k;
}

std::string UploadPrefix(std::string_view bucket) {
  std::string k = "u/";
  k.append(bucket);
  k.push_back('/');
  return k;
}

std::string IntentKey(const data::FileId& id) { return std::string(kIntentPrefix) + id.Hex(); }
std::string GarbageKey(const data::FileId& id) { return std::string(kGarbagePrefix) + id.Hex(); }

std::string EncodeBucketRecord(const BucketRecord& record) {
  std::string out;
  out.push_back(static_cast<char>(kBucketRecordVersion));
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(record.created)));
  PutLengthPrefixed(&out, record.region);
  return out;
}

Status DecodeBucketRecord(std::string_view in, BucketRecord* record) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kBucketRecordVersion) {
    return Corrupt("unknown bucket record version");
  }
  in.remove_prefix(1);
  uint64_t created;
  if (!GetFixed64(&in, &created) || !GetString(&in, &record->region) || !in.empty()) {
    return Corrupt("truncated bucket record");
  }
  record->created = FromUnixNanos(static_cast<int64_t>(created));
  return Status::Ok();
}

std::string EncodeObjectRecord(const ObjectRecord& r) {
  std::string out;
  out.reserve(64 + r.etag.size() + r.attributes.content_type.size() +
              (r.is_inline ? r.inline_data.size() : 16));
  out.push_back(static_cast<char>(kObjectRecordVersion));
  out.push_back(static_cast<char>(r.is_inline ? kFlagInline : 0));
  PutVarint64(&out, r.size);
  PutLengthPrefixed(&out, r.etag);
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(r.modified)));
  PutLengthPrefixed(&out, r.attributes.content_type);
  PutVarint32(&out, static_cast<uint32_t>(r.attributes.headers.size()));
  for (const auto& [name, value] : r.attributes.headers) {
    PutLengthPrefixed(&out, name);
    PutLengthPrefixed(&out, value);
  }
  PutVarint32(&out, static_cast<uint32_t>(r.checksums.size()));
  for (const auto& [alg, value] : r.checksums) {
    PutLengthPrefixed(&out, alg);
    PutLengthPrefixed(&out, value);
  }
  if (r.is_inline) {
    out.append(r.inline_data);  // the rest of the record; its length is `size`
  } else {
    out.append(r.file_id.Raw());
  }
  return out;
}

Status DecodeObjectRecord(std::string_view in, ObjectRecord* r, bool with_data) {
  if (in.size() < 2 || static_cast<uint8_t>(in[0]) != kObjectRecordVersion) {
    return Corrupt("unknown object record version");
  }
  auto flags = static_cast<uint8_t>(in[1]);
  if ((flags & ~kKnownFlags) != 0) return Corrupt("unknown object record flags");
  in.remove_prefix(2);
  r->is_inline = (flags & kFlagInline) != 0;
  uint64_t mtime;
  uint32_t count;
  if (!GetVarint64(&in, &r->size) || !GetString(&in, &r->etag) || !GetFixed64(&in, &mtime) ||
      !GetString(&in, &r->attributes.content_type) || !GetVarint32(&in, &count)) {
    return Corrupt("truncated object record");
  }
  r->modified = FromUnixNanos(static_cast<int64_t>(mtime));
  r->attributes.headers.clear();
  for (uint32_t i = 0; i < count; ++i) {  // each pair takes >= 2 bytes: bounded by the input
    std::string name, value;
    if (!GetString(&in, &name) || !GetString(&in, &value)) return Corrupt("truncated headers");
    r->attributes.headers.emplace_back(std::move(name), std::move(value));
  }
  if (!GetVarint32(&in, &count)) return Corrupt("truncated object record");
  r->checksums.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string alg, value;
    if (!GetString(&in, &alg) || !GetString(&in, &value)) return Corrupt("truncated checksums");
    r->checksums.emplace_back(std::move(alg), std::move(value));
  }
  if (r->is_inline) {
    if (in.size() != r->size) return Corrupt("inline data length differs from size");
    if (with_data) {
      r->inline_data.assign(in);
    } else {
      r->inline_data.clear();
    }
  } else {
    std::string_view raw;
    if (!GetBytes(&in, 16, &raw) || !in.empty()) return Corrupt("bad data file id");
    r->file_id = *data::FileId::FromBytes(raw);
  }
  return Status::Ok();
}

}  // namespace cairn::storage
