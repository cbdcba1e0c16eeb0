// Versions: the live latest version of a key is its ObjectKey record; every other version and
// delete marker is in the key's history under VersionKey, newest first. Invariant: when a key has
// no live record, the newest entry of its history (if any) is a delete marker.
#include <algorithm>
#include <limits>

#include "platform/env.h"
#include "storage/local/store_impl.h"
#include "storage/object_lock.h"

namespace cairn::storage::local {

namespace {

Result<uint64_t> Random64() {
  uint64_t v = 0;
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(reinterpret_cast<char*>(&v), sizeof(v)));
  return v;
}

}  // namespace

void LocalStoreImpl::Discard(const std::string& bucket, const std::string& key,
                             const ObjectRecord& rec, IndexBatch& batch,
                             std::vector<FileId>* garbage) {
  for (const FileId& id : DataFilesOf(rec)) {
    batch.Put(GarbageKey(bucket, key, id), "");
    garbage->push_back(id);
  }
}

Status LocalStoreImpl::ReadHistory(const std::string& bucket, const std::string& key, size_t limit,
                                   std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  const std::string prefix = VersionKeyPrefix(bucket, key);
  auto it = index_->NewIterator(meta::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid() && out->size() < limit; it->Next()) {
    out->emplace_back(std::string(it->key()), std::string(it->value()));
  }
  return it->status();
}

Status LocalStoreImpl::StageVersion(const std::string& bucket, const std::string& key,
                                    Versioning state, ObjectRecord& rec,
                                    const WriteConditions& conditions, IndexBatch& batch,
                                    std::vector<FileId>* garbage, UsageDelta& usage) {
  const std::string object_key = ObjectKey(bucket, key);
  const bool versioned = state != Versioning::kUnversioned;
  ObjectRecord current;
  // A superseded version moves into the history whole, inline bytes included. The batch holds
  // only if the live record and the history entries it changes are still as read.
  Status s = ReadObject(object_key, &current, /*with_data=*/versioned, &batch);
  const bool exists = s.ok();
  if (!s.ok() && s.code() != Code::kNotFound) return s;
  CAIRN_RETURN_IF_ERROR(CheckConditions(conditions, exists ? &current : nullptr));

  // The new version sorts before every version the key has: its time is past all of theirs,
  // even if the clock stepped back.
  int64_t floor = exists ? current.version.UnixNanos() : std::numeric_limits<int64_t>::min();
  std::vector<std::pair<std::string, std::string>> history;
  if (versioned) {
    // Suspended writes replace the null version wherever it is: read the whole history then.
    const size_t limit =
        state == Versioning::kSuspended ? std::numeric_limits<size_t>::max() : size_t{1};
    CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, key, limit, &history));
  }
  if (!history.empty()) {
    ObjectRecord newest;
    CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(history.front().second, &newest, false));
    floor = std::max(floor, newest.version.UnixNanos());
  }
  int64_t t = ToUnixNanos(Now());
  if (t <= floor) t = floor + 1;
  CAIRN_ASSIGN_OR_RETURN(uint64_t random, Random64());
  rec.modified = FromUnixNanos(t);
  rec.version = VersionStamp::Make(t, random);
  rec.null_version = state != Versioning::kEnabled;

  if (exists) {
    usage.Live(current, -1);
    if (versioned && (state == Versioning::kEnabled || !current.null_version)) {
      batch.Put(VersionKey(bucket, key, current.version), EncodeObjectRecord(current));
      usage.History(current, +1);
    } else {
      Discard(bucket, key, current, batch,
              garbage);  // unversioned, or a null version replaced by another
    }
  }
  if (state == Versioning::kSuspended) {
    for (const auto& [index_key, value] : history) {
      ObjectRecord old;
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(value, &old, false));
      if (!old.null_version) continue;
      batch.ExpectValue(index_key, value);
      batch.Delete(index_key);
      Discard(bucket, key, old, batch, garbage);
      usage.History(old, -1);
    }
  }
  if (rec.delete_marker) {
    if (exists) batch.Delete(object_key);
    batch.Put(VersionKey(bucket, key, rec.version), EncodeObjectRecord(rec));
    usage.History(rec, +1);
  } else {
    batch.Put(object_key, EncodeObjectRecord(rec));
    usage.Live(rec, +1);
  }
  return Status::Ok();
}

Status LocalStoreImpl::StageVersionDelete(const std::string& bucket, const std::string& key,
                                          const std::string& version_id,
                                          const DeleteOptions& options, IndexBatch& batch,
                                          std::vector<FileId>* garbage, DeleteResult* result,
                                          UsageDelta& usage) {
  const bool bypass_governance = options.bypass_governance;
  const std::string object_key = ObjectKey(bucket, key);
  result->version_id = version_id;
  result->delete_marker = false;
  ObjectRecord current;
  Status s = ReadObject(object_key, &current, /*with_data=*/false, &batch);
  if (!s.ok() && s.code() != Code::kNotFound) return s;
  bool live = s.ok();
  std::vector<std::pair<std::string, std::string>> history;
  CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, key, std::numeric_limits<size_t>::max(), &history));

  std::string removed_key;  // the history entry removed, if that is where the version was
  const TimePoint now = Now();
  if (live && IsVersion(current, version_id)) {
    CAIRN_RETURN_IF_ERROR(CheckDeleteConditions(options, &current));
    CAIRN_RETURN_IF_ERROR(CheckVersionRemovable(current.lock, now, bypass_governance));
    batch.Delete(object_key);
    Discard(bucket, key, current, batch, garbage);
    usage.Live(current, -1);
    live = false;
  } else {
    for (const auto& [index_key, value] : history) {
      ObjectRecord old;
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(value, &old, false));
      if (!IsVersion(old, version_id)) continue;
      CAIRN_RETURN_IF_ERROR(CheckDeleteConditions(options, &old));
      CAIRN_RETURN_IF_ERROR(CheckVersionRemovable(old.lock, now, bypass_governance));
      batch.ExpectValue(index_key, value);
      batch.Delete(index_key);
      Discard(bucket, key, old, batch, garbage);
      usage.History(old, -1);
      result->delete_marker = old.delete_marker;
      removed_key = index_key;
      break;
    }
    if (removed_key.empty()) {  // no such version: nothing to do (as S3), unless conditional
      return options.conditional() ? Status(Code::kNoSuchKey, "") : Status::Ok();
    }
  }
  if (live) return Status::Ok();
  // No live version now: the newest remaining entry becomes the latest; a live one moves back.
  for (const auto& [index_key, value] : history) {
    if (index_key == removed_key) continue;
    ObjectRecord newest;
    CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(value, &newest, false));
    if (!newest.delete_marker) {
      batch.ExpectValue(index_key, value);
      batch.Delete(index_key);
      batch.Put(object_key, value);
      usage.History(newest, -1);
      usage.Live(newest, +1);
    }
    break;
  }
  return Status::Ok();
}

namespace {

Status KeptChanging() {
  return Status(Code::kUnavailable, "the object's versions kept changing during the read");
}

}  // namespace

Status LocalStoreImpl::ReadLive(const std::string& object_key,
                                std::optional<std::string>* out) const {
  std::string value;
  Status s = index_->Get(object_key, &value);
  out->reset();
  if (s.ok()) *out = std::move(value);
  return s.ok() || s.code() == Code::kNotFound ? Status::Ok() : s;
}

Status LocalStoreImpl::FindVersion(const std::string& bucket, const std::string& key,
                                   const std::string& version_id, std::string* index_key,
                                   std::string* value) {
  const std::string object_key = ObjectKey(bucket, key);
  *index_key = object_key;
  if (version_id.empty()) return index_->Get(object_key, value);
  std::optional<std::string> before;
  CAIRN_RETURN_IF_ERROR(ReadLive(object_key, &before));
  for (int attempt = 0; attempt < kStableReadAttempts; ++attempt) {
    if (before) {
      ObjectRecord rec;
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(*before, &rec, false));
      if (IsVersion(rec, version_id)) {
        *index_key = object_key;
        *value = std::move(*before);
        return Status::Ok();
      }
    }
    if (version_id == "null") {
      std::vector<std::pair<std::string, std::string>> history;
      CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, key, std::numeric_limits<size_t>::max(), &history));
      for (auto& [k, v] : history) {
        ObjectRecord rec;
        CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(v, &rec, false));
        if (rec.null_version) {
          *index_key = std::move(k);
          *value = std::move(v);
          return Status::Ok();
        }
      }
    } else {
      auto stamp = VersionStamp::FromId(version_id);
      if (!stamp) return Status(Code::kNotFound, "");
      *index_key = VersionKey(bucket, key, *stamp);
      Status s = index_->Get(*index_key, value);
      if (s.ok()) {
        ObjectRecord rec;
        CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(*value, &rec, false));
        if (IsVersion(rec, version_id)) return Status::Ok();
      } else if (s.code() != Code::kNotFound) {
        return s;
      }
    }
    // Not found in either place: an answer only if the live record stayed as it was, since a
    // commit moving this version between the places changes it.
    std::optional<std::string> after;
    CAIRN_RETURN_IF_ERROR(ReadLive(object_key, &after));
    if (after == before) return Status(Code::kNotFound, "");
    before = std::move(after);
  }
  return KeptChanging();
}

Result<std::optional<ObjectInfo>> LocalStoreImpl::LatestDeleteMarker(const std::string& bucket,
                                                                     const std::string& key) {
  CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
  if (bucket_rec.versioning == Versioning::kUnversioned) return std::optional<ObjectInfo>();
  const std::string object_key = ObjectKey(bucket, key);
  std::optional<std::string> before;
  CAIRN_RETURN_IF_ERROR(ReadLive(object_key, &before));
  for (int attempt = 0; attempt < kStableReadAttempts; ++attempt) {
    if (before) return std::optional<ObjectInfo>();
    std::vector<std::pair<std::string, std::string>> history;
    CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, key, 1, &history));
    // The history's head belongs with a live record still absent; else versions moved between.
    std::optional<std::string> after;
    CAIRN_RETURN_IF_ERROR(ReadLive(object_key, &after));
    if (after != before) {
      before = std::move(after);
      continue;
    }
    if (history.empty()) return std::optional<ObjectInfo>();
    ObjectRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(history.front().second, &rec, false));
    if (!rec.delete_marker) return std::optional<ObjectInfo>();
    return std::optional<ObjectInfo>(ToInfo(bucket, key, std::move(rec), bucket_rec.versioning));
  }
  return KeptChanging();
}

Result<std::string> LocalStoreImpl::UpdateVersion(
    const std::string& bucket, const std::string& key, const std::string& version_id,
    bool needs_lock, const std::function<Status(ObjectRecord&)>& change) {
  std::shared_lock bucket_lock(buckets_mu_);
  CAIRN_ASSIGN_OR_RETURN(BucketRecord bucket_rec, CachedBucket(bucket));
  if (needs_lock && !bucket_rec.object_lock) {
    return Status(Code::kInvalidRequest, "Bucket is missing Object Lock Configuration");
  }
  std::lock_guard key_lock(KeyMutex(ObjectKey(bucket, key)));
  std::string index_key, value;
  Status s = FindVersion(bucket, key, version_id, &index_key, &value);
  if (s.code() == Code::kNotFound) {
    return version_id.empty()
               ? Status(Code::kNoSuchKey, "the specified key does not exist")
               : Status(Code::kNoSuchVersion, "the specified version does not exist");
  }
  CAIRN_RETURN_IF_ERROR(s);
  ObjectRecord rec;
  CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(value, &rec, /*with_data=*/true));
  if (rec.delete_marker) {
    return Status(Code::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  CAIRN_RETURN_IF_ERROR(change(rec));
  IndexBatch batch;
  batch.ExpectValue(index_key, value);  // another gateway's change meanwhile: 409, not lost
  batch.Put(index_key, EncodeObjectRecord(rec));
  CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
  rec.inline_data.clear();
  return ToInfo(bucket, key, std::move(rec), bucket_rec.versioning).version_id;
}

Result<std::string> LocalStoreImpl::SetObjectTags(const std::string& bucket, const std::string& key,
                                                  const std::string& version_id, const Tags& tags) {
  return UpdateVersion(bucket, key, version_id, /*needs_lock=*/false, [&](ObjectRecord& rec) {
    rec.tags = tags;
    return Status::Ok();
  });
}

Result<std::string> LocalStoreImpl::SetObjectAcl(const std::string& bucket, const std::string& key,
                                                 const std::string& version_id, const Acl& acl) {
  return UpdateVersion(bucket, key, version_id, /*needs_lock=*/false, [&](ObjectRecord& rec) {
    rec.acl = acl;
    return Status::Ok();
  });
}

Result<std::string> LocalStoreImpl::SetObjectRetention(const std::string& bucket,
                                                       const std::string& key,
                                                       const std::string& version_id,
                                                       RetentionMode mode, TimePoint retain_until,
                                                       bool bypass_governance) {
  return UpdateVersion(bucket, key, version_id, /*needs_lock=*/true, [&](ObjectRecord& rec) {
    CAIRN_RETURN_IF_ERROR(
        CheckRetentionChange(rec.lock, mode, retain_until, Now(), bypass_governance));
    rec.lock.mode = mode;
    rec.lock.retain_until = mode == RetentionMode::kNone ? TimePoint{} : retain_until;
    return Status::Ok();
  });
}

Result<std::string> LocalStoreImpl::SetObjectLegalHold(const std::string& bucket,
                                                       const std::string& key,
                                                       const std::string& version_id, bool on) {
  return UpdateVersion(bucket, key, version_id, /*needs_lock=*/true, [&](ObjectRecord& rec) {
    rec.lock.legal_hold = on;
    return Status::Ok();
  });
}

}  // namespace cairn::storage::local
