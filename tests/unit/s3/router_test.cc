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
  EXPECT_EQ(Resolve("PUT", "/b").operation, Operation::kCreateBucket);
  EXPECT_EQ(Resolve("PUT", "/b/").operation, Operation::kCreateBucket);
  EXPECT_EQ(Resolve("HEAD", "/b").operation, Operation::kHeadBucket);
  EXPECT_EQ(Resolve("DELETE", "/b").operation, Operation::kDeleteBucket);
  EXPECT_EQ(Resolve("GET", "/b?location").operation, Operation::kGetBucketLocation);
  EXPECT_EQ(Resolve("GET", "/b?list-type=2&prefix=a").operation, Operation::kListObjectsV2);
  EXPECT_EQ(Resolve("GET", "/b?prefix=a").operation, Operation::kListObjectsV1);
  EXPECT_EQ(Resolve("POST", "/b?delete").operation, Operation::kDeleteObjects);
  EXPECT_EQ(Resolve("PUT", "/b/k").operation, Operation::kPutObject);
  EXPECT_EQ(Resolve("PUT", "/b/k", "h", true).operation, Operation::kCopyObject);
  EXPECT_EQ(Resolve("GET", "/b/k").operation, Operation::kGetObject);
  EXPECT_EQ(Resolve("HEAD", "/b/k").operation, Operation::kHeadObject);
  EXPECT_EQ(Resolve("DELETE", "/b/k").operation, Operation::kDeleteObject);
  EXPECT_EQ(Resolve("GET", "/b?acl").operation, Operation::kUnsupported);
  EXPECT_EQ(Resolve("GET", "/b/k?tagging").operation, Operation::kUnsupported);
}

TEST(RouterTest, MultipartRoutes) {
  EXPECT_EQ(Resolve("POST", "/b/k?uploads").operation, Operation::kCreateMultipartUpload);
  EXPECT_EQ(Resolve("PUT", "/b/k?partNumber=1&uploadId=u").operation, Operation::kUploadPart);
  EXPECT_EQ(Resolve("PUT", "/b/k?partNumber=1&uploadId=u", "h", true).operation,
            Operation::kUploadPartCopy);
  EXPECT_EQ(Resolve("POST", "/b/k?uploadId=u").operation, Operation::kCompleteMultipartUpload);
  EXPECT_EQ(Resolve("DELETE", "/b/k?uploadId=u").operation, Operation::kAbortMultipartUpload);
  EXPECT_EQ(Resolve("GET", "/b/k?uploadId=u").operation, Operation::kListParts);
  EXPECT_EQ(Resolve("GET", "/b?uploads").operation, Operation::kListMultipartUploads);
  EXPECT_EQ(Resolve("GET", "/b/k?attributes").operation, Operation::kGetObjectAttributes);
  EXPECT_EQ(Resolve("GET", "/b/k?partNumber=2").operation, Operation::kGetObject);
  EXPECT_EQ(ActionFor(Operation::kAbortMultipartUpload), "s3:AbortMultipartUpload");
}

TEST(RouterTest, KeysAreDecodedVerbatim) {
  Route r = Resolve("GET", "/b/a/../b");
  EXPECT_EQ(r.bucket, "b");
  EXPECT_EQ(r.key, "a/../b");
  EXPECT_EQ(Resolve("GET", "/b//x").key, "/x");
  EXPECT_EQ(Resolve("GET", "/b/dir/").key, "dir/");
  EXPECT_EQ(Resolve("GET", "/b/a%20b%2Bc+d%25").key, "a b+c+d%");
  EXPECT_EQ(Resolve("GET", "/b/" + UriEncode("emoji-\xf0\x9f\x98\x80", true)).key,
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

TEST(RouterTest, CorsPostObjectAndPreflight) {
  EXPECT_EQ(Resolve("PUT", "/b?cors").operation, Operation::kPutBucketCors);
  EXPECT_EQ(Resolve("GET", "/b?cors").operation, Operation::kGetBucketCors);
  EXPECT_EQ(Resolve("DELETE", "/b?cors").operation, Operation::kDeleteBucketCors);
  EXPECT_EQ(Resolve("POST", "/b").operation, Operation::kPostObject);
  EXPECT_EQ(Resolve("POST", "/b?acl").operation, Operation::kUnsupported);
  Route vhost = Resolve("POST", "/", "photos.example.com", false, {"example.com"});
  EXPECT_EQ(vhost.operation, Operation::kPostObject);
  EXPECT_EQ(vhost.bucket, "photos");
  EXPECT_EQ(Resolve("OPTIONS", "/").operation, Operation::kPreflight);
  EXPECT_EQ(Resolve("OPTIONS", "/b").operation, Operation::kPreflight);
  EXPECT_EQ(Resolve("OPTIONS", "/b/k?uploads").operation, Operation::kPreflight);
  EXPECT_EQ(ActionFor(Operation::kPostObject), "s3:PutObject");
  EXPECT_EQ(ActionFor(Operation::kDeleteBucketCors), "s3:PutBucketCORS");
}

TEST(RouterTest, Errors) {
  Query query;
  EXPECT_EQ(ResolveRoute("PUT", "h", "/", query, {}, false).status().code(),
            Code::kMethodNotAllowed);
  EXPECT_FALSE(ResolveRoute("GET", "h", "/b/%zz", query, {}, false).ok());
}

TEST(RouterTest, ActionsNameIamActions) {
  EXPECT_EQ(ActionFor(Operation::kGetObject), "s3:GetObject");
  EXPECT_EQ(ActionFor(Operation::kListObjectsV2), "s3:ListBucket");
  EXPECT_EQ(ActionFor(Operation::kListBuckets), "s3:ListAllMyBuckets");
}

}  // namespace
}  // namespace cairn::s3
