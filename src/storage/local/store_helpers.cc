#include "storage/local/store_impl.h"

#include <algorithm>

#include "storage/local/encryption.h"

namespace cairn::storage::local {

UploadInfo ToUploadInfo(const std::string& bucket, std::string_view key, std::string upload_id,
                        UploadRecord&& rec) {
  return UploadInfo{bucket,
                    std::string(key),
                    std::move(upload_id),
                    rec.initiated,
                    std::move(rec.attributes),
                    rec.checksum_algorithm,
                    rec.checksum_type,
                    ToObjectEncryption(rec.encryption)};
}

ObjectInfo ToInfo(const std::string& bucket, std::string_view key, ObjectRecord&& rec,
                  Versioning state) {
  ObjectInfo info;
  info.bucket = bucket;
  info.key = std::string(key);
  info.size = rec.size;
  info.etag = std::move(rec.etag);
  info.modified = rec.modified;
  info.attributes = std::move(rec.attributes);
  info.checksums = std::move(rec.checksums);
  if (!rec.checksum_type.empty()) info.checksum_type = std::move(rec.checksum_type);
  info.parts.reserve(rec.parts.size());
  for (ObjectPart& part : rec.parts) info.parts.push_back(std::move(part.summary));
  if (!rec.null_version) {
    info.version_id = rec.version.Id();
  } else if (state != Versioning::kUnversioned) {
    info.version_id = "null";
  }
  info.delete_marker = rec.delete_marker;
  info.tags = std::move(rec.tags);
  info.lock = rec.lock;
  info.acl = std::move(rec.acl);
  info.encryption = ToObjectEncryption(rec.encryption);
  return info;
}

bool IsVersion(const ObjectRecord& rec, std::string_view version_id) {
  if (version_id == "null") return rec.null_version;
  return !rec.null_version && rec.version.Id() == version_id;
}

bool IsUploadId(std::string_view id) {
  if (id.size() != kUploadIdLength) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status NoSuchUpload() {
  return Status(Code::kNoSuchUpload,
                "the specified multipart upload does not exist; it may have been aborted or "
                "completed");
}

}  // namespace cairn::storage::local
