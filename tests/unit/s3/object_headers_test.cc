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

TEST(ObjectHeadersTest, ContentEncodingKeptAsSentWithoutAwsChunked) {
  for (const auto& [sent, kept] : std::vector<std::pair<std::string, std::string>>{
           {"deflate, gzip", "deflate, gzip"},
           {"aws-chunked, deflate, gzip", "deflate, gzip"},
           {"deflate,  aws-chunked ,gzip", "deflate ,gzip"},
           {"gzip, aws-chunked", "gzip"},
           {"deflate,gzip", "deflate,gzip"}}) {
    Headers request;
    request.Add("Content-Encoding", sent);
    storage::ObjectAttributes attrs = *AttributesFromRequest(request);
    ASSERT_EQ(attrs.headers.size(), 1u) << sent;
    EXPECT_EQ(attrs.headers[0].second, kept) << sent;
  }
}

TEST(ObjectHeadersTest, NonAsciiMetadataAnsweredAsEncodedWord) {
  storage::ObjectInfo info;
  info.attributes.headers = {{"x-amz-meta-city", "Z\xc3\xbcrich"}, {"x-amz-meta-plain", "a b"}};
  Headers out;
  AddObjectHeaders(info, Query(), out);
  EXPECT_EQ(out.Get("x-amz-meta-city"), "=?UTF-8?B?WsO8cmljaA==?=");
  EXPECT_EQ(out.Get("x-amz-meta-plain"), "a b");
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

TEST(ObjectHeadersTest, StoredValuesCannotCarryControlBytes) {
  // Each stored header, as a PUT header or a POST form field, with CR/LF, NUL, 0x01 and DEL.
  for (const char* name : {"content-type", "cache-control", "content-disposition",
                           "content-encoding", "content-language", "expires", "x-amz-meta-a"}) {
    for (std::string bad : {std::string("v\r\nSet-Cookie: evil=1"), std::string("v\0", 2),
                            std::string("v\x01"), std::string("v\x7f")}) {
      Headers request;
      request.Add(name, bad);
      EXPECT_EQ(AttributesFromRequest(request).status().code(), Code::kInvalidArgumentS3) << name;
    }
  }
  // A form field's name can be anything; as a metadata name it must be an HTTP field name.
  for (std::string name : {"x-amz-meta-", "x-amz-meta-a b", "x-amz-meta-a:b",
                           "x-amz-meta-a\r\nset-cookie", "x-amz-meta-\xc3\xa9"}) {
    Headers request;
    request.Add(name, "v");
    EXPECT_EQ(AttributesFromRequest(request).status().code(), Code::kInvalidArgumentS3) << name;
  }
  Headers fine;
  fine.Add("x-amz-meta-mtime", "1700000000.123\tcaf\xc3\xa9");
  EXPECT_TRUE(AttributesFromRequest(fine).ok());
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
