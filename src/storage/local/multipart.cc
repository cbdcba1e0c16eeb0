#include "storage/local/store_impl.h"

#include <algorithm>
#include <charconv>
#include <map>
#include "common/encoding.h"
#include "common/hash.h"
#include "platform/env.h"
#include "storage/local/encryption.h"

namespace cairn::storage::local {

namespace {

// What the client said of the whole object on Complete, against what the parts make.
Status CheckCompletedObject(const CompleteOptions& options, const UploadRecord& upload,
                            const ObjectRecord& rec) {
  if (options.object_size && *options.object_size != rec.size) {
    return Status(Code::kInvalidRequest, "The provided x-amz-mp-object-size (" +
                                             std::to_string(*options.object_size) +
                                             ") does not match the size of the object (" +
                                             std::to_string(rec.size) + ").");
  }
  if (!options.checksum_type.empty() && ToUpper(options.checksum_type) != upload.checksum_type) {
    return Status(Code::kBadDigest,
                  "The upload was created using the " +
                      (upload.checksum_type.empty() ? std::string("no") : upload.checksum_type) +
                      " checksum type. The complete request must use the "
                      "same checksum type.");
  }
  for (const auto& [alg, value] : options.checksums) {
    if (alg != upload.checksum_algorithm) {
      return Status(Code::kInvalidRequest,
                    "The upload was created using " +
                        (upload.checksum_algorithm.empty()
                             ? std::string("no checksum algorithm")
                             : "the " + upload.checksum_algorithm + " checksum algorithm") +
                        ". The complete request must use the same checksum algorithm.");
    }
    const std::string* have = FindChecksum(rec.checksums, alg);
    std::string_view want = value;
    std::string_view ours = have != nullptr ? std::string_view(*have) : std::string_view();
    if (upload.checksum_type == "COMPOSITE") {  // "<base64>-N": the count is optional here
      if (size_t dash = want.rfind('-'); dash != std::string_view::npos)
        want = want.substr(0, dash);
      if (size_t dash = ours.rfind('-'); dash != std::string_view::npos)
        ours = ours.substr(0, dash);
    }
    if (have == nullptr || !SameBase64(std::string(want), std::string(ours))) {
      return Status(Code::kBadDigest, "The " + alg +
                                          " you specified did not match the calculated "
                                          "checksum.");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<UploadRecord> LocalStoreImpl::ReadUpload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id) {
  std::string value;
  Status s = IsUploadId(upload_id) ? index_->Get(UploadKey(bucket, key, upload_id), &value)
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

Status LocalStoreImpl::DropParts(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, IndexBatch& batch,
                                 std::vector<FileId>* files, UsageDelta* usage) {
  const std::string prefix = PartPrefix(bucket, key, upload_id);
  auto it = index_->NewIterator(meta::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    PartRecord part;
    // A part record that does not decode is deleted all the same; its file is orphaned.
    if (DecodePartRecord(it->value(), &part).ok()) {
      batch.Put(GarbageKey(bucket, key, part.file_id), "");
      files->push_back(part.file_id);
      if (usage != nullptr) usage->PartBytes(-static_cast<int64_t>(part.size));
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
  rec.tags = options.tags;
  rec.lock = options.lock;
  rec.acl = options.acl;
  {
    CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
    ObjectRecord probe;
    probe.lock = options.lock;
    CAIRN_RETURN_IF_ERROR(ApplyObjectLock(bucket_rec, probe));
  }
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

  if (options.encryption.mode != SseMode::kNone) {
    // The upload's data key, sealed once; each part gets its own stream (nonce base) under it.
    rec.encryption.emplace();
    CAIRN_RETURN_IF_ERROR(
        SealNewDataKey(kms(), bucket, key, options.encryption, &*rec.encryption).status());
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
    IndexBatch batch;
    batch.Put(UploadKey(bucket, key, upload_id), EncodeUploadRecord(rec));
    UsageDelta usage;
    usage.Upload(+1);
    usage.AddTo(batch, bucket);
    CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
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
  CAIRN_RETURN_IF_ERROR(CheckCustomerKey(upload.encryption ? &*upload.encryption : nullptr,
                                         options.customer_key, /*upload=*/true));
  std::string data_key;
  std::optional<crypto::StreamKey> stream;
  if (upload.encryption) {
    CAIRN_ASSIGN_OR_RETURN(
        data_key, UnsealDataKey(kms(), bucket, key, *upload.encryption, options.customer_key));
    CAIRN_ASSIGN_OR_RETURN(stream, crypto::NewStreamKey(data_key));
  }
  // The upload's algorithm is always computed, so completion can build the object's checksum.
  Checksums requested = options.checksums;
  if (!upload.checksum_algorithm.empty()) requested.emplace_back(upload.checksum_algorithm, "");
  CAIRN_ASSIGN_OR_RETURN(BodyHasher hasher, BodyHasher::Make(requested));

  // Even a small part gets its own file: completion stitches files, it never copies bytes.
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, data_->Create());
  PartRecord part;
  part.file_id = writer->id();
  if (stream) {
    part.nonce_base = stream->nonce_base;
    CAIRN_ASSIGN_OR_RETURN(part.size, StreamEncrypted(body, size, *stream, hasher, *writer));
    if (size != kUnknownSize) CAIRN_RETURN_IF_ERROR(ExpectEnd(body));
  } else if (size == kUnknownSize) {  // the part is whatever the body holds (HTTP chunked)
    CAIRN_ASSIGN_OR_RETURN(part.size, StreamToEnd(body, &hasher, *writer));
  } else {
    part.size = size;
    CAIRN_RETURN_IF_ERROR(StreamToFile(body, size, &hasher, *writer));
    CAIRN_RETURN_IF_ERROR(ExpectEnd(body));
  }
  CAIRN_RETURN_IF_ERROR(
      hasher.Verify(options.content_md5, body.trailers(), &part.etag, &part.checksums));
  if (upload.encryption) part.etag = EncryptedEtag(*upload.encryption, data_key, part.etag);
  CAIRN_ASSIGN_OR_RETURN(const std::string intent, PublishWithIntent(bucket, key, *writer));

  std::optional<FileId> replaced;
  for (int attempt = 1;; ++attempt) {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    replaced.reset();
    // The upload and the part as read are the batch's conditions: another gateway completing
    // the upload, or writing the same part, meanwhile makes this one look again.
    IndexBatch batch;
    const std::string upload_key = UploadKey(bucket, key, upload_id);
    std::string value;
    Status s = index_->Get(upload_key, &value);
    if (s.ok()) batch.ExpectValue(upload_key, value);
    if (s.code() == Code::kNotFound) s = NoSuchUpload();  // completed or aborted meanwhile
    const std::string part_key = PartKey(bucket, key, upload_id, number);
    PartRecord old;
    if (s.ok()) {
      s = index_->Get(part_key, &value);
      if (s.ok()) {
        batch.ExpectValue(part_key, value);
        if (DecodePartRecord(value, &old).ok()) replaced = old.file_id;
      } else if (s.code() == Code::kNotFound) {
        batch.ExpectAbsent(part_key);
        s = Status::Ok();
      }
    }
    if (!s.ok()) {
      DropPublished(bucket, key, part.file_id);
      return s;
    }
    part.modified = Now();
    batch.Put(part_key, EncodePartRecord(part));
    ConsumeIntent(batch, bucket, key, part.file_id, intent);
    if (replaced) batch.Put(GarbageKey(bucket, key, *replaced), "");
    UsageDelta usage;
    usage.PartBytes(static_cast<int64_t>(part.size) -
                    (replaced ? static_cast<int64_t>(old.size) : int64_t{0}));
    usage.AddTo(batch, bucket);
    // On failure the outcome is unknown: the intent and file are left for the start-up sweep.
    Status written = index_->Write(batch, /*sync=*/true);
    if (written.code() == Code::kConditionalRequestConflict &&
        IntentSwept(bucket, key, part.file_id, intent)) {
      return Status(Code::kInternal, "the part outlived its intent, and its data was swept");
    }
    if (Conflicted(written, attempt)) continue;
    if (written.code() == Code::kConditionalRequestConflict)
      DropPublished(bucket, key, part.file_id);
    CAIRN_RETURN_IF_ERROR(written);
    break;
  }
  if (replaced) CollectGarbage(bucket, key, *replaced);
  return PartInfo{number, part.size, std::move(part.etag), part.modified,
                  std::move(part.checksums)};
}

Result<ObjectInfo> LocalStoreImpl::CompleteMultipartUpload(const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& upload_id,
                                                           const std::vector<CompletedPart>& parts,
                                                           const CompleteOptions& options) {
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
  if (Status upload = ReadUpload(bucket, key, upload_id).status(); !upload.ok()) {  // fail fast
    if (upload.code() != Code::kNoSuchUpload) return upload;
    return CompletedBefore(bucket, key, upload_id, parts);
  }

  const std::string object_key = ObjectKey(bucket, key);
  const std::string upload_key = UploadKey(bucket, key, upload_id);
  std::vector<FileId> garbage;
  ObjectRecord rec;
  Versioning state = Versioning::kUnversioned;
  for (int attempt = 1;; ++attempt) {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    std::lock_guard key_lock(KeyMutex(object_key));
    garbage.clear();
    rec = ObjectRecord{};
    std::string value;
    Status s = index_->Get(upload_key, &value);
    if (s.code() == Code::kNotFound) {
      // Completed (or aborted) meanwhile: a concurrent retry of the same Complete answers as the
      // one that won. The key lock is held, so the winner's version is committed.
      return CompletedBefore(bucket, key, upload_id, parts);
    }
    CAIRN_RETURN_IF_ERROR(s);
    UploadRecord upload;
    CAIRN_RETURN_IF_ERROR(DecodeUploadRecord(value, &upload));

    // Every part of the upload, by number; the batch deletes them all. Another gateway
    // completing or aborting the upload meanwhile fails the write (the upload record is a
    // condition), and the next attempt answers as CompletedBefore does.
    IndexBatch batch;
    batch.ExpectValue(upload_key, value);
    UsageDelta usage;
    usage.Upload(-1);
    std::map<int, PartRecord> stored;
    const std::string prefix = PartPrefix(bucket, key, upload_id);
    auto it = index_->NewIterator(meta::PrefixSuccessor(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view digits = it->key().substr(prefix.size());
      int number = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        return Status(Code::kCorruption, "bad part key");
      }
      PartRecord part;
      CAIRN_RETURN_IF_ERROR(DecodePartRecord(it->value(), &part));
      usage.PartBytes(-static_cast<int64_t>(part.size));
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
      if (part.nonce_base.empty() == upload.encryption.has_value()) {
        return Status(Code::kCorruption, "part " + std::to_string(parts[i].number) +
                                             " is not encrypted as its upload is");
      }
      rec.size += part.size;
      rec.parts.push_back(
          ObjectPart{PartSummary{parts[i].number, part.size, part.etag, part.checksums},
                     part.file_id, part.nonce_base});
    }
    rec.etag = HexEncode(md5.Finish()) + "-" + std::to_string(parts.size());
    rec.upload_id = upload_id;
    rec.attributes = std::move(upload.attributes);
    rec.tags = std::move(upload.tags);
    rec.lock = upload.lock;  // the default retention, if none was asked, is applied below
    rec.acl = std::move(upload.acl);
    rec.encryption = std::move(upload.encryption);
    if (!upload.checksum_algorithm.empty()) {
      CAIRN_ASSIGN_OR_RETURN(std::string sum, MultipartChecksum(upload.checksum_algorithm,
                                                                upload.checksum_type, rec.parts));
      rec.checksums = {{upload.checksum_algorithm, std::move(sum)}};
      rec.checksum_type = upload.checksum_type;
    }
    CAIRN_RETURN_IF_ERROR(CheckCompletedObject(options, upload, rec));
    // Parts uploaded but not listed are dropped with the upload.
    for (const auto& [number, part] : stored) {
      bool listed = std::any_of(parts.begin(), parts.end(),
                                [n = number](const CompletedPart& p) { return p.number == n; });
      if (!listed) {
        batch.Put(GarbageKey(bucket, key, part.file_id), "");
        garbage.push_back(part.file_id);
      }
    }

    CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
    state = bucket_rec.versioning;
    CAIRN_RETURN_IF_ERROR(ApplyObjectLock(bucket_rec, rec));
    CAIRN_RETURN_IF_ERROR(
        StageVersion(bucket, key, state, rec, options.conditions, batch, &garbage, usage));
    batch.Delete(upload_key);
    usage.AddTo(batch, bucket);
    Status written = index_->Write(batch, /*sync=*/true);
    if (Conflicted(written, attempt)) continue;
    CAIRN_RETURN_IF_ERROR(written);
    break;
  }
  CollectGarbage(bucket, key, garbage);
  return ToInfo(bucket, key, std::move(rec), state);
}

Result<ObjectInfo> LocalStoreImpl::CompletedBefore(const std::string& bucket,
                                                   const std::string& key,
                                                   const std::string& upload_id,
                                                   const std::vector<CompletedPart>& parts) {
  if (!IsUploadId(upload_id)) return NoSuchUpload();
  ObjectRecord current;
  Status s = ReadObject(ObjectKey(bucket, key), &current, /*with_data=*/false);
  if (s.code() == Code::kNotFound) return NoSuchUpload();
  CAIRN_RETURN_IF_ERROR(s);
  // Only the same request again: the same upload, and the same parts with the same ETags.
  bool same = current.is_multipart && current.upload_id == upload_id &&
              current.parts.size() == parts.size();
  for (size_t i = 0; same && i < parts.size(); ++i) {
    same = current.parts[i].summary.number == parts[i].number &&
           current.parts[i].summary.etag == ToLower(parts[i].etag);
  }
  if (!same) return NoSuchUpload();
  CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
  return ToInfo(bucket, key, std::move(current), bucket_rec.versioning);
}

Status LocalStoreImpl::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id) {
  CAIRN_RETURN_IF_ERROR(ReadUpload(bucket, key, upload_id).status());
  std::vector<FileId> garbage;
  for (int attempt = 1;; ++attempt) {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard upload_lock(UploadMutex(upload_id));
    garbage.clear();
    const std::string upload_key = UploadKey(bucket, key, upload_id);
    std::string value;
    Status s = index_->Get(upload_key, &value);
    if (s.code() == Code::kNotFound) return NoSuchUpload();
    CAIRN_RETURN_IF_ERROR(s);
    IndexBatch batch;
    batch.ExpectValue(upload_key, value);  // completed by another gateway meanwhile: look again
    UsageDelta usage;
    usage.Upload(-1);
    CAIRN_RETURN_IF_ERROR(DropParts(bucket, key, upload_id, batch, &garbage, &usage));
    batch.Delete(upload_key);
    usage.AddTo(batch, bucket);
    Status written = index_->Write(batch, /*sync=*/true);
    if (Conflicted(written, attempt)) continue;
    CAIRN_RETURN_IF_ERROR(written);
    break;
  }
  CollectGarbage(bucket, key, garbage);
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
  const std::string prefix = PartPrefix(bucket, key, upload_id);
  auto it = index_->NewIterator(meta::PrefixSuccessor(prefix));
  for (it->Seek(PartKey(bucket, key, upload_id, after + 1)); it->Valid(); it->Next()) {
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
  const std::string scan_prefix = base + EscapeKey(query.prefix);
  const std::string& marker = query.key_marker;
  // With only a key marker: keys after it. With an upload id marker too: that key's uploads
  // initiated after the marked one (ids sort by initiation), then keys after it.
  std::string start = scan_prefix;
  if (!marker.empty()) {
    std::string from = base + EscapeKey(marker) + std::string(kEscapedKeyEnd);
    if (query.upload_id_marker.empty()) {
      from.back() = '\x02';  // past every upload of the marker key
    } else {
      from += query.upload_id_marker;
    }
    start = std::max(start, from);
  }
  const std::string& delim = query.delimiter;
  auto it = index_->NewIterator(meta::PrefixSuccessor(scan_prefix));
  it->Seek(start);
  int count = 0;
  std::string key, upload_id;
  while (it->Valid()) {
    if (!ParseEscapedKey(it->key().substr(base.size()), &key, &upload_id)) {
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
        std::string next = meta::PrefixSuccessor(base + EscapeKey(common));
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

}  // namespace cairn::storage::local
