#include "s3/request_checks.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "s3/owner.h"

namespace cairn::s3 {
namespace {

Query QueryOf(std::string_view raw) { return Query(*ParseQuery(raw)); }

Code Refusal(Operation op, std::vector<std::pair<std::string, std::string>> fields,
             std::string_view raw_query = "", bool secure = false) {
  Headers headers;
  for (const auto& [name, value] : fields) headers.Add(name, value);
  return RefuseUnsupported(op, headers, QueryOf(raw_query), secure).code();
}

auth::Identity Anonymous() { return auth::Identity(); }
auth::Identity Signed() {
  auth::Identity id;
  id.anonymous = false;
  id.access_key = "ak";
  return id;
}

TEST(RequestChecksTest, HeaderValuesWithControlBytesAreInvalidArgument) {
  EXPECT_TRUE(CheckHeaderValue("Content-Type", "text/plain; charset=utf-8").ok());
  EXPECT_TRUE(CheckHeaderValue("x", "tab\tis fine").ok());
  for (std::string bad : {std::string("a\r\nSet-Cookie: evil=1"), std::string("a\0b", 3),
                          std::string("a\x01"), std::string("a\x7f")}) {
    Status s = CheckHeaderValue("Content-Type", bad);
    EXPECT_EQ(s.code(), Code::kInvalidArgumentS3);
    EXPECT_NE(s.message().find("Content-Type"), std::string::npos);
  }
  Headers head;
  head.Add("origin", "https://ok.example");
  EXPECT_TRUE(CheckRequestHead(head).ok());
  head.Add("x-amz-meta-a", "1\x01");
  EXPECT_EQ(CheckRequestHead(head).code(), Code::kInvalidArgumentS3);
}

TEST(RequestChecksTest, ResponseOverridesNeedASignedCallerAndCleanValues) {
  Query plain = QueryOf("response-content-type=text%2Fplain");
  EXPECT_EQ(CheckResponseOverrides(Operation::kGetObject, plain, Anonymous()).code(),
            Code::kInvalidRequest);
  EXPECT_EQ(CheckResponseOverrides(Operation::kHeadObject, plain, Anonymous()).code(),
            Code::kInvalidRequest);
  EXPECT_TRUE(CheckResponseOverrides(Operation::kGetObject, plain, Signed()).ok());
  EXPECT_TRUE(CheckResponseOverrides(Operation::kGetObject, QueryOf(""), Anonymous()).ok());
  for (std::string_view raw : {"response-content-type=text%2Fplain%0d%0aSet-Cookie:%20evil=1",
                               "response-content-disposition=a%00b", "response-cache-control=a%01",
                               "response-expires=a%7f", "response-content-language=%0a",
                               "response-content-encoding=gzip%0d"}) {
    EXPECT_EQ(CheckResponseOverrides(Operation::kGetObject, QueryOf(raw), Signed()).code(),
              Code::kInvalidArgumentS3)
        << raw;
  }
}

TEST(RequestChecksTest, VersionIds) {
  EXPECT_TRUE(CheckVersionId("null").ok());
  EXPECT_EQ(CheckVersionId("").code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(CheckVersionId("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY").code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(CheckVersionId("NULL").code(), Code::kInvalidArgumentS3);
  // Well-formed: whether it exists is the store's answer.
  EXPECT_TRUE(CheckVersionId("0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7b").ok());
  EXPECT_EQ(CheckVersionId("0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7").code(), Code::kInvalidArgumentS3);
  for (Operation op : {Operation::kGetObject, Operation::kHeadObject, Operation::kDeleteObject,
                       Operation::kGetObjectAttributes}) {
    EXPECT_EQ(Refusal(op, {}, "versionId=null"), Code::kOk);
    EXPECT_EQ(Refusal(op, {}, "versionId=abc"), Code::kInvalidArgumentS3);
    EXPECT_EQ(Refusal(op, {}, "versionId=0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7b"), Code::kOk);
  }
}

TEST(RequestChecksTest, SseCKeysAreRefusedWhereTheyMayNotTravel) {
  // SSE-S3/SSE-KMS headers are the handlers' (s3/sse.h) and the store's (no KMS: NotImplemented).
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-server-side-encryption", "AES256"}}),
            Code::kOk);
  // SSE-C on every operation, reads included, where the connection may not carry keys (plain
  // HTTP from a non-loopback peer): refused first, as MinIO answers.
  for (Operation op : {Operation::kPutObject, Operation::kGetObject, Operation::kHeadObject,
                       Operation::kUploadPart, Operation::kCreateMultipartUpload,
                       Operation::kCopyObject, Operation::kUploadPartCopy}) {
    EXPECT_EQ(Refusal(op, {{"x-amz-server-side-encryption-customer-algorithm", "AES256"}}),
              Code::kInvalidRequest);
    EXPECT_EQ(Refusal(op, {{"x-amz-copy-source-server-side-encryption-customer-key-md5", "bWQ1"}}),
              Code::kInvalidRequest);
    EXPECT_EQ(Refusal(op, {{"x-amz-server-side-encryption-customer-key", "a2V5"}}, "", true),
              Code::kOk);
  }
}

TEST(RequestChecksTest, LockTagsClassesAndRedirects) {
  // Lock headers pass these checks: the handler parses them (s3/object_lock.h) and the store
  // refuses them on a bucket without lock.
  for (const char* name : {"x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
                           "x-amz-object-lock-legal-hold"}) {
    EXPECT_EQ(Refusal(Operation::kPutObject, {{name, "x"}}), Code::kOk) << name;
    EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload, {{name, "x"}}), Code::kOk) << name;
  }
  EXPECT_EQ(Refusal(Operation::kCreateBucket, {{"x-amz-bucket-object-lock-enabled", "true"}}),
            Code::kOk);
  EXPECT_EQ(Refusal(Operation::kCreateBucket, {{"x-amz-bucket-object-lock-enabled", "False"}}),
            Code::kOk);
  EXPECT_EQ(Refusal(Operation::kCreateBucket, {{"x-amz-bucket-object-lock-enabled", "yes"}}),
            Code::kInvalidArgumentS3);

  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-storage-class", "STANDARD"}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-storage-class", "REDUCED_REDUNDANCY"}}),
            Code::kOk);
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-storage-class", "GLACIER"}}),
            Code::kInvalidStorageClass);
  EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload, {{"x-amz-storage-class", "STANDARD_IA"}}),
            Code::kInvalidStorageClass);
  // Every operation creating an object keeps tags; a form only through its `tagging` field.
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-tagging", "a=b"}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kCopyObject, {{"x-amz-tagging", "a=b"}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload, {{"x-amz-tagging", "a=b"}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kPostObject, {{"tagging", "<Tagging/>"}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kPostObject, {{"x-amz-tagging", "a=b"}}), Code::kNotImplemented);
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-website-redirect-location", "/x"}}),
            Code::kNotImplemented);
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-write-offset-bytes", "0"}}),
            Code::kNotImplemented);
  EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload, {{"x-amz-checksum-algorithm", "md5"}}),
            Code::kInvalidRequest);
  EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload, {{"x-amz-checksum-algorithm", "CRC32C"}}),
            Code::kOk);
  // Conditional deletes are evaluated by the store now, so they pass.
  EXPECT_EQ(Refusal(Operation::kDeleteObject, {{"if-match", "\"e\""}}), Code::kOk);
  EXPECT_EQ(Refusal(Operation::kDeleteObject, {{"x-amz-mfa", "123 456"}}), Code::kNotImplemented);
  EXPECT_EQ(Refusal(Operation::kGetObject, {{"x-amz-expected-bucket-owner", "123456789012"}}),
            Code::kAccessDenied);
  EXPECT_EQ(Refusal(Operation::kGetObject, {{"x-amz-expected-bucket-owner", kOwnerId}}), Code::kOk);
}

TEST(RequestChecksTest, WhatClientsSendByDefaultPasses) {
  // boto3 / AWS CLI / JS SDK v3 / rclone / minio-py / s3cmd defaults.
  EXPECT_EQ(Refusal(Operation::kPutObject, {{"x-amz-storage-class", "STANDARD"},
                                            {"x-amz-meta-mtime", "1700000000.5"},
                                            {"x-amz-acl", "private"},
                                            {"x-amz-sdk-checksum-algorithm", "CRC32"},
                                            {"x-amz-checksum-crc32", "AAAAAA=="},
                                            {"x-amz-request-payer", "requester"},
                                            {"content-encoding", "aws-chunked"}}),
            Code::kOk);
  EXPECT_EQ(Refusal(Operation::kCreateMultipartUpload,
                    {{"x-amz-checksum-algorithm", "CRC32"}, {"x-amz-checksum-type", "COMPOSITE"}}),
            Code::kOk);
}

}  // namespace
}  // namespace cairn::s3
