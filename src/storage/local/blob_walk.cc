// The walk over every blob the records refer to: what a heal of a whole set (a refilled drive,
// `cairn admin heal -r`) checks.
#include "storage/local/store_impl.h"

namespace cairn::storage::local {

namespace {

// Visits the records under [prefix, PrefixSuccessor(prefix)) one at a time, each copied out, so
// `visit` may take its time (heal a blob) without pinning the scan's position in between.
// False when `visit` stopped the scan.
template <typename Visit>
Result<bool> ScanPrefix(const Index& db, const std::string& prefix, Visit&& visit) {
  std::string from = prefix;
  const std::string end = meta::PrefixSuccessor(prefix);
  constexpr size_t kBatch = 256;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> batch;
    {
      auto it = db.NewIterator(end);
      for (it->Seek(from); it->Valid() && batch.size() < kBatch; it->Next()) {
        batch.emplace_back(std::string(it->key()), std::string(it->value()));
      }
      CAIRN_RETURN_IF_ERROR(it->status());
    }
    for (auto& [key, value] : batch) {
      CAIRN_ASSIGN_OR_RETURN(bool more, visit(key, value));
      if (!more) return false;
    }
    if (batch.size() < kBatch) return true;
    from = batch.back().first;
    from.push_back('\0');  // the next key after the last one seen
  }
}

}  // namespace

Status LocalStoreImpl::ForEachBlob(const HealRequest& request,
                                   const std::function<bool(const BlobRef&)>& visit) {
  std::vector<std::string> buckets;
  if (!request.bucket.empty()) {
    CAIRN_RETURN_IF_ERROR(CheckBucket(request.bucket));
    buckets.push_back(request.bucket);
  } else {
    std::shared_lock lock(cache_mu_);
    for (const auto& [name, rec] : bucket_cache_) buckets.push_back(name);
  }
  for (const std::string& bucket : buckets) {
    CAIRN_ASSIGN_OR_RETURN(bool more, ForEachBlobOf(bucket, request.prefix, visit));
    if (!more) break;
  }
  return Status::Ok();
}

Result<bool> LocalStoreImpl::ForEachBlobOf(const std::string& bucket, const std::string& prefix,
                                           const std::function<bool(const BlobRef&)>& visit) {
  auto visit_record = [&](std::string key, std::string_view value) -> Result<bool> {
    ObjectRecord rec;
    if (!DecodeObjectRecord(value, &rec, /*with_data=*/false).ok()) return true;  // not ours
    for (const FileId& id : DataFilesOf(rec)) {
      if (!visit(BlobRef{bucket, key, id})) return false;
    }
    return true;
  };
  // Live versions: o/<bucket>/<key>.
  const std::string live = ObjectPrefix(bucket);
  CAIRN_ASSIGN_OR_RETURN(bool more, ScanPrefix(*index_, live + prefix,
                                               [&](const std::string& k, const std::string& v) {
                                                 return visit_record(k.substr(live.size()), v);
                                               }));
  if (!more) return false;
  // Older versions: v/<bucket>/<escaped key>\0\1<stamp>. An escaped prefix of a key is a prefix
  // of the escaped key; its end mark is not part of it.
  const std::string history = VersionPrefix(bucket);
  CAIRN_ASSIGN_OR_RETURN(
      more,
      ScanPrefix(*index_, history + EscapeKey(prefix),
                 [&](const std::string& k, const std::string& v) -> Result<bool> {
                   std::string key, stamp;
                   if (!ParseEscapedKey(std::string_view(k).substr(history.size()), &key, &stamp)) {
                     return true;
                   }
                   return visit_record(std::move(key), v);
                 }));
  if (!more) return false;
  // Uploads in progress: u/<bucket>/<escaped key>\0\1<upload id>, their parts p/<upload id>/<n>.
  const std::string uploads = UploadPrefix(bucket);
  std::vector<std::pair<std::string, std::string>> in_progress;  // key, upload id
  CAIRN_RETURN_IF_ERROR(ScanPrefix(*index_, uploads + EscapeKey(prefix),
                                   [&](const std::string& k, const std::string&) -> Result<bool> {
                                     std::string key, upload_id;
                                     if (ParseEscapedKey(std::string_view(k).substr(uploads.size()),
                                                         &key, &upload_id)) {
                                       in_progress.emplace_back(std::move(key),
                                                                std::move(upload_id));
                                     }
                                     return true;
                                   })
                            .status());
  for (const auto& [key, upload_id] : in_progress) {
    CAIRN_ASSIGN_OR_RETURN(
        more, ScanPrefix(*index_, PartPrefix(bucket, key, upload_id),
                         [&](const std::string&, const std::string& v) -> Result<bool> {
                           PartRecord part;
                           if (!DecodePartRecord(v, &part).ok()) return true;
                           return visit(BlobRef{bucket, key, part.file_id});
                         }));
    if (!more) return false;
  }
  return true;
}

}  // namespace cairn::storage::local
