// Turns method + host + path + query into one S3 operation on one bucket/key, and names the
// AWS action each operation needs. One flat table; handlers never re-parse the request line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "s3/query.h"

namespace cairn::s3 {

enum class Operation {
  kListBuckets,
  kCreateBucket,
  kDeleteBucket,
  kHeadBucket,
  kGetBucketLocation,
  kGetBucketVersioning,
  kPutBucketVersioning,
  kListObjectVersions,
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
  kGetBucketTagging,
  kPutBucketTagging,
  kDeleteBucketTagging,
  kListObjectsV1,
  kListObjectsV2,
  kDeleteObjects,
  kPutObject,
  kCopyObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kGetObjectAttributes,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kListMultipartUploads,
  kGetBucketPolicy,
  kPutBucketPolicy,
  kDeleteBucketPolicy,
  kGetBucketPolicyStatus,
  kPutBucketCors,
  kGetBucketCors,
  kDeleteBucketCors,
  kPutObjectLockConfiguration,
  kGetObjectLockConfiguration,
  kPutObjectRetention,
  kGetObjectRetention,
  kPutObjectLegalHold,
  kGetObjectLegalHold,
  kGetBucketLifecycle,
  kPutBucketLifecycle,
  kDeleteBucketLifecycle,
  kGetBucketEncryption,  // bucket default encryption (bucket_encryption_handlers.cc)
  kPutBucketEncryption,
  kDeleteBucketEncryption,
  kGetBucketAcl,  // ACLs, ownership controls, public access block (acl_handlers.cc)
  kPutBucketAcl,
  kGetObjectAcl,
  kPutObjectAcl,
  kGetBucketOwnershipControls,
  kPutBucketOwnershipControls,
  kDeleteBucketOwnershipControls,
  kGetPublicAccessBlock,
  kPutPublicAccessBlock,
  kDeletePublicAccessBlock,
  kPostObject,   // POST /bucket with a browser form; the form carries its own signature
  kPreflight,    // OPTIONS on anything: a CORS preflight, answered without authentication
  kUnsupported,  // a known S3 sub-resource Cairn does not serve yet: NotImplemented
};

struct Route {
  Operation operation = Operation::kUnsupported;
  std::string bucket;         // decoded
  std::string key;            // decoded, verbatim bytes
  bool virtual_host = false;  // the bucket came from the Host header
};

struct RouterOptions {
  // Domains for virtual-host-style requests (MINIO_DOMAIN): Host "b.example.com" with domain
  // "example.com" addresses bucket "b".
  std::vector<std::string> domains;
};

// Errors: kInvalidArgument for a path that does not decode, kMethodNotAllowed,
// kInvalidBucketName for a bucket (from the path, or the Host under a domain) that breaks the
// naming rules (s3/bucket_name.h).
// OPTIONS is kPreflight on any path, the service's included.
Result<Route> ResolveRoute(std::string_view method, std::string_view host,
                           std::string_view raw_path, const Query& query,
                           const RouterOptions& options, bool has_copy_source);

// The IAM action an operation needs ("s3:GetObject").
std::string_view ActionFor(Operation operation);
// The action when the request names a version (?versionId=): s3:GetObjectVersion and the like,
// as AWS authorizes them.
std::string_view ActionFor(Operation operation, bool names_version);
std::string_view OperationName(Operation operation);

}  // namespace cairn::s3
