#include "storage/records.h"

#include <cstdio>

#include "storage/crypto/package_stream.h"
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
constexpr uint8_t kBucketRecordVersion = 3;     // 1: created + region; 2: + versioning, tags
constexpr uint8_t kObjectRecordVersion = 2;     // 1: before versions and tags
constexpr uint8_t kUploadRecordVersion = 2;     // 1: before tags
constexpr uint8_t kUploadRecordVersionAcl = 3;  // 2 + a lock byte and an ACL (non-default ACL)
constexpr uint8_t kUploadRecordVersionEncrypted = 4;  // 3 + an encryption section
constexpr uint8_t kPartRecordVersion = 1;
constexpr uint8_t kPartRecordVersionEncrypted = 2;  // 1 + the part's nonce base
constexpr uint8_t kFlagInline = 0x01;
constexpr uint8_t kFlagMultipart = 0x02;
constexpr uint8_t kFlagNullVersion = 0x04;   // format 2
constexpr uint8_t kFlagDeleteMarker = 0x08;  // format 2
constexpr uint8_t kFlagLock = 0x10;          // format 2: a lock block follows the tags
constexpr uint8_t kFlagAcl = 0x20;           // format 2: an ACL block follows (the lock block)
constexpr uint8_t kFlagEncrypted = 0x40;     // format 2: an encryption section follows (the ACL)
constexpr uint8_t kKnownFlags = kFlagInline | kFlagMultipart | kFlagNullVersion |
                                kFlagDeleteMarker | kFlagLock | kFlagAcl | kFlagEncrypted;
// The encryption section's algorithm byte: AES-256-GCM in the package form of
// storage/crypto/package_stream.h. Another cipher would take another value.
constexpr uint8_t kCipherAes256GcmPackages = 1;
// Optional sections after a bucket record's tags: a section id byte, then its length-prefixed
// body. Unknown ids are skipped, so later sections can be added in any order.
constexpr uint8_t kBucketSectionObjectLock = 1;
constexpr uint8_t kBucketSectionAccess = 2;      // owner, ACL, ownership, public access block
constexpr uint8_t kBucketSectionEncryption = 3;  // default encryption
// S3 allows 100 grants per ACL; more means a corrupt count.
constexpr uint32_t kMaxStoredGrants = 100;
constexpr uint8_t kPabPresent = 0x01;
constexpr uint8_t kPabBlockAcls = 0x02;
constexpr uint8_t kPabIgnoreAcls = 0x04;
constexpr uint8_t kPabBlockPolicy = 0x08;
constexpr uint8_t kPabRestrict = 0x10;
// More parts than any upload may have (10,000) means a corrupt count.
constexpr uint32_t kMaxStoredParts = 10000;

Status Corrupt(std::string_view what) {
  return Status(Code::kCorruption, "bad metadata record: " + std::string(what));
}

bool GetString(std::string_view* in, std::string* out) {
  std::string_view s;
  if (!GetLengthPrefixed(in, &s)) return false;
  out->assign(s);
  return true;
}

// Headers, checksums and tags are all (string, string) lists: a varint count, then each pair.
void PutPairs(std::string* out, const std::vector<std::pair<std::string, std::string>>& pairs) {
  PutVarint32(out, static_cast<uint32_t>(pairs.size()));
  for (const auto& [first, second] : pairs) {
    PutLengthPrefixed(out, first);
    PutLengthPrefixed(out, second);
  }
}

bool GetPairs(std::string_view* in, std::vector<std::pair<std::string, std::string>>* pairs) {
  uint32_t count;
  if (!GetVarint32(in, &count)) return false;
  pairs->clear();
  for (uint32_t i = 0; i < count; ++i) {  // each pair takes >= 2 bytes: bounded by the input
    std::string first, second;
    if (!GetString(in, &first) || !GetString(in, &second)) return false;
    pairs->emplace_back(std::move(first), std::move(second));
  }
  return true;
}

void PutAttributes(std::string* out, const ObjectAttributes& a) {
  PutLengthPrefixed(out, a.content_type);
  PutPairs(out, a.headers);
}

bool GetAttributes(std::string_view* in, ObjectAttributes* a) {
  return GetString(in, &a->content_type) && GetPairs(in, &a->headers);
}

void PutChecksums(std::string* out, const Checksums& sums) { PutPairs(out, sums); }
bool GetChecksums(std::string_view* in, Checksums* sums) { return GetPairs(in, sums); }
void PutTags(std::string* out, const Tags& tags) { PutPairs(out, tags); }
bool GetTags(std::string_view* in, Tags* tags) { return GetPairs(in, tags); }

// Lifecycle rules (bucket record format 3); the layout is in docs/storage-format.md.
constexpr uint8_t kRuleEnabled = 0x01;
constexpr uint8_t kRuleExpiredMarker = 0x02;
constexpr uint8_t kRuleDays = 0x04;
constexpr uint8_t kRuleDate = 0x08;
constexpr uint8_t kRuleNoncurrentDays = 0x10;
constexpr uint8_t kRuleNewerNoncurrent = 0x20;
constexpr uint8_t kRuleAbortDays = 0x40;
constexpr uint8_t kSizeGreater = 0x01;
constexpr uint8_t kSizeLess = 0x02;
// More rules than S3 allows (1,000) means a corrupt count.
constexpr uint32_t kMaxStoredRules = 1000;

void PutEncryption(std::string* out, const EncryptionRecord& e) {
  out->push_back(static_cast<char>(e.mode));
  out->push_back(static_cast<char>(kCipherAes256GcmPackages));
  PutVarint32(out, static_cast<uint32_t>(crypto::kPackageSize));
  out->push_back(e.bucket_key_enabled ? 1 : 0);
  PutLengthPrefixed(out, e.kms_key_id);
  PutLengthPrefixed(out, e.context);
  PutLengthPrefixed(out, e.sealed_key);
  PutLengthPrefixed(out, e.nonce_base);
  PutLengthPrefixed(out, e.key_check);
}

bool GetEncryption(std::string_view* in, EncryptionRecord* e) {
  if (in->size() < 2) return false;
  const auto mode = static_cast<uint8_t>((*in)[0]);
  const auto cipher = static_cast<uint8_t>((*in)[1]);
  in->remove_prefix(2);
  uint32_t package_size;
  if (mode < 1 || mode > 3 || cipher != kCipherAes256GcmPackages ||
      !GetVarint32(in, &package_size) || package_size != crypto::kPackageSize || in->empty() ||
      static_cast<uint8_t>((*in)[0]) > 1) {
    return false;
  }
  e->mode = static_cast<SseMode>(mode);
  e->bucket_key_enabled = (*in)[0] == 1;
  in->remove_prefix(1);
  return GetString(in, &e->kms_key_id) && GetString(in, &e->context) &&
         GetString(in, &e->sealed_key) && GetString(in, &e->nonce_base) &&
         GetString(in, &e->key_check) &&
         (e->nonce_base.empty() || e->nonce_base.size() == crypto::kNonceBaseSize);
}

void PutLifecycle(std::string* out, const std::optional<LifecycleConfiguration>& config) {
  out->push_back(config ? 1 : 0);
  if (!config) return;
  PutVarint32(out, static_cast<uint32_t>(config->rules.size()));
  for (const LifecycleRule& r : config->rules) {
    PutLengthPrefixed(out, r.id);
    uint8_t flags = (r.enabled ? kRuleEnabled : 0) |
                    (r.expired_object_delete_marker ? kRuleExpiredMarker : 0) |
                    (r.expiration_days ? kRuleDays : 0) | (r.expiration_date ? kRuleDate : 0) |
                    (r.noncurrent_days ? kRuleNoncurrentDays : 0) |
                    (r.newer_noncurrent_versions ? kRuleNewerNoncurrent : 0) |
                    (r.abort_days ? kRuleAbortDays : 0);
    out->push_back(static_cast<char>(flags));
    out->push_back(static_cast<char>(r.filter.form));
    PutLengthPrefixed(out, r.filter.prefix);
    PutTags(out, r.filter.tags);
    out->push_back(static_cast<char>((r.filter.size_greater_than ? kSizeGreater : 0) |
                                     (r.filter.size_less_than ? kSizeLess : 0)));
    if (r.filter.size_greater_than) PutVarint64(out, *r.filter.size_greater_than);
    if (r.filter.size_less_than) PutVarint64(out, *r.filter.size_less_than);
    if (r.expiration_days) PutVarint32(out, static_cast<uint32_t>(*r.expiration_days));
    if (r.expiration_date) {
      PutFixed64(out, static_cast<uint64_t>(ToUnixNanos(*r.expiration_date)));
    }
    if (r.noncurrent_days) PutVarint32(out, static_cast<uint32_t>(*r.noncurrent_days));
    if (r.newer_noncurrent_versions) {
      PutVarint32(out, static_cast<uint32_t>(*r.newer_noncurrent_versions));
    }
    if (r.abort_days) PutVarint32(out, static_cast<uint32_t>(*r.abort_days));
  }
}

bool GetSmallInt(std::string_view* in, std::optional<int>* out) {
  uint32_t v;
  if (!GetVarint32(in, &v) || v > (1u << 30)) return false;
  *out = static_cast<int>(v);
  return true;
}

bool GetLifecycle(std::string_view* in, std::optional<LifecycleConfiguration>* config) {
  if (in->empty()) return false;
  const auto present = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (present > 1) return false;
  if (present == 0) return true;
  LifecycleConfiguration c;
  uint32_t count;
  if (!GetVarint32(in, &count) || count > kMaxStoredRules) return false;
  for (uint32_t i = 0; i < count; ++i) {
    LifecycleRule r;
    if (!GetString(in, &r.id) || in->size() < 2) return false;
    const auto flags = static_cast<uint8_t>((*in)[0]);
    const auto form = static_cast<uint8_t>((*in)[1]);
    in->remove_prefix(2);
    if ((flags & 0x80) != 0 || form > 2) return false;
    r.enabled = (flags & kRuleEnabled) != 0;
    r.expired_object_delete_marker = (flags & kRuleExpiredMarker) != 0;
    r.filter.form = static_cast<LifecycleFilterForm>(form);
    if (!GetString(in, &r.filter.prefix) || !GetTags(in, &r.filter.tags) || in->empty()) {
      return false;
    }
    const auto sizes = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    if ((sizes & ~(kSizeGreater | kSizeLess)) != 0) return false;
    uint64_t v;
    if (sizes & kSizeGreater) {
      if (!GetVarint64(in, &v)) return false;
      r.filter.size_greater_than = v;
    }
    if (sizes & kSizeLess) {
      if (!GetVarint64(in, &v)) return false;
      r.filter.size_less_than = v;
    }
    if ((flags & kRuleDays) && !GetSmallInt(in, &r.expiration_days)) return false;
    if (flags & kRuleDate) {
      if (!GetFixed64(in, &v)) return false;
      r.expiration_date = FromUnixNanos(static_cast<int64_t>(v));
    }
    if ((flags & kRuleNoncurrentDays) && !GetSmallInt(in, &r.noncurrent_days)) return false;
    if ((flags & kRuleNewerNoncurrent) && !GetSmallInt(in, &r.newer_noncurrent_versions)) {
      return false;
    }
    if ((flags & kRuleAbortDays) && !GetSmallInt(in, &r.abort_days)) return false;
    c.rules.push_back(std::move(r));
  }
  *config = std::move(c);
  return true;
}

uint64_t LoadBigEndian(std::string_view b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

void StoreBigEndian(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A version's lock state: mode byte, retain-until (Unix ns), legal hold byte.
void PutLock(std::string* out, const ObjectLock& lock) {
  out->push_back(static_cast<char>(lock.mode));
  PutFixed64(out, static_cast<uint64_t>(ToUnixNanos(lock.retain_until)));
  out->push_back(lock.legal_hold ? 1 : 0);
}

bool GetMode(std::string_view* in, RetentionMode* mode) {
  if (in->empty() || static_cast<uint8_t>((*in)[0]) > 2) return false;
  *mode = static_cast<RetentionMode>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

bool GetLock(std::string_view* in, ObjectLock* lock) {
  uint64_t until;
  if (!GetMode(in, &lock->mode) || !GetFixed64(in, &until) || in->empty() ||
      static_cast<uint8_t>((*in)[0]) > 1) {
    return false;
  }
  lock->retain_until = FromUnixNanos(static_cast<int64_t>(until));
  lock->legal_hold = (*in)[0] == 1;
  in->remove_prefix(1);
  return true;
}

// An ACL: the owner's canonical id, a varint count, then each grant as a type byte, the grantee
// (length-prefixed) and a permission byte.
void PutAcl(std::string* out, const Acl& acl) {
  PutLengthPrefixed(out, acl.owner());
  PutVarint32(out, static_cast<uint32_t>(acl.grants().size()));
  for (const AclGrant& g : acl.grants()) {
    out->push_back(static_cast<char>(g.type));
    PutLengthPrefixed(out, g.grantee);
    out->push_back(static_cast<char>(g.permission));
  }
}

bool GetAcl(std::string_view* in, Acl* acl) {
  std::string owner;
  uint32_t count;
  if (!GetString(in, &owner) || !GetVarint32(in, &count) || count > kMaxStoredGrants) {
    return false;
  }
  std::vector<AclGrant> grants;
  grants.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    AclGrant g;
    if (in->empty()) return false;
    const auto type = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    if (type < 1 || type > 2 || !GetString(in, &g.grantee) || in->empty()) return false;
    const auto permission = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    if (permission < 1 || permission > 5) return false;
    g.type = static_cast<GranteeType>(type);
    g.permission = static_cast<AclPermission>(permission);
    grants.push_back(std::move(g));
  }
  *acl = Acl(std::move(owner), std::move(grants));
  return true;
}

std::string EncodeAccessSection(const BucketAccess& access) {
  std::string out;
  PutAcl(&out, access.acl);
  out.push_back(static_cast<char>(access.ownership));
  uint8_t pab = 0;
  if (const auto& b = access.public_access_block) {
    pab = kPabPresent | (b->block_public_acls ? kPabBlockAcls : 0) |
          (b->ignore_public_acls ? kPabIgnoreAcls : 0) |
          (b->block_public_policy ? kPabBlockPolicy : 0) |
          (b->restrict_public_buckets ? kPabRestrict : 0);
  }
  out.push_back(static_cast<char>(pab));
  return out;
}

bool DecodeAccessSection(std::string_view body, BucketAccess* access) {
  if (!GetAcl(&body, &access->acl) || body.size() != 2) return false;
  const auto ownership = static_cast<uint8_t>(body[0]);
  const auto pab = static_cast<uint8_t>(body[1]);
  if (ownership > 3 || (pab & ~0x1f) != 0 || ((pab & kPabPresent) == 0 && pab != 0)) return false;
  access->ownership = static_cast<ObjectOwnership>(ownership);
  access->public_access_block.reset();
  if (pab & kPabPresent) {
    access->public_access_block =
        PublicAccessBlock{(pab & kPabBlockAcls) != 0, (pab & kPabIgnoreAcls) != 0,
                          (pab & kPabBlockPolicy) != 0, (pab & kPabRestrict) != 0};
  }
  return true;
}

bool GetFileId(std::string_view* in, blobs::BlobId* id) {
  std::string_view raw;
  if (!GetBytes(in, 16, &raw)) return false;
  *id = *blobs::BlobId::FromBytes(raw);
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

std::string EscapeKey(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 2);
  for (char c : key) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  return out;
}

std::string UploadKey(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  std::string k = UploadPrefix(bucket);
  k.append(EscapeKey(key));
  k.append(kEscapedKeyEnd);
  k.append(upload_id);
  return k;
}

bool ParseEscapedKey(std::string_view suffix, std::string* key, std::string* upload_id) {
  key->clear();
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (suffix[i] != '\0') {
      key->push_back(suffix[i]);
      continue;
    }
    if (i + 1 >= suffix.size()) return false;
    if (suffix[i + 1] == '\xff') {
      key->push_back('\0');
      ++i;
    } else if (suffix[i + 1] == '\x01') {
      upload_id->assign(suffix.substr(i + 2));
      return true;
    } else {
      return false;
    }
  }
  return false;
}

namespace {

// "<prefix><bucket>/<escaped key>\0\x01": an object's own keys under a record prefix.
std::string ObjectScoped(std::string_view prefix, std::string_view bucket, std::string_view key) {
  std::string k(prefix);
  k.append(bucket);
  k.push_back('/');
  k.append(EscapeKey(key));
  k.append(kEscapedKeyEnd);
  return k;
}

}  // namespace

std::string PartPrefix(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  std::string k = ObjectScoped(kPartPrefix, bucket, key);
  k.append(upload_id);
  k.push_back('/');
  return k;
}

std::string PartKey(std::string_view bucket, std::string_view key, std::string_view upload_id,
                    int number) {
  char digits[16];
  std::snprintf(digits, sizeof(digits), "%05d", number);
  return PartPrefix(bucket, key, upload_id) + digits;
}

std::string Format2PartPrefix(std::string_view upload_id) {
  std::string k(kPartPrefix);
  k.append(upload_id);
  k.push_back('/');
  return k;
}

VersionStamp VersionStamp::Make(int64_t unix_nanos, uint64_t random) {
  return VersionStamp{~static_cast<uint64_t>(unix_nanos), random};
}

std::string VersionStamp::Raw() const {
  std::string out;
  out.reserve(16);
  StoreBigEndian(&out, inverted_time);
  StoreBigEndian(&out, random);
  return out;
}

std::optional<VersionStamp> VersionStamp::FromRaw(std::string_view raw) {
  if (raw.size() != 16) return std::nullopt;
  return VersionStamp{LoadBigEndian(raw.substr(0, 8)), LoadBigEndian(raw.substr(8))};
}

std::string VersionStamp::Id() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string raw = Raw();
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto b = static_cast<unsigned char>(raw[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::optional<VersionStamp> VersionStamp::FromId(std::string_view id) {
  if (id.size() != 36) return std::nullopt;
  std::string raw;
  raw.reserve(16);
  int nibble = -1;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;  // ids are shown in lower case only
    }
    if (nibble < 0) {
      nibble = v;
    } else {
      raw.push_back(static_cast<char>((nibble << 4) | v));
      nibble = -1;
    }
  }
  return FromRaw(raw);
}

std::string VersionPrefix(std::string_view bucket) {
  std::string k = "v/";
  k.append(bucket);
  k.push_back('/');
  return k;
}

std::string VersionKeyPrefix(std::string_view bucket, std::string_view key) {
  std::string k = VersionPrefix(bucket);
  k.append(EscapeKey(key));
  k.append(kEscapedKeyEnd);
  return k;
}

std::string VersionKey(std::string_view bucket, std::string_view key, const VersionStamp& stamp) {
  return VersionKeyPrefix(bucket, key) + stamp.Raw();
}

std::string IntentKey(std::string_view bucket, std::string_view key, const blobs::BlobId& id) {
  return ObjectScoped(kIntentPrefix, bucket, key) + id.Hex();
}

std::string GarbageKey(std::string_view bucket, std::string_view key, const blobs::BlobId& id) {
  return ObjectScoped(kGarbagePrefix, bucket, key) + id.Hex();
}

std::optional<blobs::BlobId> BlobOfRecordKey(std::string_view after_prefix) {
  const size_t slash = after_prefix.find('/');
  if (slash == std::string_view::npos) return blobs::BlobId::FromHex(after_prefix);  // cairn-2
  std::string key, id;
  if (!ParseEscapedKey(after_prefix.substr(slash + 1), &key, &id)) return std::nullopt;
  return blobs::BlobId::FromHex(id);
}

std::string EncodeBucketRecord(const BucketRecord& record) {
  std::string out;
  out.push_back(static_cast<char>(kBucketRecordVersion));
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(record.created)));
  PutLengthPrefixed(&out, record.region);
  out.push_back(static_cast<char>(record.versioning));
  PutTags(&out, record.tags);
  PutLifecycle(&out, record.lifecycle);
  if (record.object_lock) {
    std::string lock;
    lock.push_back(static_cast<char>(record.default_retention.mode));
    PutVarint32(&lock, static_cast<uint32_t>(record.default_retention.days));
    PutVarint32(&lock, static_cast<uint32_t>(record.default_retention.years));
    out.push_back(static_cast<char>(kBucketSectionObjectLock));
    PutLengthPrefixed(&out, lock);
  }
  if (!record.access.IsDefault()) {
    out.push_back(static_cast<char>(kBucketSectionAccess));
    PutLengthPrefixed(&out, EncodeAccessSection(record.access));
  }
  if (record.encryption) {
    std::string section;
    section.push_back(static_cast<char>(record.encryption->mode));
    section.push_back(record.encryption->bucket_key_enabled ? 1 : 0);
    PutLengthPrefixed(&section, record.encryption->kms_key_id);
    out.push_back(static_cast<char>(kBucketSectionEncryption));
    PutLengthPrefixed(&out, section);
  }
  return out;
}

Status DecodeBucketRecord(std::string_view in, BucketRecord* record) {
  const auto format = in.empty() ? 0 : static_cast<uint8_t>(in[0]);
  if (format < 1 || format > kBucketRecordVersion) {
    return Corrupt("unknown bucket record version");
  }
  in.remove_prefix(1);
  uint64_t created;
  if (!GetFixed64(&in, &created) || !GetString(&in, &record->region)) {
    return Corrupt("truncated bucket record");
  }
  record->versioning = Versioning::kUnversioned;
  record->tags.clear();
  record->lifecycle.reset();
  if (format >= 2) {
    if (in.empty() || static_cast<uint8_t>(in[0]) > 2) return Corrupt("bad versioning state");
    record->versioning = static_cast<Versioning>(in[0]);
    in.remove_prefix(1);
    if (!GetTags(&in, &record->tags)) return Corrupt("truncated bucket tags");
  }
  if (format >= 3 && !GetLifecycle(&in, &record->lifecycle)) {
    return Corrupt("bad lifecycle configuration in bucket record");
  }
  // Optional sections to the end (format 2: right after the tags; format 3: after the rules).
  record->object_lock = false;
  record->default_retention = DefaultRetention{};
  record->access = BucketAccess{};
  record->encryption.reset();
  while (format >= 2 && !in.empty()) {
    const auto id = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    std::string_view body;
    if (!GetLengthPrefixed(&in, &body)) return Corrupt("truncated bucket record section");
    if (id == kBucketSectionAccess) {
      if (!DecodeAccessSection(body, &record->access)) return Corrupt("bad access section");
      continue;
    }
    if (id == kBucketSectionEncryption) {
      BucketEncryption enc;
      if (body.size() < 2 || (body[0] != 1 && body[0] != 2) || static_cast<uint8_t>(body[1]) > 1) {
        return Corrupt("bad encryption section");
      }
      enc.mode = static_cast<SseMode>(body[0]);
      enc.bucket_key_enabled = body[1] == 1;
      body.remove_prefix(2);
      if (!GetString(&body, &enc.kms_key_id) || !body.empty()) {
        return Corrupt("bad encryption section");
      }
      record->encryption = std::move(enc);
      continue;
    }
    if (id != kBucketSectionObjectLock) continue;  // a later section this version ignores
    uint32_t days, years;
    if (!GetMode(&body, &record->default_retention.mode) || !GetVarint32(&body, &days) ||
        !GetVarint32(&body, &years) || !body.empty() || days > 36500 || years > 100) {
      return Corrupt("bad object lock section");
    }
    record->object_lock = true;
    record->default_retention.days = static_cast<int>(days);
    record->default_retention.years = static_cast<int>(years);
  }
  if (!in.empty()) return Corrupt("trailing bytes in bucket record");
  record->created = FromUnixNanos(static_cast<int64_t>(created));
  return Status::Ok();
}

std::vector<blobs::BlobId> DataFilesOf(const ObjectRecord& r) {
  std::vector<blobs::BlobId> out;
  if (r.is_multipart) {
    out.reserve(r.parts.size());
    for (const ObjectPart& p : r.parts) out.push_back(p.file_id);
  } else if (!r.is_inline) {
    out.push_back(r.file_id);
  }
  return out;
}

std::string EncodeObjectRecord(const ObjectRecord& r) {
  std::string out;
  out.reserve(64 + r.etag.size() + r.attributes.content_type.size() +
              (r.is_inline ? r.inline_data.size() : 16) + r.parts.size() * 64);
  out.push_back(static_cast<char>(kObjectRecordVersion));
  uint8_t flags = r.is_multipart ? kFlagMultipart : (r.is_inline ? kFlagInline : 0);
  if (r.null_version) flags |= kFlagNullVersion;
  if (r.delete_marker) flags |= kFlagDeleteMarker;
  if (!r.lock.empty()) flags |= kFlagLock;
  const bool has_acl = !r.acl.IsDefault();
  if (has_acl) flags |= kFlagAcl;
  if (r.encryption) flags |= kFlagEncrypted;
  out.push_back(static_cast<char>(flags));
  PutVarint64(&out, r.size);
  PutLengthPrefixed(&out, r.etag);
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(r.modified)));
  out.append(r.version.Raw());
  PutAttributes(&out, r.attributes);
  PutChecksums(&out, r.checksums);
  PutTags(&out, r.tags);
  if (!r.lock.empty()) PutLock(&out, r.lock);
  if (has_acl) PutAcl(&out, r.acl);
  if (r.encryption) PutEncryption(&out, *r.encryption);
  if (r.is_multipart) {
    PutLengthPrefixed(&out, r.checksum_type);
    PutVarint32(&out, static_cast<uint32_t>(r.parts.size()));
    for (const ObjectPart& p : r.parts) {
      PutVarint32(&out, static_cast<uint32_t>(p.summary.number));
      PutVarint64(&out, p.summary.size);
      PutLengthPrefixed(&out, p.summary.etag);
      PutChecksums(&out, p.summary.checksums);
      out.append(p.file_id.Raw());
      if (r.encryption) PutLengthPrefixed(&out, p.nonce_base);
    }
    if (!r.upload_id.empty()) PutLengthPrefixed(&out, r.upload_id);  // optional trailing field
  } else if (r.is_inline) {
    out.append(r.inline_data);  // the rest: `size` bytes, or SealedSize(size) when encrypted
  } else {
    out.append(r.file_id.Raw());
  }
  return out;
}

Status DecodeObjectRecord(std::string_view in, ObjectRecord* r, bool with_data) {
  const auto format = in.size() < 2 ? 0 : static_cast<uint8_t>(in[0]);
  if (format != 1 && format != kObjectRecordVersion) {
    return Corrupt("unknown object record version");
  }
  auto flags = static_cast<uint8_t>(in[1]);
  const uint8_t known = format == 1 ? (kFlagInline | kFlagMultipart) : kKnownFlags;
  if ((flags & ~known) != 0 ||
      (flags & (kFlagInline | kFlagMultipart)) == (kFlagInline | kFlagMultipart)) {
    return Corrupt("unknown object record flags");
  }
  in.remove_prefix(2);
  r->is_inline = (flags & kFlagInline) != 0;
  r->is_multipart = (flags & kFlagMultipart) != 0;
  uint64_t mtime;
  if (!GetVarint64(&in, &r->size) || !GetString(&in, &r->etag) || !GetFixed64(&in, &mtime)) {
    return Corrupt("truncated object record");
  }
  r->modified = FromUnixNanos(static_cast<int64_t>(mtime));
  r->tags.clear();
  if (format == 1) {
    r->version = VersionStamp::Make(static_cast<int64_t>(mtime), 0);
    r->null_version = true;
    r->delete_marker = false;
  } else {
    std::string_view raw;
    if (!GetBytes(&in, 16, &raw)) return Corrupt("truncated version stamp");
    r->version = *VersionStamp::FromRaw(raw);
    r->null_version = (flags & kFlagNullVersion) != 0;
    r->delete_marker = (flags & kFlagDeleteMarker) != 0;
  }
  if (!GetAttributes(&in, &r->attributes)) return Corrupt("truncated headers");
  if (!GetChecksums(&in, &r->checksums)) return Corrupt("truncated checksums");
  if (format >= 2 && !GetTags(&in, &r->tags)) return Corrupt("truncated tags");
  r->lock = ObjectLock{};
  if ((flags & kFlagLock) != 0 && !GetLock(&in, &r->lock)) return Corrupt("bad lock state");
  r->acl = Acl();
  if ((flags & kFlagAcl) != 0 && !GetAcl(&in, &r->acl)) return Corrupt("bad ACL");
  r->encryption.reset();
  if ((flags & kFlagEncrypted) != 0) {
    EncryptionRecord enc;
    if ((flags & kFlagDeleteMarker) != 0 || !GetEncryption(&in, &enc)) {
      return Corrupt("bad encryption section");
    }
    if (enc.nonce_base.empty() != r->is_multipart) return Corrupt("bad encryption nonce base");
    r->encryption = std::move(enc);
  }
  r->checksum_type.clear();
  r->parts.clear();
  r->inline_data.clear();
  if (r->is_multipart) {
    uint32_t count;
    if (!GetString(&in, &r->checksum_type) || !GetVarint32(&in, &count) ||
        count > kMaxStoredParts) {
      return Corrupt("bad multipart object record");
    }
    r->parts.reserve(count);
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; ++i) {
      ObjectPart p;
      uint32_t number;
      if (!GetVarint32(&in, &number) || !GetVarint64(&in, &p.summary.size) ||
          !GetString(&in, &p.summary.etag) || !GetChecksums(&in, &p.summary.checksums) ||
          !GetFileId(&in, &p.file_id) ||
          (r->encryption &&
           (!GetString(&in, &p.nonce_base) || p.nonce_base.size() != crypto::kNonceBaseSize))) {
        return Corrupt("truncated multipart part");
      }
      p.summary.number = static_cast<int>(number);
      total += p.summary.size;
      r->parts.push_back(std::move(p));
    }
    r->upload_id.clear();
    if (!in.empty() && !GetString(&in, &r->upload_id)) return Corrupt("bad multipart upload id");
    if (!in.empty()) return Corrupt("trailing bytes after multipart parts");
    if (total != r->size) return Corrupt("multipart part sizes differ from size");
  } else if (r->is_inline) {
    const uint64_t stored = r->encryption ? crypto::SealedSize(r->size) : r->size;
    if (in.size() != stored) return Corrupt("inline data length differs from size");
    if (with_data) r->inline_data.assign(in);
  } else {
    if (!GetFileId(&in, &r->file_id) || !in.empty()) return Corrupt("bad data file id");
  }
  return Status::Ok();
}

std::string EncodeUploadRecord(const UploadRecord& r) {
  std::string out;
  const bool encrypted = r.encryption.has_value();
  const bool has_acl = !r.acl.IsDefault() || encrypted;
  out.push_back(static_cast<char>(encrypted ? kUploadRecordVersionEncrypted
                                  : has_acl ? kUploadRecordVersionAcl
                                            : kUploadRecordVersion));
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(r.initiated)));
  PutAttributes(&out, r.attributes);
  PutLengthPrefixed(&out, r.checksum_algorithm);
  PutLengthPrefixed(&out, r.checksum_type);
  PutTags(&out, r.tags);
  if (!has_acl) {
    if (!r.lock.empty()) PutLock(&out, r.lock);  // version 2: optional trailing block
    return out;
  }
  out.push_back(r.lock.empty() ? 0 : 1);  // version 3: the lock block says it is there
  if (!r.lock.empty()) PutLock(&out, r.lock);
  PutAcl(&out, r.acl);
  if (encrypted) PutEncryption(&out, *r.encryption);  // version 4
  return out;
}

Status DecodeUploadRecord(std::string_view in, UploadRecord* r) {
  const auto format = in.empty() ? 0 : static_cast<uint8_t>(in[0]);
  if (format < 1 || format > kUploadRecordVersionEncrypted) {
    return Corrupt("unknown upload record version");
  }
  in.remove_prefix(1);
  uint64_t initiated;
  r->tags.clear();
  r->lock = ObjectLock{};
  r->acl = Acl();
  r->encryption.reset();
  if (!GetFixed64(&in, &initiated) || !GetAttributes(&in, &r->attributes) ||
      !GetString(&in, &r->checksum_algorithm) || !GetString(&in, &r->checksum_type) ||
      (format >= 2 && !GetTags(&in, &r->tags))) {
    return Corrupt("truncated upload record");
  }
  if (format == 2 && !in.empty() && !GetLock(&in, &r->lock)) {
    return Corrupt("truncated upload record");
  }
  if (format >= 3) {
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return Corrupt("bad upload lock byte");
    const bool has_lock = in[0] == 1;
    in.remove_prefix(1);
    if ((has_lock && !GetLock(&in, &r->lock)) || !GetAcl(&in, &r->acl)) {
      return Corrupt("truncated upload record");
    }
  }
  if (format == kUploadRecordVersionEncrypted) {
    EncryptionRecord enc;
    if (!GetEncryption(&in, &enc) || !enc.nonce_base.empty()) {
      return Corrupt("bad upload encryption section");
    }
    r->encryption = std::move(enc);
  }
  if (!in.empty()) return Corrupt("trailing bytes in upload record");
  r->initiated = FromUnixNanos(static_cast<int64_t>(initiated));
  return Status::Ok();
}

std::string EncodePartRecord(const PartRecord& r) {
  std::string out;
  const bool encrypted = !r.nonce_base.empty();
  out.push_back(static_cast<char>(encrypted ? kPartRecordVersionEncrypted : kPartRecordVersion));
  PutVarint64(&out, r.size);
  PutLengthPrefixed(&out, r.etag);
  PutFixed64(&out, static_cast<uint64_t>(ToUnixNanos(r.modified)));
  PutChecksums(&out, r.checksums);
  out.append(r.file_id.Raw());
  if (encrypted) PutLengthPrefixed(&out, r.nonce_base);
  return out;
}

Status DecodePartRecord(std::string_view in, PartRecord* r) {
  const auto format = in.empty() ? 0 : static_cast<uint8_t>(in[0]);
  if (format != kPartRecordVersion && format != kPartRecordVersionEncrypted) {
    return Corrupt("unknown part record version");
  }
  in.remove_prefix(1);
  uint64_t mtime;
  r->nonce_base.clear();
  if (!GetVarint64(&in, &r->size) || !GetString(&in, &r->etag) || !GetFixed64(&in, &mtime) ||
      !GetChecksums(&in, &r->checksums) || !GetFileId(&in, &r->file_id) ||
      (format == kPartRecordVersionEncrypted &&
       (!GetString(&in, &r->nonce_base) || r->nonce_base.size() != crypto::kNonceBaseSize)) ||
      !in.empty()) {
    return Corrupt("truncated part record");
  }
  r->modified = FromUnixNanos(static_cast<int64_t>(mtime));
  return Status::Ok();
}

}  // namespace cairn::storage
