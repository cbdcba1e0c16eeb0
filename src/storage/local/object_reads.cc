#include "storage/local/store_impl.h"

#include "storage/local/object_readers.h"

namespace cairn::storage::local {

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

}  // namespace cairn::storage::local
