#include "cli/anonymous.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iam/policy/policy.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;
namespace policy = iam::policy;

// The document mc writes for `mc anonymous set download local/bucket`.
const char* kMcBucketDownload =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},)"
    R"("Action":["s3:GetBucketLocation","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket"]},)"
    R"({"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],)"
    R"("Resource":["arn:aws:s3:::bucket/*"]}]})";

TEST(AnonymousTest, SeedPrefixDownload) {
  auto doc = SetAnonymousPolicy("", "ensure-study-documents", "classrooms/*/thumbnails/",
                                Access::kDownload);
  ASSERT_TRUE(doc.ok());
  Json expected = Json::parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetBucketLocation"],
     "Resource":["arn:aws:s3:::ensure-study-documents"]},
    {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:ListBucket"],
     "Resource":["arn:aws:s3:::ensure-study-documents"],
     "Condition":{"StringEquals":{"s3:prefix":["classrooms/*/thumbnails/"]}}},
    {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],
     "Resource":["arn:aws:s3:::ensure-study-documents/classrooms/*/thumbnails/*"]}]})");
  EXPECT_EQ(Json::parse(*doc), expected);

  // The server's policy language reads it and grants exactly the thumbnails.
  auto parsed = policy::ParsePolicy(*doc, {policy::PolicyKind::kBucket});
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(
      policy::WildcardMatch("arn:aws:s3:::ensure-study-documents/classrooms/*/thumbnails/*",
                            "arn:aws:s3:::ensure-study-documents/classrooms/c1/thumbnails/x.png"));
  EXPECT_FALSE(
      policy::WildcardMatch("arn:aws:s3:::ensure-study-documents/classrooms/*/thumbnails/*",
                            "arn:aws:s3:::ensure-study-documents/classrooms/c1/materials/x.pdf"));
}

TEST(AnonymousTest, WholeBucketMatchesMc) {
  auto doc = SetAnonymousPolicy("", "bucket", "", Access::kDownload);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(Json::parse(*doc), Json::parse(kMcBucketDownload));
}

TEST(AnonymousTest, UploadAndPublicShapes) {
  auto up = SetAnonymousPolicy("", "b", "in/", Access::kUpload);
  ASSERT_TRUE(up.ok());
  Json j = Json::parse(*up);
  ASSERT_EQ(j["Statement"].size(), 2u);
  EXPECT_EQ(j["Statement"][0]["Action"],
            Json::parse(R"(["s3:GetBucketLocation","s3:ListBucketMultipartUploads"])"));
  EXPECT_EQ(j["Statement"][1]["Action"],
            Json::parse(R"(["s3:AbortMultipartUpload","s3:DeleteObject",)"
                        R"("s3:ListMultipartUploadParts","s3:PutObject"])"));
  EXPECT_EQ(j["Statement"][1]["Resource"], Json::parse(R"(["arn:aws:s3:::b/in/*"])"));

  auto pub = SetAnonymousPolicy("", "b", "", Access::kPublic);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(GetAnonymousAccess(*pub, "b", "").value(), Access::kPublic);
}

TEST(AnonymousTest, RecognisesMcDocuments) {
  EXPECT_EQ(GetAnonymousAccess(kMcBucketDownload, "bucket", "").value(), Access::kDownload);
  // A prefix inside a bucket-wide rule inherits it.
  EXPECT_EQ(GetAnonymousAccess(kMcBucketDownload, "bucket", "photos/").value(), Access::kDownload);
  // Single-string forms (Principal "*", Action and Resource as strings) read the same.
  const char* compact =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
      R"("Resource":"arn:aws:s3:::bucket/pub/*"}]})";
  EXPECT_EQ(GetAnonymousAccess(compact, "bucket", "pub/").value(), Access::kDownload);
  EXPECT_EQ(GetAnonymousAccess(compact, "bucket", "").value(), Access::kNone);
  EXPECT_EQ(GetAnonymousAccess("", "bucket", "").value(), Access::kNone);
}

TEST(AnonymousTest, NoneRemovesOnlyThatPrefixAndKeepsOthers) {
  auto doc = SetAnonymousPolicy("", "b", "a/", Access::kDownload);
  doc = SetAnonymousPolicy(*doc, "b", "c/", Access::kUpload);
  ASSERT_TRUE(doc.ok());
  auto rules = ListAnonymousRules(*doc, "b");
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].first, "b/a/*");
  EXPECT_EQ((*rules)[1].second, Access::kUpload);

  doc = SetAnonymousPolicy(*doc, "b", "a/", Access::kNone);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(GetAnonymousAccess(*doc, "b", "a/").value(), Access::kNone);
  EXPECT_EQ(GetAnonymousAccess(*doc, "b", "c/").value(), Access::kUpload);
  EXPECT_EQ(Json::parse(*doc).dump().find("s3:ListBucket\""), std::string::npos);

  doc = SetAnonymousPolicy(*doc, "b", "c/", Access::kNone);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc, "");  // nothing left: the caller deletes the policy
}

TEST(AnonymousTest, KeepsForeignStatements) {
  const char* custom = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
                       R"("Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]})";
  auto doc = SetAnonymousPolicy(custom, "b", "", Access::kDownload);
  ASSERT_TRUE(doc.ok());
  Json j = Json::parse(*doc);
  ASSERT_EQ(j["Statement"].size(), 3u);
  EXPECT_EQ(j["Statement"][0]["Effect"], "Deny");
  doc = SetAnonymousPolicy(*doc, "b", "", Access::kNone);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(Json::parse(*doc)["Statement"].size(), 1u);
}

TEST(AnonymousTest, AccessNames) {
  EXPECT_EQ(ParseAccess("download"), Access::kDownload);
  EXPECT_EQ(ParseAccess("public"), Access::kPublic);
  EXPECT_EQ(ParseAccess("none"), Access::kNone);
  EXPECT_FALSE(ParseAccess("everything").has_value());
  EXPECT_EQ(AccessListName(Access::kDownload), "readonly");
  EXPECT_EQ(AccessName(Access::kUpload), "upload");
  EXPECT_FALSE(SetAnonymousPolicy("{oops", "b", "", Access::kDownload).ok());
}

}  // namespace
}  // namespace cairn::cli
