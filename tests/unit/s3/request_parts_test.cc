#include "s3/request_parts.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

Result<CopySource> From(std::string_view value) {
  Headers headers;
  headers.Add("x-amz-copy-source", value);
  return CopySourceFrom(headers);
}

TEST(RequestPartsTest, CopySourceVersionsAndBucketNames) {
  Result<CopySource> plain = From("/src-bucket/a/b%20c");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->bucket, "src-bucket");
  EXPECT_EQ(plain->key, "a/b c");
  EXPECT_EQ(plain->version_id, "");
  ASSERT_TRUE(From("src-bucket/k?versionId=null").ok());
  EXPECT_EQ(From("src-bucket/k?versionId=null")->version_id, "null");
  // A well-formed id is passed on (the store says whether it exists); anything else is malformed.
  Result<CopySource> versioned =
      From("src-bucket/k?versionId=0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7b");
  ASSERT_TRUE(versioned.ok());
  EXPECT_EQ(versioned->version_id, "0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7b");
  EXPECT_EQ(From("src-bucket/k?versionId=v1").status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(From("src-bucket/k?versionId=").status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(From("src-bucket/k?partNumber=1").status().code(), Code::kInvalidArgumentS3);
  // The source bucket obeys the naming rules as the destination does.
  EXPECT_EQ(From("/A_B/k").status().code(), Code::kInvalidBucketName);
  EXPECT_EQ(From("/a..b/k").status().code(), Code::kInvalidBucketName);
  EXPECT_EQ(From("/k").status().code(), Code::kInvalidArgumentS3);
}

TEST(RequestPartsTest, ChunkedBodyHasUnknownSize) {
  http::Request request;
  EXPECT_EQ(BodySizeOf(request).status().code(), Code::kMissingContentLength);
  request.chunked = true;
  EXPECT_EQ(*BodySizeOf(request), storage::kUnknownSize);
  request.headers.Add("x-amz-decoded-content-length", "12");  // aws-chunked inside chunked
  EXPECT_EQ(*BodySizeOf(request), 12u);
}

TEST(RequestPartsTest, LimitedSourceStopsPastItsLimit) {
  std::string data(100, 'x');
  char buf[64];
  MemorySource exact(data.data(), data.size());
  LimitedSource fits(exact, 100);
  size_t total = 0;
  for (;;) {
    Result<size_t> n = fits.Read(buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    total += *n;
  }
  EXPECT_EQ(total, 100u);
  MemorySource more(data.data(), data.size());
  LimitedSource cut(more, 99);
  Status status;
  for (;;) {
    Result<size_t> n = cut.Read(buf, sizeof buf);
    if (!n.ok()) {
      status = n.status();
      break;
    }
    ASSERT_NE(*n, 0u) << "the body ended without the limit being noticed";
  }
  EXPECT_EQ(status.code(), Code::kEntityTooLarge);
}

}  // namespace
}  // namespace cairn::s3
