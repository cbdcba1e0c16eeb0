#include "storage/local/store_impl.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

namespace cairn::storage::local {

namespace {

// A swept intent's value while its blob is removed: not a time, so it reads as expired, and a
// sweep interrupted here is finished by the next one.
constexpr std::string_view kSweptIntent = "swept";

}  // namespace

bool LocalStoreImpl::IntentExpired(std::string_view made) const {
  if (options_.intent_grace.count() <= 0) return true;
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(made.data(), made.data() + made.size(), seconds);
  if (ec != std::errc() || end != made.data() + made.size()) return true;  // older format: ""
  const auto age = Now() - TimePoint(std::chrono::seconds(seconds));
  return age >= options_.intent_grace;
}

Status LocalStoreImpl::Recover() {
  std::string format;
  Status s = index_->Get(kFormatKey, &format);
  if (s.code() == Code::kNotFound ||
      (s.ok() && (format == kPreviousFormatVersion || format == kFormatVersion2))) {
    // An older store opens with its records as they are (cairn-1 objects become null
    // versions), once its parts are moved under their objects' keys (cairn-2 and before);
    // intents and garbage records of the old form are swept as they are. The new mark keeps
    // an older Cairn from misreading newer records.
    CAIRN_RETURN_IF_ERROR(MovePartsUnderTheirKeys());
    CAIRN_RETURN_IF_ERROR(PutKey(kFormatKey, kFormatVersion, /*sync=*/true));
  } else if (!s.ok()) {
    return s;
  } else if (format != kFormatVersion) {
    return Status(Code::kCorruption, "unsupported store format '" + format + "'");
  }
  CAIRN_RETURN_IF_ERROR(LoadBuckets());
  last_sweep_ = Now();  // below
  if (options_.bucket_refresh.count() > 0) refresher_ = std::thread([this] { RefreshBuckets(); });
  CAIRN_RETURN_IF_ERROR(CountUsageOnce());
  return SweepLeftovers();
}

Status LocalStoreImpl::MovePartsUnderTheirKeys() {
  // Bucket by bucket, each upload's parts: the new keys first, then the old ones deleted (two
  // batches, so that on a sharded index neither spans shards). A crash in between leaves both,
  // and the next open moves them again: the same records to the same keys.
  std::vector<std::string> buckets;
  auto b = index_->NewIterator(meta::PrefixSuccessor(kBucketPrefix));
  for (b->Seek(kBucketPrefix); b->Valid(); b->Next()) {
    buckets.emplace_back(b->key().substr(kBucketPrefix.size()));
  }
  CAIRN_RETURN_IF_ERROR(b->status());
  size_t moved = 0;
  for (const std::string& bucket : buckets) {
    const std::string uploads = UploadPrefix(bucket);
    auto up = index_->NewIterator(meta::PrefixSuccessor(uploads));
    for (up->Seek(uploads); up->Valid(); up->Next()) {
      std::string key, upload_id;
      if (!ParseEscapedKey(up->key().substr(uploads.size()), &key, &upload_id)) continue;
      const std::string old_prefix = Format2PartPrefix(upload_id);
      IndexBatch put, removed;
      auto part = index_->NewIterator(meta::PrefixSuccessor(old_prefix));
      for (part->Seek(old_prefix); part->Valid(); part->Next()) {
        const std::string_view number = part->key().substr(old_prefix.size());
        put.Put(PartPrefix(bucket, key, upload_id) + std::string(number), part->value());
        removed.Delete(part->key());
      }
      CAIRN_RETURN_IF_ERROR(part->status());
      if (put.empty()) continue;
      moved += put.ops().size();
      CAIRN_RETURN_IF_ERROR(index_->Write(put, /*sync=*/true));
      CAIRN_RETURN_IF_ERROR(index_->Write(removed, /*sync=*/true));
    }
    CAIRN_RETURN_IF_ERROR(up->status());
  }
  if (moved > 0) spdlog::info("storage: moved {} part records under their objects' keys", moved);
  return Status::Ok();
}

Status LocalStoreImpl::SweepLeftovers() {
  // An intent without its commit: the data file may have been published but nothing refers to
  // it. A garbage record: the file was replaced by a committed write but maybe not unlinked.
  // One process owning the index sweeps everything in one batch. On a shared index another
  // gateway's write may commit while this sweeps: an intent is first taken (replaced by
  // kSweptIntent, on the condition that it is still as made, which the commit also expects),
  // so exactly one of the two goes ahead; each record is then deleted on its own.
  const bool shared = options_.intent_grace.count() > 0;
  IndexBatch batch;
  size_t swept = 0, records = 0;
  for (std::string_view prefix : {kIntentPrefix, kGarbagePrefix}) {
    auto it = index_->NewIterator(meta::PrefixSuccessor(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string k(it->key());
      const std::string made(it->value());
      if (prefix == kIntentPrefix && !IntentExpired(made)) continue;
      if (shared && prefix == kIntentPrefix) {
        IndexBatch take;
        take.ExpectValue(k, made);
        take.Put(k, kSweptIntent);
        Status taken = index_->Write(take, /*sync=*/true);
        if (taken.code() == Code::kConditionalRequestConflict) continue;  // committed meanwhile
        CAIRN_RETURN_IF_ERROR(taken);
      }
      auto id = BlobOfRecordKey(std::string_view(k).substr(prefix.size()));
      if (id) {
        Status rm = data_->Remove(*id);
        if (!rm.ok() && rm.code() != Code::kNotFound) return rm;
        if (rm.ok()) ++swept;
      }
      ++records;
      if (shared) {
        CAIRN_RETURN_IF_ERROR(DeleteKey(k, /*sync=*/true));
      } else {
        batch.Delete(k);
      }
    }
    CAIRN_RETURN_IF_ERROR(it->status());
  }
  if (!batch.empty()) CAIRN_RETURN_IF_ERROR(index_->Write(batch, /*sync=*/true));
  if (records > 0)
    spdlog::info("storage: swept {} leftover data files ({} records)", swept, records);
  return Status::Ok();
}

Result<std::string> LocalStoreImpl::PublishWithIntent(const std::string& bucket,
                                                      const std::string& key, BlobWriter& writer) {
  CAIRN_RETURN_IF_ERROR(writer.Finish());
  // The intent is durable before the file can be: a crash from here until the commit leaves
  // a record that tells the next start-up to delete the file.
  // Its value is when it was made (Unix seconds), for a sweep that spares young ones.
  const std::string made = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count());
  CAIRN_RETURN_IF_ERROR(PutKey(IntentKey(bucket, key, writer.id()), made, /*sync=*/true));
  Status s = data_->Publish(writer);
  if (!s.ok()) {
    DropPublished(bucket, key, writer.id());
    return s;
  }
  return made;
}

void LocalStoreImpl::ConsumeIntent(IndexBatch& batch, const std::string& bucket,
                                   const std::string& key, const FileId& id,
                                   const std::string& made) const {
  const std::string intent = IntentKey(bucket, key, id);
  if (options_.intent_grace.count() > 0) batch.ExpectValue(intent, made);
  batch.Delete(intent);
}

bool LocalStoreImpl::IntentSwept(const std::string& bucket, const std::string& key,
                                 const FileId& id, const std::string& made) const {
  if (options_.intent_grace.count() <= 0) return false;  // only a shared index's sweep takes one
  std::string now;
  Status s = index_->Get(IntentKey(bucket, key, id), &now);
  return s.code() == Code::kNotFound || (s.ok() && now != made);
}

void LocalStoreImpl::DropPublished(const std::string& bucket, const std::string& key,
                                   const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)DeleteKey(IntentKey(bucket, key, id),
                    /*sync=*/false);  // if lost, the sweep finds no file
  }
}

void LocalStoreImpl::CollectGarbage(const std::string& bucket, const std::string& key,
                                    const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)DeleteKey(GarbageKey(bucket, key, id), /*sync=*/false);
  } else {
    spdlog::warn("storage: cannot remove replaced data file {}: {}", id.Hex(), s.ToString());
  }
}

}  // namespace cairn::storage::local
