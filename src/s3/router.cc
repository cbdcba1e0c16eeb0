#include "s3/router.h"

#include <array>

#include "common/encoding.h"
#include "common/headers.h"
#include "s3/bucket_name.h"

namespace cairn::s3 {

namespace {

// Bucket sub-resources S3 defines; a request naming one Cairn does not serve is answered
// NotImplemented rather than mistaken for a plain bucket or object request. The newest (S3
// Express, metadata tables) matter as much: DELETE ?metadataTable would otherwise delete the
// bucket, and PUT ?renameObject would overwrite the key with an empty object.
constexpr std::array kBucketSubresources = {
    "accelerate",        "acl",
    "analytics",         "cors",
    "encryption",        "intelligent-tiering",
    "inventory",         "lifecycle",
    "logging",           "metrics",
    "notification",      "object-lock",
    "ownershipControls", "policy",
    "policyStatus",      "publicAccessBlock",
    "replication",       "requestPayment",
    "tagging",           "website",
    "uploads",           "versions",
    "retention",         "legal-hold",
    "torrent",           "attributes",
    "restore",           "select",
    "metadataTable",     "metadataConfiguration",
    "session",           "renameObject",
};

bool HasUnsupportedSubresource(const Query& query) {
  for (const char* name : kBucketSubresources) {
    if (query.Has(name)) return true;
  }
  return false;
}

Operation BucketOperation(std::string_view method, const Query& query) {
  if (method == "GET") {
    if (query.Has("location")) return Operation::kGetBucketLocation;
    if (query.Has("uploads")) return Operation::kListMultipartUploads;
    if (query.Has("policy")) return Operation::kGetBucketPolicy;
    if (query.Has("policyStatus")) return Operation::kGetBucketPolicyStatus;
    if (query.Has("versioning")) return Operation::kGetBucketVersioning;
    if (query.Has("versions")) return Operation::kListObjectVersions;
    if (query.Has("tagging")) return Operation::kGetBucketTagging;
    if (query.Has("cors")) return Operation::kGetBucketCors;
    if (query.Has("object-lock")) return Operation::kGetObjectLockConfiguration;
    if (query.Has("lifecycle")) return Operation::kGetBucketLifecycle;
    if (query.Has("encryption")) return Operation::kGetBucketEncryption;
    if (query.Has("acl")) return Operation::kGetBucketAcl;
    if (query.Has("ownershipControls")) return Operation::kGetBucketOwnershipControls;
    if (query.Has("publicAccessBlock")) return Operation::kGetPublicAccessBlock;
    if (HasUnsupportedSubresource(query)) return Operation::kUnsupported;
    auto list_type = query.Get("list-type");
    if (list_type && *list_type == "2") return Operation::kListObjectsV2;
    return Operation::kListObjectsV1;
  }
  if (method == "HEAD") return Operation::kHeadBucket;
  if (method == "PUT") {
    if (query.Has("policy")) return Operation::kPutBucketPolicy;
    if (query.Has("cors")) return Operation::kPutBucketCors;
    if (query.Has("lifecycle")) return Operation::kPutBucketLifecycle;
    if (query.Has("encryption")) return Operation::kPutBucketEncryption;
    if (query.Has("versioning")) return Operation::kPutBucketVersioning;
    if (query.Has("tagging")) return Operation::kPutBucketTagging;
    if (query.Has("object-lock")) return Operation::kPutObjectLockConfiguration;
    if (query.Has("acl")) return Operation::kPutBucketAcl;
    if (query.Has("ownershipControls")) return Operation::kPutBucketOwnershipControls;
    if (query.Has("publicAccessBlock")) return Operation::kPutPublicAccessBlock;
    if (HasUnsupportedSubresource(query)) return Operation::kUnsupported;
    return Operation::kCreateBucket;
  }
  if (method == "DELETE") {
    if (query.Has("policy")) return Operation::kDeleteBucketPolicy;
    if (query.Has("cors")) return Operation::kDeleteBucketCors;
    if (query.Has("lifecycle")) return Operation::kDeleteBucketLifecycle;
    if (query.Has("encryption")) return Operation::kDeleteBucketEncryption;
    if (query.Has("tagging")) return Operation::kDeleteBucketTagging;
    if (query.Has("ownershipControls")) return Operation::kDeleteBucketOwnershipControls;
    if (query.Has("publicAccessBlock")) return Operation::kDeletePublicAccessBlock;
    if (HasUnsupportedSubresource(query)) return Operation::kUnsupported;
    return Operation::kDeleteBucket;
  }
  if (method == "POST") {
    if (query.Has("delete")) return Operation::kDeleteObjects;
    if (HasUnsupportedSubresource(query)) return Operation::kUnsupported;
    return Operation::kPostObject;
  }
  return Operation::kUnsupported;
}

Operation ObjectOperation(std::string_view method, const Query& query, bool has_copy_source) {
  if (query.Has("uploadId")) {
    if (method == "PUT" && query.Has("partNumber")) {
      return has_copy_source ? Operation::kUploadPartCopy : Operation::kUploadPart;
    }
    if (method == "POST") return Operation::kCompleteMultipartUpload;
    if (method == "DELETE") return Operation::kAbortMultipartUpload;
    if (method == "GET") return Operation::kListParts;
    return Operation::kUnsupported;
  }
  if (method == "POST" && query.Has("uploads")) return Operation::kCreateMultipartUpload;
  if (method == "GET" && query.Has("attributes")) return Operation::kGetObjectAttributes;
  if (query.Has("tagging")) {
    if (method == "GET") return Operation::kGetObjectTagging;
    if (method == "PUT") return Operation::kPutObjectTagging;
    if (method == "DELETE") return Operation::kDeleteObjectTagging;
    return Operation::kUnsupported;
  }
  if (query.Has("retention")) {
    if (method == "GET") return Operation::kGetObjectRetention;
    if (method == "PUT") return Operation::kPutObjectRetention;
    return Operation::kUnsupported;
  }
  if (query.Has("acl")) {
    if (method == "GET") return Operation::kGetObjectAcl;
    if (method == "PUT") return Operation::kPutObjectAcl;
    return Operation::kUnsupported;
  }
  if (query.Has("legal-hold")) {
    if (method == "GET") return Operation::kGetObjectLegalHold;
    if (method == "PUT") return Operation::kPutObjectLegalHold;
    return Operation::kUnsupported;
  }
  if (HasUnsupportedSubresource(query)) return Operation::kUnsupported;
  if (method == "GET") return Operation::kGetObject;
  if (method == "HEAD") return Operation::kHeadObject;
  if (method == "PUT") return has_copy_source ? Operation::kCopyObject : Operation::kPutObject;
  if (method == "DELETE") return Operation::kDeleteObject;
  return Operation::kUnsupported;
}

// The bucket named by a virtual-host-style Host header: "" for path style (no domain, or the
// bare domain), else the lower-cased labels before ".<domain>" — possibly empty or malformed
// ("..example.com", "a/b.example.com"), which the caller refuses.
std::optional<std::string> BucketFromHost(std::string_view host, const RouterOptions& options) {
  // Strip the port (IPv6 literals are never virtual hosts).
  if (host.empty() || host.front() == '[') return std::nullopt;
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  std::string lower = ToLower(host);
  for (const std::string& domain : options.domains) {
    std::string d = ToLower(domain);
    if (d.empty()) continue;
    if (lower.size() > d.size() && lower.ends_with(d) &&
        lower[lower.size() - d.size() - 1] == '.') {
      return lower.substr(0, lower.size() - d.size() - 1);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Route> ResolveRoute(std::string_view method, std::string_view host,
                           std::string_view raw_path, const Query& query,
                           const RouterOptions& options, bool has_copy_source) {
  Route route;
  std::optional<std::string> vhost_bucket = BucketFromHost(host, options);
  std::optional<std::string> path = UriDecode(raw_path, false);
  if (!path || path->empty() || (*path)[0] != '/') {
    return Status(Code::kInvalidArgument, "the request path is not a valid URI path");
  }
  std::string_view rest = std::string_view(*path).substr(1);
  if (vhost_bucket) {
    route.bucket = std::move(*vhost_bucket);
    route.key = std::string(rest);
    route.virtual_host = true;
  } else {
    size_t slash = rest.find('/');
    route.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) route.key = std::string(rest.substr(slash + 1));
  }
  // Every request that names a bucket names a valid one, by the rule CreateBucket applies:
  // a malformed name ("a/b" from a Host, "A_B", "x..y") is never looked up, authorized or
  // split into another bucket's key.
  if ((route.virtual_host || !route.bucket.empty()) && !IsValidBucketName(route.bucket)) {
    return Status(Code::kInvalidBucketName, "");
  }
  if (method == "OPTIONS") {
    route.operation = Operation::kPreflight;
  } else if (route.bucket.empty()) {
    if (method != "GET") return Status(Code::kMethodNotAllowed, "");
    route.operation = Operation::kListBuckets;
  } else if (route.key.empty()) {
    route.operation = BucketOperation(method, query);
  } else {
    route.operation = ObjectOperation(method, query, has_copy_source);
  }
  return route;
}

std::string_view ActionFor(Operation operation) {
  switch (operation) {
    case Operation::kListBuckets: return "s3:ListAllMyBuckets";
    case Operation::kCreateBucket: return "s3:CreateBucket";
    case Operation::kDeleteBucket: return "s3:DeleteBucket";
    case Operation::kHeadBucket: return "s3:ListBucket";
    case Operation::kGetBucketLocation: return "s3:GetBucketLocation";
    case Operation::kGetBucketVersioning: return "s3:GetBucketVersioning";
    case Operation::kPutBucketVersioning: return "s3:PutBucketVersioning";
    case Operation::kListObjectVersions: return "s3:ListBucketVersions";
    case Operation::kGetObjectTagging: return "s3:GetObjectTagging";
    case Operation::kPutObjectTagging: return "s3:PutObjectTagging";
    case Operation::kDeleteObjectTagging: return "s3:DeleteObjectTagging";
    case Operation::kGetBucketTagging: return "s3:GetBucketTagging";
    case Operation::kPutBucketTagging: return "s3:PutBucketTagging";
    case Operation::kDeleteBucketTagging:
      return "s3:PutBucketTagging";  // as AWS: no action of its own
    case Operation::kListObjectsV1: return "s3:ListBucket";
    case Operation::kListObjectsV2: return "s3:ListBucket";
    case Operation::kDeleteObjects: return "s3:DeleteObject";
    case Operation::kPutObject: return "s3:PutObject";
    case Operation::kCopyObject: return "s3:PutObject";
    case Operation::kGetObject: return "s3:GetObject";
    case Operation::kHeadObject: return "s3:GetObject";
    case Operation::kDeleteObject: return "s3:DeleteObject";
    case Operation::kGetObjectAttributes: return "s3:GetObjectAttributes";
    case Operation::kCreateMultipartUpload: return "s3:PutObject";
    case Operation::kUploadPart: return "s3:PutObject";
    case Operation::kUploadPartCopy: return "s3:PutObject";
    case Operation::kCompleteMultipartUpload: return "s3:PutObject";
    case Operation::kAbortMultipartUpload: return "s3:AbortMultipartUpload";
    case Operation::kListParts: return "s3:ListMultipartUploadParts";
    case Operation::kListMultipartUploads: return "s3:ListBucketMultipartUploads";
    case Operation::kGetBucketPolicy: return "s3:GetBucketPolicy";
    case Operation::kPutBucketPolicy: return "s3:PutBucketPolicy";
    case Operation::kDeleteBucketPolicy: return "s3:DeleteBucketPolicy";
    case Operation::kGetBucketPolicyStatus: return "s3:GetBucketPolicyStatus";
    case Operation::kPutBucketCors: return "s3:PutBucketCORS";
    case Operation::kGetBucketCors: return "s3:GetBucketCORS";
    case Operation::kDeleteBucketCors: return "s3:PutBucketCORS";  // as AWS: no action of its own
    case Operation::kGetBucketLifecycle: return "s3:GetLifecycleConfiguration";
    case Operation::kPutBucketLifecycle: return "s3:PutLifecycleConfiguration";
    case Operation::kDeleteBucketLifecycle:
      return "s3:PutLifecycleConfiguration";  // as AWS: no action of its own
    case Operation::kGetBucketEncryption: return "s3:GetEncryptionConfiguration";
    case Operation::kPutBucketEncryption:
    case Operation::kDeleteBucketEncryption:
      return "s3:PutEncryptionConfiguration";  // as AWS: no action of its own for delete
    case Operation::kPostObject: return "s3:PutObject";
    case Operation::kPutObjectLockConfiguration: return "s3:PutBucketObjectLockConfiguration";
    case Operation::kGetObjectLockConfiguration: return "s3:GetBucketObjectLockConfiguration";
    case Operation::kPutObjectRetention: return "s3:PutObjectRetention";
    case Operation::kGetObjectRetention: return "s3:GetObjectRetention";
    case Operation::kPutObjectLegalHold: return "s3:PutObjectLegalHold";
    case Operation::kGetObjectLegalHold: return "s3:GetObjectLegalHold";
    case Operation::kGetBucketAcl: return "s3:GetBucketAcl";
    case Operation::kPutBucketAcl: return "s3:PutBucketAcl";
    case Operation::kGetObjectAcl: return "s3:GetObjectAcl";
    case Operation::kPutObjectAcl: return "s3:PutObjectAcl";
    case Operation::kGetBucketOwnershipControls: return "s3:GetBucketOwnershipControls";
    case Operation::kPutBucketOwnershipControls: return "s3:PutBucketOwnershipControls";
    case Operation::kDeleteBucketOwnershipControls:
      return "s3:PutBucketOwnershipControls";  // as AWS: no action of its own
    case Operation::kGetPublicAccessBlock: return "s3:GetBucketPublicAccessBlock";
    case Operation::kPutPublicAccessBlock: return "s3:PutBucketPublicAccessBlock";
    case Operation::kDeletePublicAccessBlock:
      return "s3:PutBucketPublicAccessBlock";  // as AWS: no action of its own
    case Operation::kPreflight: return "";     // never authorized: browsers send no credentials
    case Operation::kUnsupported: return "s3:*";
  }
  return "s3:*";
}

std::string_view ActionFor(Operation operation, bool names_version) {
  if (names_version) {
    switch (operation) {
      case Operation::kGetObject:
      case Operation::kHeadObject: return "s3:GetObjectVersion";
      case Operation::kDeleteObject: return "s3:DeleteObjectVersion";
      case Operation::kGetObjectAttributes: return "s3:GetObjectVersionAttributes";
      case Operation::kGetObjectTagging: return "s3:GetObjectVersionTagging";
      case Operation::kPutObjectTagging: return "s3:PutObjectVersionTagging";
      case Operation::kDeleteObjectTagging: return "s3:DeleteObjectVersionTagging";
      case Operation::kGetObjectAcl: return "s3:GetObjectVersionAcl";
      case Operation::kPutObjectAcl: return "s3:PutObjectVersionAcl";
      default: break;
    }
  }
  return ActionFor(operation);
}

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kListBuckets: return "ListBuckets";
    case Operation::kCreateBucket: return "CreateBucket";
    case Operation::kDeleteBucket: return "DeleteBucket";
    case Operation::kHeadBucket: return "HeadBucket";
    case Operation::kGetBucketLocation: return "GetBucketLocation";
    case Operation::kGetBucketVersioning: return "GetBucketVersioning";
    case Operation::kPutBucketVersioning: return "PutBucketVersioning";
    case Operation::kListObjectVersions: return "ListObjectVersions";
    case Operation::kGetObjectTagging: return "GetObjectTagging";
    case Operation::kPutObjectTagging: return "PutObjectTagging";
    case Operation::kDeleteObjectTagging: return "DeleteObjectTagging";
    case Operation::kGetBucketTagging: return "GetBucketTagging";
    case Operation::kPutBucketTagging: return "PutBucketTagging";
    case Operation::kDeleteBucketTagging: return "DeleteBucketTagging";
    case Operation::kListObjectsV1: return "ListObjects";
    case Operation::kListObjectsV2: return "ListObjectsV2";
    case Operation::kDeleteObjects: return "DeleteObjects";
    case Operation::kPutObject: return "PutObject";
    case Operation::kCopyObject: return "CopyObject";
    case Operation::kGetObject: return "GetObject";
    case Operation::kHeadObject: return "HeadObject";
    case Operation::kDeleteObject: return "DeleteObject";
    case Operation::kGetObjectAttributes: return "GetObjectAttributes";
    case Operation::kCreateMultipartUpload: return "CreateMultipartUpload";
    case Operation::kUploadPart: return "UploadPart";
    case Operation::kUploadPartCopy: return "UploadPartCopy";
    case Operation::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case Operation::kAbortMultipartUpload: return "AbortMultipartUpload";
    case Operation::kListParts: return "ListParts";
    case Operation::kListMultipartUploads: return "ListMultipartUploads";
    case Operation::kGetBucketPolicy: return "GetBucketPolicy";
    case Operation::kPutBucketPolicy: return "PutBucketPolicy";
    case Operation::kDeleteBucketPolicy: return "DeleteBucketPolicy";
    case Operation::kGetBucketPolicyStatus: return "GetBucketPolicyStatus";
    case Operation::kPutBucketCors: return "PutBucketCors";
    case Operation::kGetBucketCors: return "GetBucketCors";
    case Operation::kDeleteBucketCors: return "DeleteBucketCors";
    case Operation::kGetBucketLifecycle: return "GetBucketLifecycleConfiguration";
    case Operation::kPutBucketLifecycle: return "PutBucketLifecycleConfiguration";
    case Operation::kDeleteBucketLifecycle: return "DeleteBucketLifecycle";
    case Operation::kGetBucketEncryption: return "GetBucketEncryption";
    case Operation::kPutBucketEncryption: return "PutBucketEncryption";
    case Operation::kDeleteBucketEncryption: return "DeleteBucketEncryption";
    case Operation::kPostObject: return "PostObject";
    case Operation::kPutObjectLockConfiguration: return "PutObjectLockConfiguration";
    case Operation::kGetObjectLockConfiguration: return "GetObjectLockConfiguration";
    case Operation::kPutObjectRetention: return "PutObjectRetention";
    case Operation::kGetObjectRetention: return "GetObjectRetention";
    case Operation::kPutObjectLegalHold: return "PutObjectLegalHold";
    case Operation::kGetObjectLegalHold: return "GetObjectLegalHold";
    case Operation::kGetBucketAcl: return "GetBucketAcl";
    case Operation::kPutBucketAcl: return "PutBucketAcl";
    case Operation::kGetObjectAcl: return "GetObjectAcl";
    case Operation::kPutObjectAcl: return "PutObjectAcl";
    case Operation::kGetBucketOwnershipControls: return "GetBucketOwnershipControls";
    case Operation::kPutBucketOwnershipControls: return "PutBucketOwnershipControls";
    case Operation::kDeleteBucketOwnershipControls: return "DeleteBucketOwnershipControls";
    case Operation::kGetPublicAccessBlock: return "GetPublicAccessBlock";
    case Operation::kPutPublicAccessBlock: return "PutPublicAccessBlock";
    case Operation::kDeletePublicAccessBlock: return "DeletePublicAccessBlock";
    case Operation::kPreflight: return "Preflight";
    case Operation::kUnsupported: return "Unsupported";
  }
  return "Unsupported";
}

}  // namespace cairn::s3
