#include "storage/local/store_impl.h"

#include <algorithm>

#include "storage/local/encryption.h"
#include "storage/object_lock.h"

namespace cairn::storage::local {

Status LocalStoreImpl::CheckConditions(const WriteConditions& c, const ObjectRecord* current) {
  // A key whose current version is a delete marker has no object, as S3 sees it.
  if (current != nullptr && current->delete_marker) current = nullptr;
  if (c.if_none_match_any && current != nullptr) {
    return Status(Code::kPreconditionFailed, "the object already exists (If-None-Match: *)");
  }
  // If-Match on a key without an object: 404 NoSuchKey, as AWS answers (not 412).
  if (c.if_match && current == nullptr) return Status(Code::kNoSuchKey, "");
  if (c.if_match && *c.if_match != "*" && current->etag != *c.if_match) {
    return Status(Code::kPreconditionFailed, "the object's ETag does not match If-Match");
  }
  return Status::Ok();
}

Status LocalStoreImpl::CheckDeleteConditions(const DeleteOptions& o, const ObjectRecord* target) {
  if (!o.conditional()) return Status::Ok();
  if (target == nullptr || target->delete_marker) return Status(Code::kNoSuchKey, "");
  Status failed(Code::kPreconditionFailed, "");
  if (o.if_match_etag && *o.if_match_etag != "*" && *o.if_match_etag != target->etag) {
    return failed;
  }
  if (o.if_match_size && *o.if_match_size != target->size) return failed;
  if (o.if_match_modified) {
    auto seconds = [](TimePoint t) {
      return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    if (seconds(*o.if_match_modified) != seconds(target->modified)) return failed;
  }
  return Status::Ok();
}

Status LocalStoreImpl::ApplyObjectLock(const BucketRecord& bucket, ObjectRecord& rec) {
  if (!bucket.object_lock) {
    if (!rec.lock.empty()) {
      return Status(Code::kInvalidRequest, "Bucket is missing Object Lock Configuration");
    }
    return Status::Ok();
  }
  if (rec.delete_marker) {
    rec.lock = ObjectLock{};
    return Status::Ok();
  }
  if (rec.lock.mode == RetentionMode::kNone) {
    const bool hold = rec.lock.legal_hold;
    rec.lock = DefaultLockAt(bucket.default_retention, Now());
    rec.lock.legal_hold = hold;
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
  rec.tags = options.tags;
  rec.lock = options.lock;
  rec.acl = options.acl;
  {
    // Fail fast on lock headers a bucket without lock refuses; Commit decides for good.
    CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
    ObjectRecord probe;
    probe.lock = options.lock;
    CAIRN_RETURN_IF_ERROR(ApplyObjectLock(bucket_rec, probe));
  }
  // An encrypted version: a fresh data key sealed into the record, and its own stream.
  std::string data_key;
  std::optional<crypto::StreamKey> stream;
  if (options.encryption.mode != SseMode::kNone) {
    rec.encryption.emplace();
    CAIRN_ASSIGN_OR_RETURN(
        data_key, SealNewDataKey(kms(), bucket, key, options.encryption, &*rec.encryption));
    CAIRN_ASSIGN_OR_RETURN(stream, crypto::NewStreamKey(data_key));
    rec.encryption->nonce_base = stream->nonce_base;
  }
  std::unique_ptr<BlobWriter> writer;
  const uint64_t inline_limit = std::min(options_.inline_threshold, kMaxInlineThreshold);
  if (size == kUnknownSize) {
    // Read up to one byte past the inline limit: a body that ends before is kept inline, a
    // longer one goes to a data file, starting with the bytes already read.
    std::string head(static_cast<size_t>(inline_limit) + 1, '\0');
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, head.data(), head.size()));
    head.resize(got);
    if (got <= inline_limit) {
      hasher.Update(head.data(), head.size());
      rec.is_inline = true;
      rec.size = got;
      rec.inline_data = std::move(head);
    } else {
      rec.is_inline = false;
      CAIRN_ASSIGN_OR_RETURN(writer, data_->Create());
      rec.file_id = writer->id();
      if (stream) {
        MemorySource head_source(head.data(), head.size());
        ChainedSource chained(head_source, body);
        CAIRN_ASSIGN_OR_RETURN(rec.size,
                               StreamEncrypted(chained, kUnknownSize, *stream, hasher, *writer));
      } else {
        hasher.Update(head.data(), head.size());
        CAIRN_RETURN_IF_ERROR(writer->Append(head.data(), head.size()));
        CAIRN_ASSIGN_OR_RETURN(uint64_t rest, StreamToEnd(body, &hasher, *writer));
        rec.size = got + rest;
      }
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
    if (stream) {
      CAIRN_RETURN_IF_ERROR(StreamEncrypted(body, size, *stream, hasher, *writer).status());
    } else {
      CAIRN_RETURN_IF_ERROR(StreamToFile(body, size, &hasher, *writer));
    }
  }
  if (size != kUnknownSize) {
    CAIRN_RETURN_IF_ERROR(ExpectEnd(body));  // with kUnknownSize the body has ended already
  }
  CAIRN_RETURN_IF_ERROR(
      hasher.Verify(options.content_md5, body.trailers(), &rec.etag, &rec.checksums));
  if (rec.encryption) {
    // Inline bodies are sealed too: the metadata store lives under the data folder.
    if (rec.is_inline) {
      CAIRN_ASSIGN_OR_RETURN(rec.inline_data, crypto::SealAll(*stream, rec.inline_data));
    }
    rec.etag = EncryptedEtag(*rec.encryption, data_key, rec.etag);
  }

  std::string intent;
  if (writer) {
    CAIRN_ASSIGN_OR_RETURN(intent, PublishWithIntent(bucket, key, *writer));
  }
  return Commit(bucket, key, std::move(rec), cond, intent);
}

Result<uint64_t> LocalStoreImpl::StreamEncrypted(ByteSource& body, uint64_t size,
                                                 const crypto::StreamKey& stream,
                                                 BodyHasher& hasher, BlobWriter& writer) {
  crypto::EncryptingSource sealed(
      body, stream, size == kUnknownSize ? crypto::kUnknownPlainSize : size,
      [&hasher](const char* data, size_t n) { hasher.Update(data, n); });
  if (size == kUnknownSize) {
    CAIRN_RETURN_IF_ERROR(StreamToEnd(sealed, nullptr, writer).status());
  } else {
    CAIRN_RETURN_IF_ERROR(StreamToFile(sealed, crypto::SealedSize(size), nullptr, writer));
  }
  return sealed.plain_bytes();
}

Result<uint64_t> LocalStoreImpl::StreamToEnd(ByteSource& body, BodyHasher* hasher,
                                             BlobWriter& writer) {
  const size_t cap = std::max<size_t>(options_.io_buffer_size, 4096);
  std::unique_ptr<char[]> buf(new char[cap]);
  uint64_t done = 0;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, buf.get(), cap));
    if (got > 0) {
      if (hasher != nullptr) hasher->Update(buf.get(), got);
      CAIRN_RETURN_IF_ERROR(writer.Append(buf.get(), got));
      done += got;
    }
    if (got < cap) return done;
  }
}

Status LocalStoreImpl::StreamToFile(ByteSource& body, uint64_t size, BodyHasher* hasher,
                                    BlobWriter& writer) {
  const size_t cap = static_cast<size_t>(std::min<uint64_t>(
      std::max<size_t>(options_.io_buffer_size, 4096), std::max<uint64_t>(size, 1)));
  std::unique_ptr<char[]> buf(new char[cap]);
  uint64_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(cap, size - done));
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadFull(body, buf.get(), want));
    if (got > 0) {
      if (hasher != nullptr) hasher->Update(buf.get(), got);
      CAIRN_RETURN_IF_ERROR(writer.Append(buf.get(), got));
      done += got;
    }
    if (got < want) return IncompleteBody(done, size);
  }
  return Status::Ok();
}

Result<ObjectInfo> LocalStoreImpl::Commit(const std::string& bucket, const std::string& key,
                                          ObjectRecord rec, const WriteConditions& conditions,
                                          const std::string& intent) {
  const std::string object_key = ObjectKey(bucket, key);
  std::vector<FileId> replaced;
  Versioning state = Versioning::kUnversioned;
  for (int attempt = 1;; ++attempt) {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard key_lock(KeyMutex(object_key));
    replaced.clear();
    IndexBatch batch;
    UsageDelta usage;
    auto bucket_rec = CachedBucket(bucket);
    Status s = bucket_rec.status();
    if (s.ok()) {
      state = bucket_rec->versioning;
      s = ApplyObjectLock(*bucket_rec, rec);
    }
    if (s.ok()) s = StageVersion(bucket, key, state, rec, conditions, batch, &replaced, usage);
    if (!s.ok()) {
      if (!rec.is_inline) DropPublished(bucket, key, rec.file_id);
      return s;
    }
    if (!rec.is_inline) ConsumeIntent(batch, bucket, key, rec.file_id, intent);
    usage.AddTo(batch, bucket);
    // On failure the outcome is unknown (RocksDB may have applied it): leave the intent and the
    // file for the start-up sweep, which decides from whether the intent survived. A conflict
    // applied nothing: staged again (StageVersion sets every field of `rec` it stamps).
    Status written = index_->Write(batch, /*sync=*/true);
    if (!rec.is_inline && written.code() == Code::kConditionalRequestConflict &&
        IntentSwept(bucket, key, rec.file_id, intent)) {
      return Status(Code::kInternal, "the write outlived its intent, and its data was swept");
    }
    if (Conflicted(written, attempt)) continue;
    if (written.code() == Code::kConditionalRequestConflict && !rec.is_inline) {
      DropPublished(bucket, key, rec.file_id);
    }
    CAIRN_RETURN_IF_ERROR(written);
    break;
  }
  CollectGarbage(bucket, key, replaced);
  rec.inline_data.clear();
  return ToInfo(bucket, key, std::move(rec), state);
}

Result<DeleteResult> LocalStoreImpl::DeleteObject(const std::string& bucket, const std::string& key,
                                                  const std::string& version_id,
                                                  const DeleteOptions& options) {
  const std::string object_key = ObjectKey(bucket, key);
  std::vector<FileId> replaced;
  DeleteResult result;
  for (int attempt = 1;; ++attempt) {
    std::shared_lock bucket_lock(buckets_mu_);
    std::lock_guard key_lock(KeyMutex(object_key));
    CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
    replaced.clear();
    result = DeleteResult{};
    IndexBatch batch;
    UsageDelta usage;
    if (version_id.empty() && options.conditional()) {
      ObjectRecord current;
      Status s = ReadObject(object_key, &current, /*with_data=*/false, &batch);
      if (!s.ok() && s.code() != Code::kNotFound) return s;
      CAIRN_RETURN_IF_ERROR(CheckDeleteConditions(options, s.ok() ? &current : nullptr));
    }
    if (!version_id.empty()) {
      CAIRN_RETURN_IF_ERROR(
          StageVersionDelete(bucket, key, version_id, options, batch, &replaced, &result, usage));
    } else if (bucket_rec.versioning != Versioning::kUnversioned) {
      ObjectRecord marker;
      marker.delete_marker = true;
      CAIRN_RETURN_IF_ERROR(
          StageVersion(bucket, key, bucket_rec.versioning, marker, {}, batch, &replaced, usage));
      result.delete_marker = true;
      result.version_id = marker.null_version ? "null" : marker.version.Id();
    } else {
      ObjectRecord current;
      Status s = ReadObject(object_key, &current, /*with_data=*/false, &batch);
      if (s.code() == Code::kNotFound) return result;
      batch.Delete(object_key);
      // A record that does not decode is deleted all the same; its file (if any) is orphaned,
      // and its bytes stay counted (unknown) until the next recount.
      if (s.ok()) {
        Discard(bucket, key, current, batch, &replaced);
        usage.Live(current, -1);
      }
    }
    usage.AddTo(batch, bucket);
    if (batch.empty()) break;
    Status written = index_->Write(batch, /*sync=*/true);
    if (Conflicted(written, attempt)) continue;
    CAIRN_RETURN_IF_ERROR(written);
    break;
  }
  CollectGarbage(bucket, key, replaced);
  return result;
}

}  // namespace cairn::storage::local
