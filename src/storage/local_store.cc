#include "storage/local_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/data/data_dir.h"
#include "storage/records.h"

namespace cairn::storage {

namespace {

using data::DataDir;
using data::DataFile;
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
                        UploadRecord&& rec) {
  return UploadInfo{bucket,           std::string(key),          std::move(upload_id),
                    rec.initiated,    std::move(rec.attributes), rec.checksum_algorithm,
                    rec.checksum_type};
}

ObjectInfo ToInfo(const std::string& bucket, std::string_view key, ObjectRecord&& rec) {
  ObjectInfo info;
  info.bucket = bucket;
  info.key = std::string(key);
  info.size = rec.size;
  info.etag = std::move(rec.etag);
  info.modified = rec.modified;
  info.attributes = std::move(rec.attributes);
  info.checksums = std::move(rec.checksums);
  if (!rec.checksum_type.empty()) info.checksum_type = std::move(rec.checksum_type);
  info.parts.reserve(rec.parts.size());
  for (ObjectPart& part : rec.parts) info.parts.push_back(std::move(part.summary));
  return info;
}

bool IsUploadId(std::string_view id) {
  if (id.size() != kUploadIdLength) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status NoSuchUpload() {
  return Status(Code::kNoSuchUpload,
                "the specified multipart upload does not exist; it may have been aborted or "
                "completed");
}

// Base64 values are compared as bytes, so an equivalent encoding is not rejected.
bool SameBase64(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto da = Base64Decode(a);
  auto db = Base64Decode(b);
  return da && db && *da == *db;
}

const std::string* FindChecksum(const Checksums& sums, std::string_view alg) {
  for (const auto& [name, value] : sums) {
    if (name == alg) return &value;
  }
  return nullptr;
}

// ---- Checksums requested by the client (x-amz-checksum-*) ----

enum class ChecksumKind { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

std::optional<ChecksumKind> KindOf(std::string_view name) {
  if (name == "crc32") return ChecksumKind::kCrc32;
  if (name == "crc32c") return ChecksumKind::kCrc32c;
  if (name == "crc64nvme") return ChecksumKind::kCrc64Nvme;
  if (name == "sha1") return ChecksumKind::kSha1;
  if (name == "sha256") return ChecksumKind::kSha256;
  return std::nullopt;
}

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

class Checksummer {
 public:
  explicit Checksummer(std::string name, ChecksumKind kind, std::string expected)
      : name_(std::move(name)), kind_(kind), expected_(std::move(expected)) {
    if (kind_ == ChecksumKind::kSha1) digest_.emplace(DigestAlgorithm::kSha1);
    if (kind_ == ChecksumKind::kSha256) digest_.emplace(DigestAlgorithm::kSha256);
  }

  void Update(const char* p, size_t n) {
    switch (kind_) {
      case ChecksumKind::kCrc32: crc32_ = Crc32(crc32_, p, n); break;
      case ChecksumKind::kCrc32c: crc32_ = Crc32c(crc32_, p, n); break;
      case ChecksumKind::kCrc64Nvme: crc64_ = Crc64Nvme(crc64_, p, n); break;
      case ChecksumKind::kSha1:
      case ChecksumKind::kSha256: digest_->Update(p, n); break;
    }
  }

  // The base64 of the big-endian digest.
  std::string Value() {
    switch (kind_) {
      case ChecksumKind::kCrc32:
      case ChecksumKind::kCrc32c: return Base64Encode(BigEndian(crc32_, 4));
      case ChecksumKind::kCrc64Nvme: return Base64Encode(BigEndian(crc64_, 8));
      case ChecksumKind::kSha1:
      case ChecksumKind::kSha256: return Base64Encode(digest_->Finish());
    }
    return {};
  }

  const std::string& name() const { return name_; }
  const std::string& expected() const { return expected_; }
  void set_expected(std::string v) { expected_ = std::move(v); }

 private:
  std::string name_;
  ChecksumKind kind_;
  std::string expected_;  // "" = none given (yet)
  uint32_t crc32_ = 0;
  uint64_t crc64_ = 0;
  std::optional<Digest> digest_;
};

// MD5 (the ETag) plus every requested checksum, fed from one pass over the body.
class BodyHasher {
 public:
  static Result<BodyHasher> Make(const Checksums& requested) {
    BodyHasher h;
    for (const auto& [name, expected] : requested) {
      auto kind = KindOf(name);
      if (!kind) return Status(Code::kInvalidRequest, "unknown checksum algorithm " + name);
      auto same = std::find_if(h.sums_.begin(), h.sums_.end(),
                               [&](const Checksummer& c) { return c.name() == name; });
      if (same == h.sums_.end()) {
        h.sums_.emplace_back(name, *kind, expected);
      } else if (same->expected().empty()) {
        same->set_expected(expected);
      }
    }
    return h;
  }

  void Update(const char* p, size_t n) {
    md5_.Update(p, n);
    for (auto& s : sums_) s.Update(p, n);
  }

  // Finishes every digest and compares it with what the client sent (in the request or, for a
  // value left empty, in the body's trailer). kBadDigest on a mismatch.
  Status Verify(const std::optional<std::string>& content_md5, const Headers* trailers,
                std::string* etag, Checksums* checksums) {
    std::string md5 = md5_.Finish();
    if (content_md5 && !ConstantTimeEquals(md5, *content_md5)) {
      return Status(Code::kBadDigest,
                    "the Content-MD5 you specified did not match what we "
                    "received");
    }
    *etag = HexEncode(md5);
    checksums->clear();
    for (auto& s : sums_) {
      std::string expected = s.expected();
      if (expected.empty() && trailers != nullptr) {
        if (auto t = trailers->Get("x-amz-checksum-" + s.name())) {
          expected = std::string(TrimWhitespace(*t));
        }
      }
      std::string actual = s.Value();
      if (!expected.empty() && expected != actual) {
        // Compare the decoded bytes so an equivalent encoding is not rejected.
        auto a = Base64Decode(expected);
        if (!a || *a != *Base64Decode(actual)) {
          return Status(Code::kBadDigest, "the " + s.name() +
                                              " checksum you specified did not match what we "
                                              "received");
        }
      }
      checksums->emplace_back(s.name(), std::move(actual));
    }
    return Status::Ok();
  }

 private:
  BodyHasher() : md5_(DigestAlgorithm::kMd5) {}
  Digest md5_;
  std::vector<Checksummer> sums_;
};

// Reads until `n` bytes or the end of the stream; a body error comes back unchanged.
Result<size_t> ReadFull(ByteSource& body, char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, body.Read(buf + done, n - done));
    if (got == 0) break;
    done += got;
  }
  return done;
}

Status IncompleteBody(uint64_t got, uint64_t want) {
  return Status(Code::kIncompleteBody, "the body ended after " + std::to_string(got) + " of " +
                                           std::to_string(want) + " bytes");
}

// After the declared bytes the stream must end; reading to the end also lets a chunked decoder
// verify its final chunk and parse its trailers.
Status ExpectEnd(ByteSource& body) {
  char extra;
  CAIRN_ASSIGN_OR_RETURN(size_t got, body.Read(&extra, 1));
  if (got != 0) return Status(Code::kInvalidRequest, "the body is longer than its declared size");
  return Status::Ok();
}

// ---- Readers ----

class InlineSource final : public ByteSource {
 public:
  InlineSource(std::shared_ptr<const std::string> data, size_t offset, size_t length)
      : data_(std::move(data)), pos_(offset), end_(offset + length) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t count = std::min(n, end_ - pos_);
    std::copy_n(data_->data() + pos_, count, buf);
    pos_ += count;
    return count;
  }

 private:
  std::shared_ptr<const std::string> data_;
  size_t pos_;
  size_t end_;
};

class LocalObjectReader final : public ObjectReader {
 public:
  // `inline_data` holds the object's bytes from `inline_base` on (the whole metadata record,
  // whose tail they are, so they are not copied out of it).
  LocalObjectReader(ObjectInfo info, std::shared_ptr<const std::string> inline_data,
                    std::shared_ptr<const DataFile> file, size_t inline_base = 0)
      : info_(std::move(info)),
        inline_data_(std::move(inline_data)),
        file_(std::move(file)),
        inline_base_(inline_base) {}

  const ObjectInfo& info() const override { return info_; }

  Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) override {
    if (offset > info_.size || length > info_.size - offset) {
      return Status(Code::kInvalidRange, "range beyond the end of the object");
    }
    if (file_) return DataFile::OpenRange(file_, offset, length);
    return std::unique_ptr<ByteSource>(
        new InlineSource(inline_data_, inline_base_ + static_cast<size_t>(offset), length));
  }

 private:
  ObjectInfo info_;
  std::shared_ptr<const std::string> inline_data_;
  std::shared_ptr<const DataFile> file_;
  size_t inline_base_;
};

// The data files of a multipart object, opened (pinned) together, and where each begins.
struct PinnedParts {
  std::vector<std::shared_ptr<const DataFile>> files;
  std::vector<uint64_t> starts;  // starts[i]: offset of part i in the object
};

// Bytes [offset, offset+length) of a multipart object: seeks into the part holding `offset`,
// then continues across part boundaries.
class PartsSource final : public ByteSource {
 public:
  PartsSource(std::shared_ptr<const PinnedParts> parts, size_t index, uint64_t pos,
              uint64_t remaining)
      : parts_(std::move(parts)), index_(index), pos_(pos), remaining_(remaining) {}

  Result<size_t> Read(char* buf, size_t n) override {
    SkipFinishedParts();
    if (remaining_ == 0 || n == 0) return size_t{0};
    const DataFile& file = *parts_->files[index_];
    size_t want = static_cast<size_t>(std::min<uint64_t>({n, remaining_, file.size() - pos_}));
    CAIRN_ASSIGN_OR_RETURN(size_t got, file.file().Read(pos_, want, buf));
    if (got == 0) return Status(Code::kCorruption, "part data file shorter than its record");
    pos_ += got;
    remaining_ -= got;
    return got;
  }

  // Offered only while the rest of the range lies within one part's file.
  std::optional<FileRegion> RemainingFileRegion() override {
    SkipFinishedParts();
    if (index_ >= parts_->files.size()) return std::nullopt;
    const DataFile& file = *parts_->files[index_];
    if (remaining_ > file.size() - pos_) return std::nullopt;
    int fd = file.file().fd();
    if (fd < 0) return std::nullopt;
    return FileRegion{fd, pos_, remaining_};
  }

 private:
  void SkipFinishedParts() {
    while (remaining_ > 0 && index_ < parts_->files.size() &&
           pos_ == parts_->files[index_]->size()) {
      ++index_;
      pos_ = 0;
    }
  }

  std::shared_ptr<const PinnedParts> parts_;
  size_t index_;
  uint64_t pos_;
  uint64_t remaining_;
};

class MultipartObjectReader final : public ObjectReader {
 public:
  MultipartObjectReader(ObjectInfo info, std::shared_ptr<const PinnedParts> parts)
      : info_(std::move(info)), parts_(std::move(parts)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) override {
    if (offset > info_.size || length > info_.size - offset) {
      return Status(Code::kInvalidRange, "range beyond the end of the object");
    }
    const auto& starts = parts_->starts;
    size_t index = 0;
    if (!starts.empty()) {
      index = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                  starts.begin()) -
              1;
    }
    uint64_t pos = starts.empty() ? 0 : offset - starts[index];
    return std::unique_ptr<ByteSource>(new PartsSource(parts_, index, pos, length));
  }

 private:
  ObjectInfo info_;
  std::shared_ptr<const PinnedParts> parts_;
};

// ---- The store ----

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

Status LocalStoreImpl::Recover() {
  std::string format;
  Status s = db_->Get(kFormatKey, &format);
  if (s.code() == Code::kNotFound) {
    CAIRN_RETURN_IF_ERROR(db_->Put(kFormatKey, kFormatVersion, /*sync=*/true));
  } else if (!s.ok()) {
    return s;
  } else if (format != kFormatVersion) {
    return Status(Code::kCorruption, "unsupported store format '" + format + "'");
  }

  // An intent without its commit: the data file may have been published but nothing refers to
  // it. A garbage record: the file was replaced by a committed write but maybe not unlinked.
  meta::WriteBatch batch;
  size_t swept = 0;
  for (std::string_view prefix : {kIntentPrefix, kGarbagePrefix}) {
    auto it = db_->NewIterator(meta::PrefixSuccessor(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view k = it->key();
      auto id = FileId::FromHex(k.substr(prefix.size()));
      if (id) {
        Status rm = data_->Remove(*id);
        if (!rm.ok() && rm.code() != Code::kNotFound) return rm;
        if (rm.ok()) ++swept;
      }
      batch.Delete(k);
    }
    CAIRN_RETURN_IF_ERROR(it->status());
  }
  if (batch.count() > 0) {
    spdlog::info("storage: swept {} leftover data files ({} records)", swept, batch.count());
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  return Status::Ok();
}

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

Status LocalStoreImpl::CheckConditions(const WriteConditions& c, const ObjectRecord* current) {
  if (c.if_none_match_any && current != nullptr) {
    return Status(Code::kPreconditionFailed, "the object already exists (If-None-Match: *)");
  }
  if (c.if_match && (current == nullptr || current->etag != *c.if_match)) {
    return Status(Code::kPreconditionFailed, "the object's ETag does not match If-Match");
  }
  return Status::Ok();
}

Result<ObjectInfo> LocalStoreImpl::PutObject(const std::string& bucket, const std::string& key,
                                             ByteSource& body, uint64_t size,
                                             const PutOptions& options) {
  if (key.empty()) return Status(Code::kInvalidArgument, "empty object key");
  if (options.content_md5 && options.content_md5->size() != 16) {
    return Status(Code::kInvalidDigest, "Content-MD5 is not 16 bytes");
  }
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  CAIRN_ASSIGN_OR_RETURN(BodyHasher hasher, BodyHasher::Make(options.checksums));
  const std::string object_key = ObjectKey(bucket, key);
  const WriteConditions& cond = options.conditions;
  if (cond.if_none_match_any || cond.if_match) {
    // Fail fast before the body streams in; the check that counts is repeated at commit.
    ObjectRecord current;
    Status s = ReadObject(object_key, &current, /*with_data=*/false);
    if (!s.ok() && s.code() != Code::kNotFound) return s;
    CAIRN_RETURN_IF_ERROR(CheckConditions(cond, s.ok() ? &current : nullptr));
  }

  ObjectRecord rec;
  rec.size = size;
  rec.attributes = options.attributes;
  std::unique_ptr<DataWriter> writer;
  const uint64_t inline_limit = std::min(options_.inline_threshold, kMaxInlineThreshold);
  if (size == kUnknownSize) {
    // Read up to one byte past the inline limit: a body that ends before is kept inline, a
    // longer one goes to a data file, starting with the bytes already read.
    std::string head(static_cast<size_t>(inline_limit) + 1, '\0');
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, head.data(), head.size()));
    head.resize(got);
    hasher.Update(head.data(), head.size());
    if (got <= inline_limit) {
      rec.is_inline = true;
      rec.size = got;
      rec.inline_data = std::move(head);
    } else {
      rec.is_inline = false;
      CAIRN_ASSIGN_OR_RETURN(writer, data_->Create());
      rec.file_id = writer->id();
      CAIRN_RETURN_IF_ERROR(writer->Append(head.data(), head.size()));
      CAIRN_ASSIGN_OR_RETURN(uint64_t rest, StreamToEnd(body, hasher, *writer));
      rec.size = got + rest;
    }
  } else if (size <= inline_limit) {
    rec.is_inline = true;
    rec.inline_data.resize(size);
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, rec.inline_data.data(), size));
    if (got != size) return IncompleteBody(got, size);
    hasher.Update(rec.inline_data.data(), size);
  } else {
    rec.is_inline = false;
    CAIRN_ASSIGN_OR_RETURN(writer, data_->Create());  // its destructor removes the temp file
    rec.file_id = writer->id();
    CAIRN_RETURN_IF_ERROR(StreamToFile(body, size, hasher, *writer));
  }
  if (size != kUnknownSize) {
    CAIRN_RETURN_IF_ERROR(ExpectEnd(body));  // with kUnknownSize the body has ended already
  }
  CAIRN_RETURN_IF_ERROR(
      hasher.Verify(options.content_md5, body.trailers(), &rec.etag, &rec.checksums));

  if (writer) CAIRN_RETURN_IF_ERROR(PublishWithIntent(*writer));
  return Commit(bucket, key, std::move(rec), cond);
}

Result<uint64_t> LocalStoreImpl::StreamToEnd(ByteSource& body, BodyHasher& hasher,
                                             DataWriter& writer) {
  const size_t cap = std::max<size_t>(options_.io_buffer_size, 4096);
  std::unique_ptr<char[]> buf(new char[cap]);
  uint64_t done = 0;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, buf.get(), cap));
    if (got > 0) {
      hasher.Update(buf.get(), got);
      CAIRN_RETURN_IF_ERROR(writer.Append(buf.get(), got));
      done += got;
    }
    if (got < cap) return done;
  }
}

Status LocalStoreImpl::StreamToFile(ByteSource& body, uint64_t size, BodyHasher& hasher,
                                    DataWriter& writer) {
  const size_t cap = static_cast<size_t>(std::min<uint64_t>(
      std::max<size_t>(options_.io_buffer_size, 4096), std::max<uint64_t>(size, 1)));
  std::unique_ptr<char[]> buf(new char[cap]);
  uint64_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(cap, size - done));
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, buf.get(), want));
    if (got > 0) {
      hasher.Update(buf.get(), got);
      CAIRN_RETURN_IF_ERROR(writer.Append(buf.get(), got));
      done += got;
    }
    if (got < want) return IncompleteBody(done, size);
  }
  return Status::Ok();
}

Status LocalStoreImpl::PublishWithIntent(DataWriter& writer) {
  CAIRN_RETURN_IF_ERROR(writer.Finish());
  // The intent is durable before the file can be: a crash from here until the commit leaves
  // a record that tells the next start-up to delete the file.
  CAIRN_RETURN_IF_ERROR(db_->Put(IntentKey(writer.id()), "", /*sync=*/true));
  Status s = data_->Publish(writer);
  if (!s.ok()) DropPublished(writer.id());
  return s;
}

void LocalStoreImpl::DropPublished(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)db_->Delete(IntentKey(id), /*sync=*/false);  // if lost, the sweep finds no file
  }
}

void LocalStoreImpl::CollectGarbage(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)db_->Delete(GarbageKey(id), /*sync=*/false);
  } else {
    spdlog::warn("storage: cannot remove replaced data file {}: {}", id.Hex(), s.ToString());
  }
}

Result<ObjectInfo> LocalStoreImpl::Commit(const std::string& bucket, const std::string& key,
                                          ObjectRecord rec, const WriteConditions& conditions) {
  const std::string object_key = ObjectKey(bucket, key);
  std::vector<FileId> replaced;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard key_lock(KeyMutex(object_key));
    Status s = CheckBucket(bucket);
    ObjectRecord current;
    bool exists = false;
    if (s.ok()) {
      s = ReadObject(object_key, &current, /*with_data=*/false);
      exists = s.ok();
      if (s.code() == Code::kNotFound) s = Status::Ok();
    }
    if (s.ok()) s = CheckConditions(conditions, exists ? &current : nullptr);
    if (!s.ok()) {
      if (!rec.is_inline) DropPublished(rec.file_id);
      return s;
    }
    rec.modified = Now();
    meta::WriteBatch batch;
    batch.Put(object_key, EncodeObjectRecord(rec));
    if (!rec.is_inline) batch.Delete(IntentKey(rec.file_id));
    if (exists) {
      replaced = DataFilesOf(current);
      for (const FileId& id : replaced) batch.Put(GarbageKey(id), "");
    }
    // On failure the outcome is unknown (RocksDB may have applied it): leave the intent and the
    // file for the start-up sweep, which decides from whether the intent survived.
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  CollectGarbage(replaced);
  rec.inline_data.clear();
  return ToInfo(bucket, key, std::move(rec));
}

Result<ObjectInfo> LocalStoreImpl::HeadObject(const std::string& bucket, const std::string& key) {
  ObjectRecord rec;
  Status s = ReadObject(ObjectKey(bucket, key), &rec, /*with_data=*/false);
  if (s.code() == Code::kNotFound) {
    CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
    return Status(Code::kNoSuchKey, "the specified key does not exist");
  }
  CAIRN_RETURN_IF_ERROR(s);
  return ToInfo(bucket, key, std::move(rec));
}

Result<std::unique_ptr<ObjectReader>> LocalStoreImpl::OpenObject(const std::string& bucket,
                                                                 const std::string& key) {
  const std::string object_key = ObjectKey(bucket, key);
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    ObjectRecord rec;
    std::string value;
    Status s = db_->Get(object_key, &value);
    if (s.ok()) s = DecodeObjectRecord(value, &rec, /*with_data=*/false);
    if (s.code() == Code::kNotFound) {
      CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
      return Status(Code::kNoSuchKey, "the specified key does not exist");
    }
    CAIRN_RETURN_IF_ERROR(s);
    if (rec.is_inline) {
      // Inline bytes are the record's tail (DecodeObjectRecord checks their length): the reader
      // keeps the record rather than a copy of them.
      size_t base = value.size() - static_cast<size_t>(rec.size);
      auto bytes = std::make_shared<const std::string>(std::move(value));
      return std::unique_ptr<ObjectReader>(new LocalObjectReader(
          ToInfo(bucket, key, std::move(rec)), std::move(bytes), nullptr, base));
    }
    if (rec.is_multipart) {
      auto pinned = std::make_shared<PinnedParts>();
      pinned->files.reserve(rec.parts.size());
      pinned->starts.reserve(rec.parts.size());
      uint64_t offset = 0;
      bool vanished = false;
      for (const ObjectPart& part : rec.parts) {
        auto file = data_->Open(part.file_id);
        if (!file.ok()) {
          if (file.status().code() == Code::kNotFound) {
            vanished = true;  // replaced and unlinked after we read the record
            break;
          }
          return file.status();
        }
        if ((*file)->size() != part.summary.size) {
          return Status(Code::kCorruption, "data file " + part.file_id.Hex() + " has " +
                                               std::to_string((*file)->size()) +
                                               " bytes, part record " +
                                               std::to_string(part.summary.size));
        }
        pinned->files.push_back(std::move(*file));
        pinned->starts.push_back(offset);
        offset += part.summary.size;
      }
      if (vanished) continue;
      return std::unique_ptr<ObjectReader>(
          new MultipartObjectReader(ToInfo(bucket, key, std::move(rec)), std::move(pinned)));
    }
    auto file = data_->Open(rec.file_id);
    if (!file.ok()) {
      // Replaced and unlinked after we read the record: read the newer record.
      if (file.status().code() == Code::kNotFound) continue;
      return file.status();
    }
    if ((*file)->size() != rec.size) {
      return Status(Code::kCorruption, "data file " + rec.file_id.Hex() + " has " +
                                           std::to_string((*file)->size()) + " bytes, record " +
                                           std::to_string(rec.size));
    }
    return std::unique_ptr<ObjectReader>(
        new LocalObjectReader(ToInfo(bucket, key, std::move(rec)), nullptr, std::move(*file)));
  }
  return Status(Code::kIOError, "the data file of " + bucket + "/" + key + " keeps vanishing");
}

Status LocalStoreImpl::DeleteObject(const std::string& bucket, const std::string& key) {
  const std::string object_key = ObjectKey(bucket, key);
  std::vector<FileId> replaced;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard key_lock(KeyMutex(object_key));
    ObjectRecord current;
    Status s = ReadObject(object_key, &current, /*with_data=*/false);
    if (s.code() == Code::kNotFound) return CheckBucket(bucket);
    meta::WriteBatch batch;
    batch.Delete(object_key);
    // A record that does not decode is deleted all the same; its file (if any) is orphaned.
    if (s.ok()) {
      replaced = DataFilesOf(current);
      for (const FileId& id : replaced) batch.Put(GarbageKey(id), "");
    }
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  CollectGarbage(replaced);
  return Status::Ok();
}

Result<ListResult> LocalStoreImpl::ListObjects(const std::string& bucket, const ListQuery& query) {
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  ListResult result;
  const int max_keys = std::max(query.max_keys, 0);
  if (max_keys == 0) return result;

  const std::string base = ObjectPrefix(bucket);
  const std::string scan_prefix = base + query.prefix;
  const std::string& after = query.after;
  const std::string& delim = query.delimiter;
  auto it = db_->NewIterator(meta::PrefixSuccessor(scan_prefix));
  it->Seek(after > query.prefix ? base + after : scan_prefix);

  int count = 0;
  while (it->Valid()) {
    std::string_view full = it->key();
    if (full.substr(0, scan_prefix.size()) != scan_prefix) break;
    std::string_view key = full.substr(base.size());
    if (key <= after) {  // only the marker itself
      it->Next();
      continue;
    }
    if (!delim.empty()) {
      size_t pos = key.find(delim, query.prefix.size());
      if (pos != std::string_view::npos) {
        std::string common(key.substr(0, pos + delim.size()));
        // A marker equal to this common prefix means an earlier page returned it already.
        if (common != after) {
          if (count == max_keys) {
            result.truncated = true;
            break;
          }
          result.common_prefixes.push_back(common);
          result.next_marker = common;
          ++count;
        }
        // Skip every key under the common prefix with one seek.
        std::string next = meta::PrefixSuccessor(base + common);
        if (next.empty()) break;
        it->Seek(next);
        continue;
      }
    }
    if (count == max_keys) {
      result.truncated = true;
      break;
    }
    ObjectRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(it->value(), &rec, /*with_data=*/false));
    result.objects.push_back(ToInfo(bucket, key, std::move(rec)));
    result.next_marker = result.objects.back().key;
    ++count;
    it->Next();
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  if (!result.truncated) result.next_marker.clear();
  return result;
}

// ---- Multipart uploads ----

Result<UploadRecord> LocalStoreImpl::ReadUpload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id) {
  std::string value;
  Status s = IsUploadId(upload_id) ? db_->Get(UploadKey(bucket, key, upload_id), &value)
                                   : Status(Code::kNotFound, "");
  if (s.code() == Code::kNotFound) {
    CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
    return NoSuchUpload();
  }
  CAIRN_RETURN_IF_ERROR(s);
  UploadRecord rec;
  CAIRN_RETURN_IF_ERROR(DecodeUploadRecord(value, &rec));
  return rec;
}

Status LocalStoreImpl::DropParts(const std::string& upload_id, meta::WriteBatch& batch,
                                 std::vector<FileId>* files) {
  const std::string prefix = PartPrefix(upload_id);
  auto it = db_->NewIterator(meta::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    PartRecord part;
    // A part record that does not decode is deleted all the same; its file is orphaned.
    if (DecodePartRecord(it->value(), &part).ok()) {
      batch.Put(GarbageKey(part.file_id), "");
      files->push_back(part.file_id);
    }
    batch.Delete(it->key());
  }
  return it->status();
}

Result<UploadInfo> LocalStoreImpl::CreateMultipartUpload(const std::string& bucket,
                                                         const std::string& key,
                                                         const PutOptions& options) {
  if (key.empty()) return Status(Code::kInvalidArgument, "empty object key");
  UploadRecord rec;
  rec.attributes = options.attributes;
  if (options.checksums.size() > 1) {
    return Status(Code::kInvalidRequest, "a multipart upload takes one checksum algorithm");
  }
  if (!options.checksums.empty()) {
    rec.checksum_algorithm = ToLower(options.checksums[0].first);
    if (!KindOf(rec.checksum_algorithm)) {
      return Status(Code::kInvalidRequest,
                    "unknown checksum algorithm " + options.checksums[0].first);
    }
  }
  std::string type = ToUpper(options.checksum_type);
  if (!type.empty() && type != "COMPOSITE" && type != "FULL_OBJECT") {
    return Status(Code::kInvalidRequest, "x-amz-checksum-type must be COMPOSITE or FULL_OBJECT");
  }
  const std::string& alg = rec.checksum_algorithm;
  if (alg.empty()) {
    if (!type.empty()) {
      return Status(Code::kInvalidRequest,
                    "the x-amz-checksum-type header can only be used with the "
                    "x-amz-checksum-algorithm header");
    }
  } else {
    if (type.empty()) type = alg == "crc64nvme" ? "FULL_OBJECT" : "COMPOSITE";
    if (type == "COMPOSITE" && alg == "crc64nvme") {
      return Status(Code::kInvalidRequest, "CRC64NVME supports only the FULL_OBJECT type");
    }
    if (type == "FULL_OBJECT" && (alg == "sha1" || alg == "sha256")) {
      return Status(Code::kInvalidRequest,
                    "the FULL_OBJECT type is supported only for CRC32, CRC32C and CRC64NVME");
    }
    rec.checksum_type = type;
  }

  rec.initiated = Now();
  std::string random(16, '\0');
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(random.data(), random.size()));
  std::string upload_id =
      HexEncode(BigEndian(static_cast<uint64_t>(ToUnixNanos(rec.initiated)), 8)) +
      HexEncode(random);
  {
    std::shared_lock bucket_lock(buckets_mu_);
    CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
    CAIRN_RETURN_IF_ERROR(
        db_->Put(UploadKey(bucket, key, upload_id), EncodeUploadRecord(rec), /*sync=*/true));
  }
  return ToUploadInfo(bucket, key, upload_id, std::move(rec));
}

Result<PartInfo> LocalStoreImpl::UploadPart(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id, int number,
                                            ByteSource& body, uint64_t size,
                                            const PartOptions& options) {
  if (number < 1 || number > kMaxPartNumber) {
    return Status(Code::kInvalidArgumentS3,
                  "Part number must be an integer between 1 and 10000, inclusive");
  }
  if (options.content_md5 && options.content_md5->size() != 16) {
    return Status(Code::kInvalidDigest, "Content-MD5 is not 16 bytes");
  }
  CAIRN_ASSIGN_OR_RETURN(UploadRecord upload, ReadUpload(bucket, key, upload_id));
  // The upload's algorithm is always computed, so completion can build the object's checksum.
  Checksums requested = options.checksums;
  if (!upload.checksum_algorithm.empty()) requested.emplace_back(upload.checksum_algorithm, "");
  CAIRN_ASSIGN_OR_RETURN(BodyHasher hasher, BodyHasher::Make(requested));

  // Even a small part gets its own file: completion stitches files, it never copies bytes.
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<DataWriter> writer, data_->Create());
  PartRecord part;
  part.size = size;
  part.file_id = writer->id();
  CAIRN_RETURN_IF_ERROR(StreamToFile(body, size, hasher, *writer));
  CAIRN_RETURN_IF_ERROR(ExpectEnd(body));
  CAIRN_RETURN_IF_ERROR(
      hasher.Verify(options.content_md5, body.trailers(), &part.etag, &part.checksums));
  CAIRN_RETURN_IF_ERROR(PublishWithIntent(*writer));

  std::optional<FileId> replaced;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    std::string value;
    Status s = db_->Get(UploadKey(bucket, key, upload_id), &value);
    if (s.code() == Code::kNotFound) s = NoSuchUpload();  // completed or aborted meanwhile
    const std::string part_key = PartKey(upload_id, number);
    PartRecord old;
    if (s.ok()) {
      s = db_->Get(part_key, &value);
      if (s.ok()) {
        if (DecodePartRecord(value, &old).ok()) replaced = old.file_id;
      } else if (s.code() == Code::kNotFound) {
        s = Status::Ok();
      }
    }
    if (!s.ok()) {
      DropPublished(part.file_id);
      return s;
    }
    part.modified = Now();
    meta::WriteBatch batch;
    batch.Put(part_key, EncodePartRecord(part));
    batch.Delete(IntentKey(part.file_id));
    if (replaced) batch.Put(GarbageKey(*replaced), "");
    // On failure the outcome is unknown: the intent and file are left for the start-up sweep.
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  if (replaced) CollectGarbage(*replaced);
  return PartInfo{number, part.size, std::move(part.etag), part.modified,
                  std::move(part.checksums)};
}

namespace {

// The object checksum of a completed upload, from its parts' stored checksums, as AWS defines
// it: COMPOSITE hashes the concatenated raw part checksums and appends "-N"; FULL_OBJECT is the
// CRC of the whole body, combined from the part CRCs and lengths.
Result<std::string> MultipartChecksum(const std::string& alg, const std::string& type,
                                      const std::vector<ObjectPart>& parts) {
  auto kind = KindOf(alg);
  if (!kind) return Status(Code::kInternal, "unknown checksum algorithm " + alg);
  std::vector<std::string> raws;
  raws.reserve(parts.size());
  for (const ObjectPart& part : parts) {
    const std::string* value = FindChecksum(part.summary.checksums, alg);
    auto raw = value ? Base64Decode(*value) : std::nullopt;
    if (!raw) {
      return Status(Code::kInvalidPart,
                    "part " + std::to_string(part.summary.number) + " has no " + alg + " checksum");
    }
    raws.push_back(std::move(*raw));
  }
  if (type == "COMPOSITE") {
    Checksummer sum(alg, *kind, "");
    for (const std::string& raw : raws) sum.Update(raw.data(), raw.size());
    return sum.Value() + "-" + std::to_string(parts.size());
  }
  const size_t width = *kind == ChecksumKind::kCrc64Nvme ? 8 : 4;
  uint64_t crc = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (raws[i].size() != width) return Status(Code::kCorruption, "bad stored part checksum");
    uint64_t part_crc = 0;
    for (unsigned char c : raws[i]) part_crc = (part_crc << 8) | c;
    uint64_t len = parts[i].summary.size;
    switch (*kind) {
      case ChecksumKind::kCrc32:
        crc = i == 0
                  ? part_crc
                  : Crc32Combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), len);
        break;
      case ChecksumKind::kCrc32c:
        crc = i == 0
                  ? part_crc
                  : Crc32cCombine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), len);
        break;
      case ChecksumKind::kCrc64Nvme:
        crc = i == 0 ? part_crc : Crc64NvmeCombine(crc, part_crc, len);
        break;
      default: return Status(Code::kInternal, "FULL_OBJECT checksum of a non-CRC algorithm");
    }
  }
  return Base64Encode(BigEndian(crc, static_cast<int>(width)));
}

}  // namespace

Result<ObjectInfo> LocalStoreImpl::CompleteMultipartUpload(const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& upload_id,
                                                           const std::vector<CompletedPart>& parts,
                                                           const WriteConditions& conditions) {
  if (parts.empty()) return Status(Code::kMalformedXML, "You must specify at least one part");
  if (parts.size() > kMaxParts) {
    return Status(Code::kMalformedXML, "a multipart upload has at most 10000 parts");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].number < 1 || parts[i].number > kMaxPartNumber) {
      return Status(Code::kInvalidPart, "part number " + std::to_string(parts[i].number) +
                                            " is not between 1 and 10000");
    }
    if (i > 0 && parts[i].number <= parts[i - 1].number) {
      return Status(Code::kInvalidPartOrder,
                    "the list of parts was not in ascending order; parts must be ordered by "
                    "part number");
    }
  }
  CAIRN_RETURN_IF_ERROR(ReadUpload(bucket, key, upload_id).status());  // fail fast

  const std::string object_key = ObjectKey(bucket, key);
  const std::string upload_key = UploadKey(bucket, key, upload_id);
  std::vector<FileId> garbage;
  ObjectRecord rec;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    std::lock_guard key_lock(KeyMutex(object_key));
    std::string value;
    Status s = db_->Get(upload_key, &value);
    if (s.code() == Code::kNotFound) return NoSuchUpload();
    CAIRN_RETURN_IF_ERROR(s);
    UploadRecord upload;
    CAIRN_RETURN_IF_ERROR(DecodeUploadRecord(value, &upload));

    // Every part of the upload, by number; the batch deletes them all.
    meta::WriteBatch batch;
    std::map<int, PartRecord> stored;
    const std::string prefix = PartPrefix(upload_id);
    auto it = db_->NewIterator(meta::PrefixSuccessor(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view digits = it->key().substr(prefix.size());
      int number = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        return Status(Code::kCorruption, "bad part key");
      }
      PartRecord part;
      CAIRN_RETURN_IF_ERROR(DecodePartRecord(it->value(), &part));
      stored.emplace(number, std::move(part));
      batch.Delete(it->key());
    }
    CAIRN_RETURN_IF_ERROR(it->status());

    for (const CompletedPart& want : parts) {
      auto found = stored.find(want.number);
      if (found == stored.end() || ToLower(want.etag) != found->second.etag) {
        return Status(Code::kInvalidPart,
                      "part " + std::to_string(want.number) +
                          " could not be found, or its ETag does not match the part's");
      }
      for (const auto& [alg, value] : want.checksums) {
        const std::string* have = FindChecksum(found->second.checksums, alg);
        if (have == nullptr || !SameBase64(value, *have)) {
          return Status(Code::kInvalidPart, "the " + alg + " checksum of part " +
                                                std::to_string(want.number) +
                                                " does not match the uploaded part's");
        }
      }
    }
    Digest md5(DigestAlgorithm::kMd5);
    rec.is_inline = false;
    rec.is_multipart = true;
    rec.parts.reserve(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      PartRecord& part = stored[parts[i].number];
      if (i + 1 < parts.size() && part.size < options_.min_part_size) {
        return Status(Code::kEntityTooSmall, "part " + std::to_string(parts[i].number) +
                                                 " is smaller than the minimum allowed size (" +
                                                 std::to_string(options_.min_part_size) +
                                                 " bytes)");
      }
      auto raw_md5 = HexDecode(part.etag);
      if (!raw_md5) return Status(Code::kCorruption, "bad stored part etag");
      md5.Update(*raw_md5);
      rec.size += part.size;
      rec.parts.push_back(ObjectPart{
          PartSummary{parts[i].number, part.size, part.etag, part.checksums}, part.file_id});
    }
    rec.etag = HexEncode(md5.Finish()) + "-" + std::to_string(parts.size());
    rec.attributes = std::move(upload.attributes);
    if (!upload.checksum_algorithm.empty()) {
      CAIRN_ASSIGN_OR_RETURN(std::string sum, MultipartChecksum(upload.checksum_algorithm,
                                                                upload.checksum_type, rec.parts));
      rec.checksums = {{upload.checksum_algorithm, std::move(sum)}};
      rec.checksum_type = upload.checksum_type;
    }
    // Parts uploaded but not listed are dropped with the upload.
    for (const auto& [number, part] : stored) {
      bool listed = std::any_of(parts.begin(), parts.end(),
                                [n = number](const CompletedPart& p) { return p.number == n; });
      if (!listed) {
        batch.Put(GarbageKey(part.file_id), "");
        garbage.push_back(part.file_id);
      }
    }

    ObjectRecord current;
    s = ReadObject(object_key, &current, /*with_data=*/false);
    bool exists = s.ok();
    if (!s.ok() && s.code() != Code::kNotFound) return s;
    CAIRN_RETURN_IF_ERROR(CheckConditions(conditions, exists ? &current : nullptr));
    if (exists) {
      for (const FileId& id : DataFilesOf(current)) {
        batch.Put(GarbageKey(id), "");
        garbage.push_back(id);
      }
    }
    rec.modified = Now();
    batch.Put(object_key, EncodeObjectRecord(rec));
    batch.Delete(upload_key);
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  CollectGarbage(garbage);
  return ToInfo(bucket, key, std::move(rec));
}

Status LocalStoreImpl::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id) {
  CAIRN_RETURN_IF_ERROR(ReadUpload(bucket, key, upload_id).status());
  std::vector<FileId> garbage;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    const std::string upload_key = UploadKey(bucket, key, upload_id);
    std::string value;
    Status s = db_->Get(upload_key, &value);
    if (s.code() == Code::kNotFound) return NoSuchUpload();
    CAIRN_RETURN_IF_ERROR(s);
    meta::WriteBatch batch;
    CAIRN_RETURN_IF_ERROR(DropParts(upload_id, batch, &garbage));
    batch.Delete(upload_key);
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  CollectGarbage(garbage);
  return Status::Ok();
}

Result<UploadInfo> LocalStoreImpl::GetUpload(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id) {
  CAIRN_ASSIGN_OR_RETURN(UploadRecord rec, ReadUpload(bucket, key, upload_id));
  return ToUploadInfo(bucket, key, upload_id, std::move(rec));
}

Result<ListPartsResult> LocalStoreImpl::ListParts(const std::string& bucket, const std::string& key,
                                                  const std::string& upload_id, int after,
                                                  int max_parts) {
  CAIRN_RETURN_IF_ERROR(ReadUpload(bucket, key, upload_id).status());
  ListPartsResult result;
  after = std::clamp(after, 0, kMaxPartNumber);
  max_parts = std::max(max_parts, 0);
  result.next_part_number_marker = after;
  const std::string prefix = PartPrefix(upload_id);
  auto it = db_->NewIterator(meta::PrefixSuccessor(prefix));
  for (it->Seek(PartKey(upload_id, after + 1)); it->Valid(); it->Next()) {
    if (static_cast<int>(result.parts.size()) == max_parts) {
      result.truncated = true;
      break;
    }
    std::string_view digits = it->key().substr(prefix.size());
    int number = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return Status(Code::kCorruption, "bad part key");
    }
    PartRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodePartRecord(it->value(), &rec));
    result.parts.push_back(
        PartInfo{number, rec.size, std::move(rec.etag), rec.modified, std::move(rec.checksums)});
    result.next_part_number_marker = number;
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  return result;
}

Result<ListUploadsResult> LocalStoreImpl::ListMultipartUploads(const std::string& bucket,
                                                               const ListUploadsQuery& query) {
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  ListUploadsResult result;
  const int max_uploads = std::max(query.max_uploads, 0);
  if (max_uploads == 0) return result;

  const std::string base = UploadPrefix(bucket);
  const std::string scan_prefix = base + EscapeUploadKey(query.prefix);
  const std::string& marker = query.key_marker;
  // With only a key marker: keys after it. With an upload id marker too: that key's uploads
  // initiated after the marked one (ids sort by initiation), then keys after it.
  std::string start = scan_prefix;
  if (!marker.empty()) {
    std::string from = base + EscapeUploadKey(marker) + std::string(kUploadKeyEnd);
    if (query.upload_id_marker.empty()) {
      from.back() = '\x02';  // past every upload of the marker key
    } else {
      from += query.upload_id_marker;
    }
    start = std::max(start, from);
  }
  const std::string& delim = query.delimiter;
  auto it = db_->NewIterator(meta::PrefixSuccessor(scan_prefix));
  it->Seek(start);
  int count = 0;
  std::string key, upload_id;
  while (it->Valid()) {
    if (!ParseUploadKeySuffix(it->key().substr(base.size()), &key, &upload_id)) {
      return Status(Code::kCorruption, "bad upload key");
    }
    if (!marker.empty() &&
        (key < marker || (key == marker && (query.upload_id_marker.empty() ||
                                            upload_id <= query.upload_id_marker)))) {
      it->Next();
      continue;
    }
    if (!delim.empty()) {
      size_t pos = key.find(delim, query.prefix.size());
      if (pos != std::string::npos) {
        std::string common = key.substr(0, pos + delim.size());
        // A marker equal to this common prefix means an earlier page returned it already.
        if (common != marker) {
          if (count == max_uploads) {
            result.truncated = true;
            break;
          }
          result.common_prefixes.push_back(common);
          result.next_key_marker = common;
          result.next_upload_id_marker.clear();
          ++count;
        }
        // Skip every upload under the common prefix with one seek.
        std::string next = meta::PrefixSuccessor(base + EscapeUploadKey(common));
        if (next.empty()) break;
        it->Seek(next);
        continue;
      }
    }
    if (count == max_uploads) {
      result.truncated = true;
      break;
    }
    UploadRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeUploadRecord(it->value(), &rec));
    result.next_key_marker = key;
    result.next_upload_id_marker = upload_id;
    result.uploads.push_back(ToUploadInfo(bucket, key, upload_id, std::move(rec)));
    ++count;
    it->Next();
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  if (!result.truncated) {
    result.next_key_marker.clear();
    result.next_upload_id_marker.clear();
  }
  return result;
}

}  // namespace

Result<std::unique_ptr<LocalStore>> OpenLocalStore(const std::string& dir,
                                                   const LocalStoreOptions& options) {
  platform::Env* env = options.env != nullptr ? options.env : platform::Env::Default();
  const std::string root = platform::JoinPath(dir, ".cairn");
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(root));
  // The metadata opens first: its lock keeps a second process from sweeping our tmp/.
  CAIRN_ASSIGN_OR_RETURN(auto db, MetaDb::Open(platform::JoinPath(root, "meta"), options.meta));
  CAIRN_ASSIGN_OR_RETURN(auto data, DataDir::Open(env, root));
  auto store = std::make_unique<LocalStoreImpl>(options, env, std::move(db), std::move(data));
  CAIRN_RETURN_IF_ERROR(store->Recover());
  return std::unique_ptr<LocalStore>(std::move(store));
}

}  // namespace cairn::storage
