#include "storage/local/usage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "storage/local/store_impl.h"

namespace cairn::storage::local {

std::string UsageKey(std::string_view bucket) {
  std::string k(kUsagePrefix);
  k.append(bucket);
  return k;
}

void UsageDelta::Live(const ObjectRecord& rec, int sign) {
  const auto size = static_cast<int64_t>(rec.size);
  f_[kUsageObjects] += sign;
  f_[kUsageVersions] += sign;
  f_[kUsageBytes] += sign * size;
  f_[kUsageCurrentBytes] += sign * size;
}

void UsageDelta::History(const ObjectRecord& rec, int sign) {
  f_[kUsageVersions] += sign;
  f_[kUsageBytes] += sign * static_cast<int64_t>(rec.size);
  if (rec.delete_marker) f_[kUsageDeleteMarkers] += sign;
}

void UsageDelta::AddTo(IndexBatch& batch, std::string_view bucket) const {
  if (std::all_of(f_.begin(), f_.end(), [](int64_t v) { return v == 0; })) return;
  batch.AddCounters(UsageKey(bucket), std::vector<int64_t>(f_.begin(), f_.end()));
}

BucketUsage DecodeUsage(std::vector<int64_t> f) {
  f.resize(std::max<size_t>(f.size(), kUsageFieldCount), 0);
  // A counter below zero would be a counting bug; show it as zero rather than as 2^64 - n.
  auto at = [&](UsageField i) { return f[i] < 0 ? uint64_t{0} : static_cast<uint64_t>(f[i]); };
  BucketUsage u;
  u.objects = at(kUsageObjects);
  u.versions = at(kUsageVersions);
  u.delete_markers = at(kUsageDeleteMarkers);
  u.bytes = at(kUsageBytes);
  u.current_bytes = at(kUsageCurrentBytes);
  u.uploads = at(kUsageUploads);
  u.upload_bytes = at(kUsageUploadBytes);
  return u;
}

Result<BucketUsage> LocalStoreImpl::GetBucketUsage(const std::string& bucket) {
  CAIRN_RETURN_IF_ERROR(CheckBucket(bucket));
  std::vector<int64_t> counters;  // empty: nothing ever committed in it
  CAIRN_RETURN_IF_ERROR(index_->GetCounters(UsageKey(bucket), &counters));
  return DecodeUsage(counters);
}

Status LocalStoreImpl::CountUsageOnce() {
  std::string marker;
  Status s = index_->Get(kUsageCountedKey, &marker);
  if (s.ok()) return Status::Ok();
  if (s.code() != Code::kNotFound) return s;

  IndexBatch batch;
  // Counters of buckets that are gone (none should exist; a recount starts clean).
  auto stale = index_->NewIterator(meta::PrefixSuccessor(kUsagePrefix));
  for (stale->Seek(kUsagePrefix); stale->Valid(); stale->Next()) batch.Delete(stale->key());
  CAIRN_RETURN_IF_ERROR(stale->status());

  std::vector<std::string> buckets;
  {
    std::shared_lock lock(cache_mu_);
    for (const auto& [name, rec] : bucket_cache_) buckets.push_back(name);
  }
  uint64_t versions = 0;
  for (const std::string& bucket : buckets) {
    UsageDelta usage;
    ObjectRecord rec;
    const std::string live = ObjectPrefix(bucket);
    auto it = index_->NewIterator(meta::PrefixSuccessor(live));
    for (it->Seek(live); it->Valid(); it->Next()) {
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(it->value(), &rec, /*with_data=*/false));
      usage.Live(rec, +1);
    }
    CAIRN_RETURN_IF_ERROR(it->status());
    const std::string history = VersionPrefix(bucket);
    it = index_->NewIterator(meta::PrefixSuccessor(history));
    for (it->Seek(history); it->Valid(); it->Next()) {
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(it->value(), &rec, /*with_data=*/false));
      usage.History(rec, +1);
    }
    CAIRN_RETURN_IF_ERROR(it->status());
    const std::string uploads = UploadPrefix(bucket);
    it = index_->NewIterator(meta::PrefixSuccessor(uploads));
    for (it->Seek(uploads); it->Valid(); it->Next()) {
      std::string key, upload_id;
      if (!ParseEscapedKey(it->key().substr(uploads.size()), &key, &upload_id)) continue;
      usage.Upload(+1);
      const std::string parts = PartPrefix(bucket, key, upload_id);
      auto part_it = index_->NewIterator(meta::PrefixSuccessor(parts));
      for (part_it->Seek(parts); part_it->Valid(); part_it->Next()) {
        PartRecord part;
        if (DecodePartRecord(part_it->value(), &part).ok()) {
          usage.PartBytes(static_cast<int64_t>(part.size));
        }
      }
      CAIRN_RETURN_IF_ERROR(part_it->status());
    }
    CAIRN_RETURN_IF_ERROR(it->status());
    versions += static_cast<uint64_t>(usage.field(kUsageVersions));
    std::vector<int64_t> fields(kUsageFieldCount);
    for (size_t i = 0; i < kUsageFieldCount; ++i) fields[i] = usage.field(UsageField(i));
    // A put, not a merge: the count replaces whatever was there.
    batch.Put(UsageKey(bucket), meta::EncodeCounters(fields));
  }
  batch.Put(kUsageCountedKey, "1");
  CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
  if (!buckets.empty()) {
    spdlog::info("storage: counted the usage of {} buckets ({} versions) once", buckets.size(),
                 versions);
  }
  return Status::Ok();
}

}  // namespace cairn::storage::local
