#include "s3/object_headers.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

TEST(ObjectHeadersTest, KeepsRepresentationHeadersAndMetadata) {
  Headers request;
  request.Add("Content-Type", "text/plain");
  request.Add("Content-Encoding", "gzip,aws-chunked");
  request.Add("Cache-Control", "max-age=60");
  request.Add("X-Amz-Meta-Color", "Deep Blue");
  request.Add("Authorization", "secret");
  storage::ObjectAttributes attrs = *AttributesFromRequest(request);
  EXPECT_EQ(attrs.content_type, "text/plain");
  ASSERT_EQ(attrs.headers.size(), 3u);
  EXPECT_EQ(attrs.headers[0], (std::pair<std::string, std::string>("content-encoding", "gzip")));
  EXPECT_EQ(attrs.headers[2],
            (std::pair<std::string, std::string>("x-amz-meta-color", "Deep Blue")));
}

TEST(ObjectHeadersTest, AwsChunkedAloneIsNotStored) {
  Headers request;
  request.Add("Content-Encoding", "aws-chunked");
  EXPECT_TRUE(AttributesFromRequest(request)->headers.empty());
}

TEST(ObjectHeadersTest, UserMetadataLimitedTo2KB) {
  Headers ok;
  ok.Add("x-amz-meta-k", std::string(2047, 'v'));  // 1 + 2047 bytes
  EXPECT_TRUE(AttributesFromRequest(ok).ok());
  Headers big;
  big.Add("x-amz-meta-k", std::string(2048, 'v'));
  EXPECT_EQ(AttributesFromRequest(big).status().code(), Code::kMetadataTooLarge);
}

TEST(ObjectHeadersTest, ResponseOverridesWin) {
  storage::ObjectInfo info;
  info.etag = "e";
  info.attributes.content_type = "text/plain";
  info.attributes.headers = {{"cache-control", "no-cache"}, {"x-amz-meta-a", "1"}};
  Query query({{"response-content-type", "image/png"}, {"response-cache-control", "max-age=1"}});
  Headers out;
  AddObjectHeaders(info, query, out);
  EXPECT_EQ(*out.Get("content-type"), "image/png");
  EXPECT_EQ(*out.Get("cache-control"), "max-age=1");
  EXPECT_EQ(*out.Get("etag"), "\"e\"");
  EXPECT_EQ(*out.Get("x-amz-meta-a"), "1");
}

TEST(ObjectHeadersTest, ChecksumsFromHeadersAndTrailer) {
  Headers request;
  request.Add("x-amz-checksum-crc32", "AAAAAA==");
  request.Add("x-amz-trailer", "x-amz-checksum-sha256");
  auto checksums = ChecksumsFromRequest(request);
  ASSERT_TRUE(checksums.ok());
  ASSERT_EQ(checksums->size(), 2u);
  EXPECT_EQ((*checksums)[0].second, "AAAAAA==");
  EXPECT_EQ((*checksums)[1].first, "sha256");
  Headers bad;
  bad.Add("x-amz-checksum-md7", "x");
  EXPECT_FALSE(ChecksumsFromRequest(bad).ok());
}

}  // namespace
}  // namespace cairn::s3
