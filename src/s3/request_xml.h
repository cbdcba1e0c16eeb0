// The XML request bodies S3 operations read, each parsed into a plain value before the handler
// touches the store. Pure: no I/O, so the fuzz targets (tests/fuzz/) call them alone.
//
// Every parser answers kMalformedXML for a body that is not XML, whose root element is not the
// one the operation expects, or that misses a required element; other errors are listed per
// function. Element names are matched as S3 sends them (case-sensitive, no namespaces).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/multipart_store.h"

namespace cairn::s3 {

// S3's limits on one request.
inline constexpr size_t kMaxDeleteObjects = 1000;
inline constexpr size_t kMaxCompletedParts = 10000;

// <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"..."</ETag>
// [<ChecksumCRC32>...</ChecksumCRC32>]</Part>...</CompleteMultipartUpload>: the parts in the
// order sent, ETags unquoted. kMalformedXML for no part or more than kMaxCompletedParts;
// kInvalidArgumentS3 for a part number outside 1..10000 (PartNumberFrom).
Result<std::vector<storage::CompletedPart>> ParseCompleteMultipartUpload(std::string_view xml);

struct DeleteObjectsRequest {
  struct Object {
    std::string key;                        // as written (not validated)
    std::optional<std::string> version_id;  // <VersionId>, when present
    // Conditional delete, as sent (parsed by the handler): <ETag>, <LastModifiedTime>, <Size>.
    std::optional<std::string> etag, last_modified, size;
  };
  bool quiet = false;
  std::vector<Object> objects;  // in the order sent
};
// <Delete><Quiet>true</Quiet><Object><Key>k</Key></Object>...</Delete>. kMalformedXML for no
// object, an object without Key, or more than kMaxDeleteObjects.
Result<DeleteObjectsRequest> ParseDeleteObjects(std::string_view xml);

// <VersioningConfiguration><Status>Enabled|Suspended</Status>[<MfaDelete>..</MfaDelete>]
// </VersioningConfiguration>. kMalformedXML for any other Status or MfaDelete value (AWS answers
// IllegalVersioningConfigurationException there; the code is in the errors table).
struct VersioningConfiguration {
  std::string status;       // "Enabled" or "Suspended"; "" when the element is absent
  bool mfa_delete = false;  // <MfaDelete>Enabled</MfaDelete>
};
Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view xml);

// The LocationConstraint of a CreateBucket body: "" when the body is empty or names none.
Result<std::string> ParseCreateBucketConfiguration(std::string_view xml);

}  // namespace cairn::s3
