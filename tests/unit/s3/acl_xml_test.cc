// The ACL bodies and headers (s3/acl_xml.h): AccessControlPolicy rendered and parsed back,
// validation answers, the x-amz-acl / x-amz-grant-* headers, ownership controls and the public
// access block.
#include "s3/acl_xml.h"

#include <gtest/gtest.h>

#include "iam/acl.h"

namespace cairn::s3 {
namespace {

using storage::Acl;
using storage::AclGrant;
using storage::AclPermission;
using storage::GranteeType;

constexpr char kMe[] = "owner-canonical-id";

std::string Policy(const std::string& grants, const std::string& owner = kMe) {
  return "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" +
         owner + "</ID></Owner><AccessControlList>" + grants +
         "</AccessControlList></AccessControlPolicy>";
}

std::string Grant(const std::string& type, const std::string& inner, const std::string& perm) {
  return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" +
         type + "\">" + inner + "</Grantee><Permission>" + perm + "</Permission></Grant>";
}

TEST(AclXmlTest, RenderParsesBack) {
  Acl acl = Acl::Private(kMe);
  acl.AddGrant(
      AclGrant{GranteeType::kGroup, std::string(iam::kAllUsersGroup), AclPermission::kRead});
  acl.AddGrant(AclGrant{GranteeType::kCanonicalUser, "other", AclPermission::kWriteAcp});
  std::string xml = RenderAccessControlPolicy(acl);
  EXPECT_NE(xml.find("<Owner><ID>owner-canonical-id</ID><DisplayName>minio</DisplayName>"),
            std::string::npos);
  EXPECT_NE(xml.find("xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers"
                     "</URI></Grantee><Permission>READ</Permission>"),
            std::string::npos);
  Result<Acl> back = ParseAccessControlPolicy(xml, kMe);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, acl);
}

TEST(AclXmlTest, ParseValidates) {
  auto code = [](const std::string& xml) {
    return ParseAccessControlPolicy(xml, kMe).status().code();
  };
  EXPECT_EQ(code("<AccessControlPolicy>"), Code::kMalformedACLError);
  EXPECT_EQ(code("<Other/>"), Code::kMalformedACLError);
  EXPECT_EQ(code("<AccessControlPolicy><Owner><ID>" + std::string(kMe) +
                 "</ID></Owner></AccessControlPolicy>"),
            Code::kMalformedACLError);  // no AccessControlList
  EXPECT_EQ(code(Policy(Grant("Group", "<URI>" + std::string(iam::kAllUsersGroup) + "</URI>",
                              "EVERYTHING"))),
            Code::kMalformedACLError);
  EXPECT_EQ(code(Policy("<Grant><Permission>READ</Permission></Grant>")), Code::kMalformedACLError);
  EXPECT_EQ(code(Policy(Grant("CanonicalUser", "<ID></ID>", "READ"))), Code::kMalformedACLError);
  EXPECT_EQ(code(Policy(Grant("Alien", "<ID>x</ID>", "READ"))), Code::kMalformedACLError);
  EXPECT_EQ(code(Policy(Grant("Group", "<URI>http://example.com/g</URI>", "READ"))),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(
      code(Policy(Grant("AmazonCustomerByEmail", "<EmailAddress>a@b.c</EmailAddress>", "READ"))),
      Code::kUnresolvableGrantByEmailAddress);
  // The body cannot hand the resource to another owner.
  EXPECT_EQ(code(Policy("", "someone-else")), Code::kAccessDenied);
  std::string many;
  for (int i = 0; i < 101; ++i) many += Grant("CanonicalUser", "<ID>x</ID>", "READ");
  EXPECT_EQ(code(Policy(many)), Code::kMalformedACLError);
  // No Owner: the resource's; an empty list: nobody, not even the owner (as S3 stores it).
  Result<Acl> empty = ParseAccessControlPolicy(
      "<AccessControlPolicy><AccessControlList/></AccessControlPolicy>", kMe);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->owner(), kMe);
  EXPECT_TRUE(empty->grants().empty());
}

TEST(AclXmlTest, Headers) {
  Headers none;
  EXPECT_FALSE(AclFromHeaders(none, kMe, kMe)->has_value());
  Headers canned;
  canned.Add("x-amz-acl", "public-read");
  Result<std::optional<Acl>> acl = AclFromHeaders(canned, kMe, kMe);
  ASSERT_TRUE(acl.ok() && acl->has_value());
  EXPECT_TRUE(iam::IsPublicAcl(**acl));
  Headers grants;
  grants.Add("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"");
  grants.Add("x-amz-grant-full-control", "id=\"" + std::string(kMe) + "\"");
  acl = AclFromHeaders(grants, kMe, kMe);
  ASSERT_TRUE(acl.ok() && acl->has_value());
  EXPECT_EQ((*acl)->grants().size(), 2u);
  Headers both = grants;
  both.Add("x-amz-acl", "private");
  EXPECT_EQ(AclFromHeaders(both, kMe, kMe).status().code(), Code::kInvalidRequest);
  Headers bad;
  bad.Add("x-amz-acl", "world");
  EXPECT_EQ(AclFromHeaders(bad, kMe, kMe).status().code(), Code::kInvalidArgumentS3);
}

TEST(AclXmlTest, EnforcedOwnershipAllowsOnlyTheOwnersFullControl) {
  EXPECT_TRUE(AclAllowedWhenEnforced(Acl::Private(kMe)));
  EXPECT_TRUE(AclAllowedWhenEnforced(*iam::CannedAcl("bucket-owner-full-control", kMe, kMe)));
  EXPECT_FALSE(AclAllowedWhenEnforced(*iam::CannedAcl("public-read", kMe, kMe)));
  EXPECT_FALSE(AclAllowedWhenEnforced(*iam::CannedAcl("bucket-owner-read", "writer", kMe)));
}

TEST(AclXmlTest, OwnershipControls) {
  std::string xml = RenderOwnershipControls(storage::ObjectOwnership::kBucketOwnerEnforced);
  EXPECT_NE(xml.find("<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>"),
            std::string::npos);
  EXPECT_EQ(*ParseOwnershipControls(xml), storage::ObjectOwnership::kBucketOwnerEnforced);
  EXPECT_EQ(*ParseOwnershipControls("<OwnershipControls><Rule><ObjectOwnership>ObjectWriter"
                                    "</ObjectOwnership></Rule></OwnershipControls>"),
            storage::ObjectOwnership::kObjectWriter);
  for (const char* bad :
       {"", "<OwnershipControls/>", "<OwnershipControls><Rule/></OwnershipControls>",
        "<OwnershipControls><Rule><ObjectOwnership>Mine</ObjectOwnership></Rule>"
        "</OwnershipControls>",
        "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule>"
        "<ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>"}) {
    EXPECT_EQ(ParseOwnershipControls(bad).status().code(), Code::kMalformedXML) << bad;
  }
}

TEST(AclXmlTest, PublicAccessBlock) {
  storage::PublicAccessBlock block{true, false, true, false};
  Result<storage::PublicAccessBlock> back = ParsePublicAccessBlock(RenderPublicAccessBlock(block));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, block);
  back = ParsePublicAccessBlock(
      "<PublicAccessBlockConfiguration><RestrictPublicBuckets>true</RestrictPublicBuckets>"
      "</PublicAccessBlockConfiguration>");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (storage::PublicAccessBlock{false, false, false, true}));
  EXPECT_EQ(ParsePublicAccessBlock("<X/>").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParsePublicAccessBlock("<PublicAccessBlockConfiguration><BlockPublicAcls>yes"
                                   "</BlockPublicAcls></PublicAccessBlockConfiguration>")
                .status()
                .code(),
            Code::kMalformedXML);
}

}  // namespace
}  // namespace cairn::s3
