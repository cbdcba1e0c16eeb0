#include "storage/local_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <functional>
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

ObjectInfo ToInfo(const std::string& bucket, std::string_view key, ObjectRecord&& rec) {
  ObjectInfo info;
  info.bucket = bucket;
  info.key = std::string(key);
  info.size = rec.size;
  info.etag = std::move(rec.etag);
  info.modified = rec.modified;
  info.attributes = std::move(rec.attributes);
  info.checksums = std::move(rec.checksums);
  return info;
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
  LocalObjectReader(ObjectInfo info, std::shared_ptr<const std::string> inline_data,
                    std::shared_ptr<const DataFile> file)
      : info_(std::move(info)), inline_data_(std::move(inline_data)), file_(std::move(file)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) override {
    if (offset > info_.size || length > info_.size - offset) {
      return Status(Code::kInvalidRange, "range beyond the end of the object");
    }
    if (file_) return DataFile::OpenRange(file_, offset, length);
    return std::unique_ptr<ByteSource>(new InlineSource(inline_data_, offset, length));
  }

 private:
  ObjectInfo info_;
  std::shared_ptr<const std::string> inline_data_;
  std::shared_ptr<const DataFile> file_;
};

// ---- The store ----

class LocalStore final : public ObjectStore {
 public:
  LocalStore(const LocalStoreOptions& options, platform::Env* env, std::unique_ptr<MetaDb> db,
             std::unique_ptr<DataDir> data)
      : options_(options), env_(env), db_(std::move(db)), data_(std::move(data)) {}

  Status Recover();

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
};

Status LocalStore::Recover() {
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

Status LocalStore::CheckBucket(const std::string& bucket) {
  std::string value;
  Status s = db_->Get(BucketKey(bucket), &value);
  if (s.code() == Code::kNotFound) {
    return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
  }
  return s;
}

Status LocalStore::ReadObject(const std::string& object_key, ObjectRecord* rec, bool with_data) {
  std::string value;
  CAIRN_RETURN_IF_ERROR(db_->Get(object_key, &value));
  return DecodeObjectRecord(value, rec, with_data);
}

Status LocalStore::CreateBucket(const std::string& bucket, const std::string& region) {
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

Status LocalStore::DeleteBucket(const std::string& bucket) {
  std::unique_lock lock(buckets_mu_);
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  for (const std::string& prefix : {ObjectPrefix(bucket), UploadPrefix(bucket)}) {
    auto it = db_->NewIterator(meta::PrefixSuccessor(prefix));
    it->Seek(prefix);
    if (it->Valid()) return Status(Code::kBucketNotEmpty, "the bucket is not empty");
    CAIRN_RETURN_IF_ERROR(it->status());
  }
  return db_->Delete(BucketKey(bucket), /*sync=*/true);
}

Result<BucketInfo> LocalStore::GetBucket(const std::string& bucket) {
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

Result<std::vector<BucketInfo>> LocalStore::ListBuckets() {
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

Status LocalStore::CheckConditions(const WriteConditions& c, const ObjectRecord* current) {
  if (c.if_none_match_any && current != nullptr) {
    return Status(Code::kPreconditionFailed, "the object already exists (If-None-Match: *)");
  }
  if (c.if_match && (current == nullptr || current->etag != *c.if_match)) {
    return Status(Code::kPreconditionFailed, "the object's ETag does not match If-Match");
  }
  return Status::Ok();
}

Result<ObjectInfo> LocalStore::PutObject(const std::string& bucket, const std::string& key,
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
  if (size <= std::min(options_.inline_threshold, kMaxInlineThreshold)) {
    rec.is_inline = true;
    rec.inline_data.resize(size);
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, rec.inline_data.data(), size));
    if (got != size) return IncompleteBody(got, size);
    hasher.Update(rec.inline_data.data(), size);
  } else {
    rec.is_inline = false;
    CAIRN_ASSIGN_OR_RETURN(writer, data_->Create());  // its destructor removes the temp file
    rec.file_id = writer->id();
    const size_t cap = std::max<size_t>(options_.io_buffer_size, 4096);
    std::unique_ptr<char[]> buf(new char[cap]);
    uint64_t done = 0;
    while (done < size) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(cap, size - done));
      CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, buf.get(), want));
      if (got > 0) {
        hasher.Update(buf.get(), got);
        CAIRN_RETURN_IF_ERROR(writer->Append(buf.get(), got));
        done += got;
      }
      if (got < want) return IncompleteBody(done, size);
    }
  }
  CAIRN_RETURN_IF_ERROR(ExpectEnd(body));
  CAIRN_RETURN_IF_ERROR(
      hasher.Verify(options.content_md5, body.trailers(), &rec.etag, &rec.checksums));

  if (writer) {
    CAIRN_RETURN_IF_ERROR(writer->Finish());
    // The intent is durable before the file can be: a crash from here until the commit leaves
    // a record that tells the next start-up to delete the file.
    CAIRN_RETURN_IF_ERROR(db_->Put(IntentKey(rec.file_id), "", /*sync=*/true));
    Status s = data_->Publish(*writer);
    if (!s.ok()) {
      DropPublished(rec.file_id);
      return s;
    }
  }
  return Commit(bucket, key, std::move(rec), cond);
}

void LocalStore::DropPublished(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)db_->Delete(IntentKey(id), /*sync=*/false);  // if lost, the sweep finds no file
  }
}

void LocalStore::CollectGarbage(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)db_->Delete(GarbageKey(id), /*sync=*/false);
  } else {
    spdlog::warn("storage: cannot remove replaced data file {}: {}", id.Hex(), s.ToString());
  }
}

Result<ObjectInfo> LocalStore::Commit(const std::string& bucket, const std::string& key,
                                      ObjectRecord rec, const WriteConditions& conditions) {
  const std::string object_key = ObjectKey(bucket, key);
  std::optional<FileId> replaced;
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
    if (exists && !current.is_inline) {
      replaced = current.file_id;
      batch.Put(GarbageKey(current.file_id), "");
    }
    // On failure the outcome is unknown (RocksDB may have applied it): leave the intent and the
    // file for the start-up sweep, which decides from whether the intent survived.
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  if (replaced) CollectGarbage(*replaced);
  rec.inline_data.clear();
  return ToInfo(bucket, key, std::move(rec));
}

Result<ObjectInfo> LocalStore::HeadObject(const std::string& bucket, const std::string& key) {
  ObjectRecord rec;
  Status s = ReadObject(ObjectKey(bucket, key), &rec, /*with_data=*/false);
  if (s.code() == Code::kNotFound) {
    CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
    return Status(Code::kNoSuchKey, "the specified key does not exist");
  }
  CAIRN_RETURN_IF_ERROR(s);
  return ToInfo(bucket, key, std::move(rec));
}

Result<std::unique_ptr<ObjectReader>> LocalStore::OpenObject(const std::string& bucket,
                                                             const std::string& key) {
  const std::string object_key = ObjectKey(bucket, key);
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    ObjectRecord rec;
    Status s = ReadObject(object_key, &rec, /*with_data=*/true);
    if (s.code() == Code::kNotFound) {
      CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
      return Status(Code::kNoSuchKey, "the specified key does not exist");
    }
    CAIRN_RETURN_IF_ERROR(s);
    if (rec.is_inline) {
      auto bytes = std::make_shared<const std::string>(std::move(rec.inline_data));
      return std::unique_ptr<ObjectReader>(
          new LocalObjectReader(ToInfo(bucket, key, std::move(rec)), std::move(bytes), nullptr));
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

Status LocalStore::DeleteObject(const std::string& bucket, const std::string& key) {
  const std::string object_key = ObjectKey(bucket, key);
  std::optional<FileId> replaced;
  {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard key_lock(KeyMutex(object_key));
    ObjectRecord current;
    Status s = ReadObject(object_key, &current, /*with_data=*/false);
    if (s.code() == Code::kNotFound) return CheckBucket(bucket);
    meta::WriteBatch batch;
    batch.Delete(object_key);
    // A record that does not decode is deleted all the same; its file (if any) is orphaned.
    if (s.ok() && !current.is_inline) {
      replaced = current.file_id;
      batch.Put(GarbageKey(current.file_id), "");
    }
    CAIRN_RETURN_IF_ERROR(db_->Write(batch, /*sync=*/true));
  }
  if (replaced) CollectGarbage(*replaced);
  return Status::Ok();
}

Result<ListResult> LocalStore::ListObjects(const std::string& bucket, const ListQuery& query) {
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

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& dir,
                                                    const LocalStoreOptions& options) {
  platform::Env* env = options.env != nullptr ? options.env : platform::Env::Default();
  const std::string root = platform::JoinPath(dir, ".cairn");
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(root));
  // The metadata opens first: its lock keeps a second process from sweeping our tmp/.
  CAIRN_ASSIGN_OR_RETURN(auto db, MetaDb::Open(platform::JoinPath(root, "meta"), options.meta));
  CAIRN_ASSIGN_OR_RETURN(auto data, DataDir::Open(env, root));
  auto store = std::make_unique<LocalStore>(options, env, std::move(db), std::move(data));
  CAIRN_RETURN_IF_ERROR(store->Recover());
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace cairn::storage
