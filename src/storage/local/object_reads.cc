#include "storage/local/store_impl.h"

#include "storage/local/object_readers.h"

namespace cairn::storage::local {

Status LocalStoreImpl::ReadVersion(const std::string& bucket, const std::string& key,
                                   const std::string& version_id,
                                   std::shared_ptr<const std::string>* value, ObjectRecord* rec,
                                   Versioning* state) {
  CAIRN_RETURN_IF_ERROR(CheckRead());
  CAIRN_ASSIGN_OR_RETURN(*state, BucketState(bucket));
  Status s;
  if (version_id.empty()) {
    s = index_->GetCached(ObjectKey(bucket, key), value);
  } else {
    std::string index_key;
    auto read = std::make_shared<std::string>();
    s = FindVersion(bucket, key, version_id, &index_key, read.get());
    *value = std::move(read);
  }
  if (s.code() == Code::kNotFound) {
    if (version_id.empty()) return Status(Code::kNoSuchKey, "the specified key does not exist");
    return Status(Code::kNoSuchVersion, "the specified version does not exist");
  }
  CAIRN_RETURN_IF_ERROR(s);
  CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(**value, rec, /*with_data=*/false));
  if (rec->delete_marker) {
    return Status(Code::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  return Status::Ok();
}

Result<ObjectInfo> LocalStoreImpl::HeadObject(const std::string& bucket, const std::string& key,
                                              const std::string& version_id) {
  ObjectRecord rec;
  std::shared_ptr<const std::string> value;
  Versioning state;
  CAIRN_RETURN_IF_ERROR(ReadVersion(bucket, key, version_id, &value, &rec, &state));
  return ToInfo(bucket, key, std::move(rec), state);
}

Result<std::unique_ptr<ObjectReader>> LocalStoreImpl::OpenObject(const std::string& bucket,
                                                                 const std::string& key,
                                                                 const std::string& version_id,
                                                                 const ReadOptions& read) {
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    ObjectRecord rec;
    std::shared_ptr<const std::string> value;
    Versioning state;
    CAIRN_RETURN_IF_ERROR(ReadVersion(bucket, key, version_id, &value, &rec, &state));
    CAIRN_RETURN_IF_ERROR(CheckCustomerKey(rec.encryption ? &*rec.encryption : nullptr,
                                           read.customer_key, /*upload=*/false));
    std::shared_ptr<const VersionDecryption> decryption;
    if (rec.encryption) {
      decryption = std::make_shared<const VersionDecryption>(
          VersionDecryption{options_.kms, bucket, key, *rec.encryption, read.customer_key});
    }
    // What the record's size takes on disk: the sealed form when encrypted.
    auto stored_size = [&](uint64_t size) {
      return rec.encryption ? crypto::SealedSize(size) : size;
    };
    if (rec.is_inline) {
      // Inline bytes are the record's tail (DecodeObjectRecord checks their length): the reader
      // shares the record rather than copying them.
      size_t base = value->size() - static_cast<size_t>(stored_size(rec.size));
      return std::unique_ptr<ObjectReader>(
          new LocalObjectReader(ToInfo(bucket, key, std::move(rec), state), std::move(value),
                                nullptr, base, std::move(decryption)));
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
        if ((*file)->size() != stored_size(part.summary.size)) {
          return Status(Code::kCorruption, "data file " + part.file_id.Hex() + " has " +
                                               std::to_string((*file)->size()) +
                                               " bytes, part record " +
                                               std::to_string(part.summary.size));
        }
        pinned->files.push_back(std::move(*file));
        pinned->starts.push_back(offset);
        pinned->sizes.push_back(part.summary.size);
        pinned->nonce_bases.push_back(part.nonce_base);
        offset += part.summary.size;
      }
      if (vanished) continue;
      return std::unique_ptr<ObjectReader>(new MultipartObjectReader(
          ToInfo(bucket, key, std::move(rec), state), std::move(pinned), std::move(decryption)));
    }
    auto file = data_->Open(rec.file_id);
    if (!file.ok()) {
      // Replaced and unlinked after we read the record: read the newer record.
      if (file.status().code() == Code::kNotFound) continue;
      return file.status();
    }
    if ((*file)->size() != stored_size(rec.size)) {
      return Status(Code::kCorruption, "data file " + rec.file_id.Hex() + " has " +
                                           std::to_string((*file)->size()) + " bytes, record " +
                                           std::to_string(rec.size));
    }
    return std::unique_ptr<ObjectReader>(
        new LocalObjectReader(ToInfo(bucket, key, std::move(rec), state), nullptr, std::move(*file),
                              0, std::move(decryption)));
  }
  return Status(Code::kIOError, "the data file of " + bucket + "/" + key + " keeps vanishing");
}

}  // namespace cairn::storage::local
