#include "s3/request_xml.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

TEST(RequestXmlTest, CompleteMultipartUpload) {
  auto parts = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><PartNumber>1</PartNumber><ETag>\"a54357aff0632cce46d942af68356b38\"</ETag>"
      "<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
      "<Part><ETag>0c78aef83f66abc1fa1e8477f296d394</ETag><PartNumber>2</PartNumber></Part>"
      "</CompleteMultipartUpload>");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].number, 1);
  EXPECT_EQ((*parts)[0].etag, "a54357aff0632cce46d942af68356b38");
  ASSERT_EQ((*parts)[0].checksums.size(), 1u);
  EXPECT_EQ((*parts)[0].checksums[0].first, "crc32");
  EXPECT_EQ((*parts)[1].number, 2);
  EXPECT_TRUE((*parts)[1].checksums.empty());
}

TEST(RequestXmlTest, CompleteMultipartUploadErrors) {
  EXPECT_EQ(ParseCompleteMultipartUpload("").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParseCompleteMultipartUpload("<Other/>").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParseCompleteMultipartUpload("<CompleteMultipartUpload/>").status().code(),
            Code::kMalformedXML);
  EXPECT_EQ(ParseCompleteMultipartUpload("<CompleteMultipartUpload><Part><PartNumber>0"
                                         "</PartNumber></Part></CompleteMultipartUpload>")
                .status()
                .code(),
            Code::kInvalidArgumentS3);
}

TEST(RequestXmlTest, DeleteObjects) {
  auto request = ParseDeleteObjects(
      "<Delete><Quiet>true</Quiet><Object><Key>a b</Key></Object>"
      "<Object><Key>c/&amp;d</Key><VersionId>null</VersionId><ETag>x</ETag></Object></Delete>");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(request->quiet);
  ASSERT_EQ(request->objects.size(), 2u);
  EXPECT_EQ(request->objects[0].key, "a b");
  EXPECT_FALSE(request->objects[0].version_id);
  EXPECT_FALSE(request->objects[0].etag);
  EXPECT_FALSE(request->objects[0].size);
  EXPECT_EQ(request->objects[1].key, "c/&d");
  EXPECT_EQ(request->objects[1].version_id, "null");
  EXPECT_EQ(request->objects[1].etag, "x");
  EXPECT_FALSE(request->objects[1].last_modified);
  EXPECT_EQ(ParseDeleteObjects("<Delete></Delete>").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParseDeleteObjects("<Delete><Object/></Delete>").status().code(), Code::kMalformedXML);
  std::string many = "<Delete>";
  for (size_t i = 0; i <= kMaxDeleteObjects; ++i) many += "<Object><Key>k</Key></Object>";
  many += "</Delete>";
  EXPECT_EQ(ParseDeleteObjects(many).status().code(), Code::kMalformedXML);
}

TEST(RequestXmlTest, CreateBucketConfiguration) {
  EXPECT_EQ(ParseCreateBucketConfiguration("").value(), "");
  EXPECT_EQ(ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>")
                .value(),
            "eu-west-1");
  EXPECT_EQ(ParseCreateBucketConfiguration("<CreateBucketConfiguration/>").value(), "");
  EXPECT_EQ(ParseCreateBucketConfiguration("<x>").status().code(), Code::kMalformedXML);
}

}  // namespace
}  // namespace cairn::s3
