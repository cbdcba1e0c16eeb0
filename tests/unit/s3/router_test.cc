#include "s3/router.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace cairn::s3 {
namespace {

Route Resolve(std::string_view method, std::string_view target, std::string_view host = "h:9000",
              bool copy = false, std::vector<std::string> domains = {}) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view raw_query = q == std::string_view::npos ? "" : target.substr(q + 1);
  Query query(*ParseQuery(raw_query));
  RouterOptions options{std::move(domains)};
  Result<Route> route = ResolveRoute(method, host, path, query, options, copy);
  EXPECT_TRUE(route.ok()) << target;
  return route.ok() ? *route : Route();
}

TEST(RouterTest, PathStyle) {
  EXPECT_EQ(Resolve("GET", "/").operation, Operation::kListBuckets);
  EXPECT_EQ(Resolve("PUT", "/bkt").operation, Operation::kCreateBucket);
  EXPECT_EQ(Resolve("PUT", "/bkt/").operation, Operation::kCreateBucket);
  EXPECT_EQ(Resolve("HEAD", "/bkt").operation, Operation::kHeadBucket);
  EXPECT_EQ(Resolve("DELETE", "/bkt").operation, Operation::kDeleteBucket);
  EXPECT_EQ(Resolve("GET", "/bkt?location").operation, Operation::kGetBucketLocation);
  EXPECT_EQ(Resolve("GET", "/bkt?list-type=2&prefix=a").operation, Operation::kListObjectsV2);
  EXPECT_EQ(Resolve("GET", "/bkt?prefix=a").operation, Operation::kListObjectsV1);
  EXPECT_EQ(Resolve("POST", "/bkt?delete").operation, Operation::kDeleteObjects);
  EXPECT_EQ(Resolve("PUT", "/bkt/k").operation, Operation::kPutObject);
  EXPECT_EQ(Resolve("PUT", "/bkt/k", "h", true).operation, Operation::kCopyObject);
  EXPECT_EQ(Resolve("GET", "/bkt/k").operation, Operation::kGetObject);
  EXPECT_EQ(Resolve("HEAD", "/bkt/k").operation, Operation::kHeadObject);
  EXPECT_EQ(Resolve("DELETE", "/bkt/k").operation, Operation::kDeleteObject);
  EXPECT_EQ(Resolve("GET", "/bkt?acl").operation, Operation::kGetBucketAcl);
  EXPECT_EQ(Resolve("GET", "/bkt/k?acl").operation, Operation::kGetObjectAcl);
  EXPECT_EQ(Resolve("GET", "/bkt/k?tagging").operation, Operation::kGetObjectTagging);
  EXPECT_EQ(Resolve("PUT", "/bkt/k?tagging").operation, Operation::kPutObjectTagging);
  EXPECT_EQ(Resolve("DELETE", "/bkt/k?tagging").operation, Operation::kDeleteObjectTagging);
  EXPECT_EQ(Resolve("POST", "/bkt/k?tagging").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("GET", "/bkt?tagging").operation, Operation::kGetBucketTagging);
  EXPECT_EQ(Resolve("PUT", "/bkt?tagging").operation, Operation::kPutBucketTagging);
  EXPECT_EQ(Resolve("DELETE", "/bkt?tagging").operation, Operation::kDeleteBucketTagging);
  EXPECT_EQ(Resolve("GET", "/bkt?versions").operation, Operation::kListObjectVersions);
  EXPECT_EQ(Resolve("PUT", "/bkt?versioning").operation, Operation::kPutBucketVersioning);
  EXPECT_EQ(Resolve("DELETE", "/bkt?metadataTable").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("PUT", "/bkt/k?renameObject").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("GET", "/bkt?session").operation, Operation::kUnsupported);
}

TEST(RouterTest, MultipartRoutes) {
  EXPECT_EQ(Resolve("POST", "/bkt/k?uploads").operation, Operation::kCreateMultipartUpload);
  EXPECT_EQ(Resolve("PUT", "/bkt/k?partNumber=1&uploadId=u").operation, Operation::kUploadPart);
  EXPECT_EQ(Resolve("PUT", "/bkt/k?partNumber=1&uploadId=u", "h", true).operation,
            Operation::kUploadPartCopy);
  EXPECT_EQ(Resolve("POST", "/bkt/k?uploadId=u").operation, Operation::kCompleteMultipartUpload);
  EXPECT_EQ(Resolve("DELETE", "/bkt/k?uploadId=u").operation, Operation::kAbortMultipartUpload);
  EXPECT_EQ(Resolve("GET", "/bkt/k?uploadId=u").operation, Operation::kListParts);
  EXPECT_EQ(Resolve("GET", "/bkt?uploads").operation, Operation::kListMultipartUploads);
  EXPECT_EQ(Resolve("GET", "/bkt/k?attributes").operation, Operation::kGetObjectAttributes);
  EXPECT_EQ(Resolve("GET", "/bkt/k?partNumber=2").operation, Operation::kGetObject);
  EXPECT_EQ(ActionFor(Operation::kAbortMultipartUpload), "s3:AbortMultipartUpload");
}

TEST(RouterTest, KeysAreDecodedVerbatim) {
  Route r = Resolve("GET", "/bkt/a/../b");
  EXPECT_EQ(r.bucket, "bkt");
  EXPECT_EQ(r.key, "a/../b");
  EXPECT_EQ(Resolve("GET", "/bkt//x").key, "/x");
  EXPECT_EQ(Resolve("GET", "/bkt/dir/").key, "dir/");
  EXPECT_EQ(Resolve("GET", "/bkt/a%20b%2Bc+d%25").key, "a b+c+d%");
  EXPECT_EQ(Resolve("GET", "/bkt/" + UriEncode("emoji-\xf0\x9f\x98\x80", true)).key,
            "emoji-\xf0\x9f\x98\x80");
}

TEST(RouterTest, VirtualHostStyle) {
  Route r = Resolve("GET", "/some/key", "photos.example.com:9000", false, {"example.com"});
  EXPECT_EQ(r.bucket, "photos");
  EXPECT_EQ(r.key, "some/key");
  EXPECT_EQ(r.operation, Operation::kGetObject);
  r = Resolve("GET", "/?list-type=2", "photos.example.com", false, {"example.com"});
  EXPECT_EQ(r.operation, Operation::kListObjectsV2);
  // The bare domain is path style.
  r = Resolve("GET", "/photos/k", "example.com:9000", false, {"example.com"});
  EXPECT_EQ(r.bucket, "photos");
  EXPECT_EQ(r.key, "k");
}

TEST(RouterTest, AclOwnershipAndPublicAccessBlock) {
  EXPECT_EQ(Resolve("PUT", "/bkt?acl").operation, Operation::kPutBucketAcl);
  EXPECT_EQ(Resolve("PUT", "/bkt/k?acl").operation, Operation::kPutObjectAcl);
  // S3 has no DeleteBucketAcl / DeleteObjectAcl: never a DeleteBucket or DeleteObject.
  EXPECT_EQ(Resolve("DELETE", "/bkt?acl").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("DELETE", "/bkt/k?acl").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("GET", "/bkt?ownershipControls").operation,
            Operation::kGetBucketOwnershipControls);
  EXPECT_EQ(Resolve("PUT", "/bkt?ownershipControls").operation,
            Operation::kPutBucketOwnershipControls);
  EXPECT_EQ(Resolve("DELETE", "/bkt?ownershipControls").operation,
            Operation::kDeleteBucketOwnershipControls);
  EXPECT_EQ(Resolve("GET", "/bkt?publicAccessBlock").operation, Operation::kGetPublicAccessBlock);
  EXPECT_EQ(Resolve("PUT", "/bkt?publicAccessBlock").operation, Operation::kPutPublicAccessBlock);
  EXPECT_EQ(Resolve("DELETE", "/bkt?publicAccessBlock").operation,
            Operation::kDeletePublicAccessBlock);
  EXPECT_EQ(ActionFor(Operation::kGetObjectAcl, false), "s3:GetObjectAcl");
  EXPECT_EQ(ActionFor(Operation::kGetObjectAcl, true), "s3:GetObjectVersionAcl");
  EXPECT_EQ(ActionFor(Operation::kPutObjectAcl, true), "s3:PutObjectVersionAcl");
  EXPECT_EQ(ActionFor(Operation::kDeletePublicAccessBlock), "s3:PutBucketPublicAccessBlock");
  EXPECT_EQ(ActionFor(Operation::kDeleteBucketOwnershipControls), "s3:PutBucketOwnershipControls");
}

TEST(RouterTest, CorsPostObjectAndPreflight) {
  EXPECT_EQ(Resolve("PUT", "/bkt?cors").operation, Operation::kPutBucketCors);
  EXPECT_EQ(Resolve("GET", "/bkt?cors").operation, Operation::kGetBucketCors);
  EXPECT_EQ(Resolve("DELETE", "/bkt?cors").operation, Operation::kDeleteBucketCors);
  EXPECT_EQ(Resolve("POST", "/bkt").operation, Operation::kPostObject);
  EXPECT_EQ(Resolve("POST", "/bkt?acl").operation, Operation::kUnsupported);
  Route vhost = Resolve("POST", "/", "photos.example.com", false, {"example.com"});
  EXPECT_EQ(vhost.operation, Operation::kPostObject);
  EXPECT_EQ(vhost.bucket, "photos");
  EXPECT_EQ(Resolve("OPTIONS", "/").operation, Operation::kPreflight);
  EXPECT_EQ(Resolve("OPTIONS", "/bkt").operation, Operation::kPreflight);
  EXPECT_EQ(Resolve("OPTIONS", "/bkt/k?uploads").operation, Operation::kPreflight);
  EXPECT_EQ(ActionFor(Operation::kPostObject), "s3:PutObject");
  EXPECT_EQ(ActionFor(Operation::kDeleteBucketCors), "s3:PutBucketCORS");
}

TEST(RouterTest, BucketLifecycle) {
  EXPECT_EQ(Resolve("PUT", "/bkt?lifecycle").operation, Operation::kPutBucketLifecycle);
  EXPECT_EQ(Resolve("GET", "/bkt?lifecycle").operation, Operation::kGetBucketLifecycle);
  EXPECT_EQ(Resolve("DELETE", "/bkt?lifecycle").operation, Operation::kDeleteBucketLifecycle);
  // Not an object sub-resource, and POST has no lifecycle operation.
  EXPECT_EQ(Resolve("GET", "/bkt/k?lifecycle").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("POST", "/bkt?lifecycle").operation, Operation::kUnsupported);
  EXPECT_EQ(ActionFor(Operation::kPutBucketLifecycle), "s3:PutLifecycleConfiguration");
  EXPECT_EQ(ActionFor(Operation::kGetBucketLifecycle), "s3:GetLifecycleConfiguration");
  EXPECT_EQ(ActionFor(Operation::kDeleteBucketLifecycle), "s3:PutLifecycleConfiguration");
}

Status ResolveError(std::string_view method, std::string_view path, std::string_view host = "h",
                    std::vector<std::string> domains = {"example.test"}) {
  Query query;
  RouterOptions options{std::move(domains)};
  return ResolveRoute(method, host, path, query, options, false).status();
}

TEST(RouterTest, MalformedBucketNamesAreRefusedOnEveryRequest) {
  // Path style: the rule CreateBucket applies holds for every operation.
  for (std::string_view path :
       {"/A_B/k", "/a..b/k", "/xn--/k", "/ab/k", "/192.168.1.1/k", "/Bucket",
        "/under_score?list-type=2", "/-lead/k", "/trail-", "/.minio.sys/config"}) {
    EXPECT_EQ(ResolveError("GET", path).code(), Code::kInvalidBucketName) << path;
    EXPECT_EQ(ResolveError("PUT", path).code(), Code::kInvalidBucketName) << path;
    EXPECT_EQ(ResolveError("OPTIONS", path).code(), Code::kInvalidBucketName) << path;
  }
  EXPECT_EQ(ResolveError("GET", "/" + std::string(64, 'a') + "/k").code(),
            Code::kInvalidBucketName);
  // Virtual-host style: whatever precedes the domain must be a valid name, never split.
  for (std::string_view host :
       {"a/b.example.test", "A_B.example.test", "..example.test", "x..y.example.test",
        ".example.test", "192.168.1.1.example.test", "a%2Fb.example.test:9000"}) {
    EXPECT_EQ(ResolveError("GET", "/secret", host).code(), Code::kInvalidBucketName) << host;
    EXPECT_EQ(ResolveError("GET", "/", host).code(), Code::kInvalidBucketName) << host;
  }
  std::string long_label = std::string(64, 'a') + ".example.test";
  EXPECT_EQ(ResolveError("GET", "/k", long_label).code(), Code::kInvalidBucketName);
  // Host names are case-insensitive: an upper-case Host names the lower-case bucket.
  Route upper = Resolve("GET", "/k", "Photos.Example.Test:9000", false, {"example.test"});
  EXPECT_EQ(upper.bucket, "photos");
  // The service itself (no bucket) and the bare domain stay path style.
  EXPECT_TRUE(ResolveError("GET", "/", "example.test").ok());
  EXPECT_TRUE(ResolveError("GET", "/", "127.0.0.1:9000").ok());
}

TEST(RouterTest, Errors) {
  Query query;
  EXPECT_EQ(ResolveRoute("PUT", "h", "/", query, {}, false).status().code(),
            Code::kMethodNotAllowed);
  EXPECT_FALSE(ResolveRoute("GET", "h", "/bkt/%zz", query, {}, false).ok());
}

TEST(RouterTest, ActionsNameIamActions) {
  EXPECT_EQ(ActionFor(Operation::kGetObject), "s3:GetObject");
  EXPECT_EQ(ActionFor(Operation::kListObjectsV2), "s3:ListBucket");
  EXPECT_EQ(ActionFor(Operation::kListBuckets), "s3:ListAllMyBuckets");
}

}  // namespace
}  // namespace cairn::s3
