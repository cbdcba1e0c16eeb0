// MultipartStore: uploads assembled from parts (S3 multipart upload). A separate seam from
// ObjectStore so the S3 layer's multipart handlers depend only on what they use; LocalStore
// implements both.
//
// Contracts, beyond ObjectStore's:
// - Each UploadPart is durable when it returns; uploads in progress survive a restart and are
//   listed by ListMultipartUploads until completed or aborted.
// - CompleteMultipartUpload costs metadata work, not bytes: the parts' data files become the
//   object's without being copied. It is atomic: the object appears whole or not at all, and
//   the upload disappears in the same commit.
// - Uploading a part number again replaces that part.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "common/status.h"
#include "common/time.h"
#include "storage/object_store.h"

namespace cairn::storage {

struct UploadInfo {
  std::string bucket;
  std::string key;
  std::string upload_id;
  TimePoint initiated;
  ObjectAttributes attributes;
  // The checksum algorithm chosen at creation ("" = none) and its type: "COMPOSITE" or
  // "FULL_OBJECT" (CRC64NVME is always full-object; CRC32/CRC32C may be either).
  std::string checksum_algorithm;
  std::string checksum_type;
  ObjectEncryption encryption;  // what every part (and the completed object) is encrypted with
};

struct PartInfo {
  int number = 0;
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the part, without quotes
  TimePoint modified;
  Checksums checksums;
};

struct PartOptions {
  std::optional<std::string> content_md5;  // raw 16 bytes
  Checksums checksums;                     // as PutOptions::checksums
  // The upload's SSE-C key, required on every part of an SSE-C upload (missing:
  // kInvalidRequest, another key: kAccessDenied) and refused on other uploads.
  std::optional<std::string> customer_key;
};

struct CompletedPart {
  int number = 0;
  std::string etag;     // as the client sent it, quotes removed
  Checksums checksums;  // values the client sent for the part, checked when present
};

// CompleteMultipartUpload's conditions and what the client says the whole object is
// (x-amz-checksum-<alg>, x-amz-checksum-type, x-amz-mp-object-size), verified before commit.
struct CompleteOptions {
  CompleteOptions() = default;
  CompleteOptions(WriteConditions c) : conditions(std::move(c)) {}  // NOLINT: conditions alone
  WriteConditions conditions;
  // The object's checksum: an algorithm other than the upload's is kInvalidRequest; a value
  // that differs from the combined one is kBadDigest (COMPOSITE values with or without "-N").
  Checksums checksums;
  std::string checksum_type;            // "" or the upload's type, else kBadDigest
  std::optional<uint64_t> object_size;  // else kInvalidRequest
};

struct ListPartsResult {
  std::vector<PartInfo> parts;
  bool truncated = false;
  int next_part_number_marker = 0;
};

struct ListUploadsQuery {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
};

struct ListUploadsResult {
  std::vector<UploadInfo> uploads;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

class MultipartStore {
 public:
  virtual ~MultipartStore() = default;

  // kNoSuchBucket.
  virtual Result<UploadInfo> CreateMultipartUpload(const std::string& bucket,
                                                   const std::string& key,
                                                   const PutOptions& options) = 0;
  // Streams exactly `size` bytes as part `number` (1..10000), or with `size` == kUnknownSize
  // whatever `body` yields until it ends. kNoSuchUpload, kBadDigest, kIncompleteBody, errors
  // from `body`.
  virtual Result<PartInfo> UploadPart(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id, int number, ByteSource& body,
                                      uint64_t size, const PartOptions& options) = 0;
  // Parts must be ascending (kInvalidPartOrder), exist with matching ETags (kInvalidPart), and
  // all but the last be at least 5 MiB (kEntityTooSmall). kNoSuchUpload, kPreconditionFailed.
  // The result's etag is the MD5 of the parts' binary MD5s, "-N". Completing an upload again
  // with the same parts, while the version it made is the key's current one, answers that
  // version (a retry after a lost answer); with other parts it is kNoSuchUpload.
  virtual Result<ObjectInfo> CompleteMultipartUpload(const std::string& bucket,
                                                     const std::string& key,
                                                     const std::string& upload_id,
                                                     const std::vector<CompletedPart>& parts,
                                                     const CompleteOptions& options) = 0;
  // kNoSuchUpload.
  virtual Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) = 0;
  virtual Result<UploadInfo> GetUpload(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id) = 0;
  // Parts with number > `after`, ascending, at most `max_parts`.
  virtual Result<ListPartsResult> ListParts(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id, int after,
                                            int max_parts) = 0;
  // Uploads ordered by key, then by initiation; kNoSuchBucket.
  virtual Result<ListUploadsResult> ListMultipartUploads(const std::string& bucket,
                                                         const ListUploadsQuery& query) = 0;
};

}  // namespace cairn::storage
