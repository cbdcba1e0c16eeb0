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
  if (s.code() == Code::kNotFound || (s.ok() && format == kPreviousFormatVersion)) {
    // A store of the previous format opens unchanged: its records decode as they are (objects
    // become null versions). The new mark keeps an older Cairn from misreading newer records.
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
      auto id = FileId::FromHex(std::string_view(k).substr(prefix.size()));
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

Result<std::string> LocalStoreImpl::PublishWithIntent(BlobWriter& writer) {
  CAIRN_RETURN_IF_ERROR(writer.Finish());
  // The intent is durable before the file can be: a crash from here until the commit leaves
  // a record that tells the next start-up to delete the file.
  // Its value is when it was made (Unix seconds), for a sweep that spares young ones.
  const std::string made = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count());
  CAIRN_RETURN_IF_ERROR(PutKey(IntentKey(writer.id()), made, /*sync=*/true));
  Status s = data_->Publish(writer);
  if (!s.ok()) {
    DropPublished(writer.id());
    return s;
  }
  return made;
}

void LocalStoreImpl::ConsumeIntent(IndexBatch& batch, const FileId& id,
                                   const std::string& made) const {
  const std::string key = IntentKey(id);
  if (options_.intent_grace.count() > 0) batch.ExpectValue(key, made);
  batch.Delete(key);
}

bool LocalStoreImpl::IntentSwept(const FileId& id, const std::string& made) const {
  if (options_.intent_grace.count() <= 0) return false;  // only a shared index's sweep takes one
  std::string now;
  Status s = index_->Get(IntentKey(id), &now);
  return s.code() == Code::kNotFound || (s.ok() && now != made);
}

void LocalStoreImpl::DropPublished(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)DeleteKey(IntentKey(id), /*sync=*/false);  // if lost, the sweep finds no file
  }
}

void LocalStoreImpl::CollectGarbage(const FileId& id) {
  Status s = data_->Remove(id);
  if (s.ok() || s.code() == Code::kNotFound) {
    (void)DeleteKey(GarbageKey(id), /*sync=*/false);
  } else {
    spdlog::warn("storage: cannot remove replaced data file {}: {}", id.Hex(), s.ToString());
  }
}

}  // namespace cairn::storage::local
