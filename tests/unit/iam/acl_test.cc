// ACLs in authorization (iam/acl.h and PolicyAuthorizer): the canned ACLs and grant headers, which
// permission admits which action, and the decisions over a real store: an explicit Deny beats a
// grant, AllUsers admits anonymous callers, AuthenticatedUsers any key, and IgnorePublicAcls,
// BucketOwnerEnforced and RestrictPublicBuckets take away what they name.
#include "iam/acl.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/byte_source.h"
#include "iam/bucket_policies.h"
#include "iam/iam_store.h"
#include "iam/policy_authorizer.h"
#include "storage/local_store.h"

namespace cairn::iam {
namespace {

using storage::Acl;
using storage::AclGrant;
using storage::AclPermission;
using storage::GranteeType;

constexpr char kOwner[] = "owner-id";

TEST(AclTest, CannedAcls) {
  Acl priv = *CannedAcl("private", kOwner, kOwner);
  EXPECT_EQ(priv, Acl::Private(kOwner));
  Acl pr = *CannedAcl("public-read", kOwner, kOwner);
  ASSERT_EQ(pr.grants().size(), 2u);
  EXPECT_EQ(pr.grants()[1],
            (AclGrant{GranteeType::kGroup, std::string(kAllUsersGroup), AclPermission::kRead}));
  EXPECT_TRUE(IsPublicAcl(pr));
  Acl prw = *CannedAcl("public-read-write", kOwner, kOwner);
  EXPECT_EQ(prw.grants().size(), 3u);
  EXPECT_TRUE(IsPublicAcl(*CannedAcl("authenticated-read", kOwner, kOwner)));
  EXPECT_FALSE(IsPublicAcl(*CannedAcl("log-delivery-write", kOwner, kOwner)));
  // bucket-owner-*: a grant to the bucket owner when another account owns the object.
  EXPECT_EQ(*CannedAcl("bucket-owner-full-control", kOwner, kOwner), Acl::Private(kOwner));
  Acl bor = *CannedAcl("bucket-owner-read", "writer", kOwner);
  ASSERT_EQ(bor.grants().size(), 2u);
  EXPECT_EQ(bor.grants()[1], (AclGrant{GranteeType::kCanonicalUser, kOwner, AclPermission::kRead}));
  EXPECT_EQ(CannedAcl("public", kOwner, kOwner).status().code(), Code::kInvalidArgumentS3);
}

TEST(AclTest, GrantHeaders) {
  std::vector<AclGrant> grants;
  ASSERT_TRUE(
      ParseGrantHeader(R"(id="abc", uri="http://acs.amazonaws.com/groups/global/AllUsers",ID=def)",
                       AclPermission::kRead, &grants)
          .ok());
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_EQ(grants[0], (AclGrant{GranteeType::kCanonicalUser, "abc", AclPermission::kRead}));
  EXPECT_EQ(grants[1].type, GranteeType::kGroup);
  EXPECT_EQ(grants[2].grantee, "def");
  for (const char* bad : {"", "abc", "id=", "id=\"a\"b\"", "uri=\"http://example.com/g\"",
                          "name=\"x\"", "id=\"a\",,"}) {
    EXPECT_EQ(ParseGrantHeader(bad, AclPermission::kWrite, &grants).code(),
              Code::kInvalidArgumentS3)
        << bad;
  }
  EXPECT_EQ(
      ParseGrantHeader("emailAddress=\"a@example.com\"", AclPermission::kRead, &grants).code(),
      Code::kUnresolvableGrantByEmailAddress);
}

TEST(AclTest, PermissionForEachAction) {
  auto need = [](std::string_view action) { return AclNeedFor(action); };
  EXPECT_EQ(need("s3:GetObject")->resource, AclResource::kObject);
  EXPECT_EQ(need("s3:GetObject")->permission, AclPermission::kRead);
  EXPECT_EQ(need("s3:GetObjectVersion")->permission, AclPermission::kRead);
  EXPECT_EQ(need("s3:PutObject")->resource, AclResource::kBucket);
  EXPECT_EQ(need("s3:PutObject")->permission, AclPermission::kWrite);
  EXPECT_EQ(need("s3:DeleteObject")->permission, AclPermission::kWrite);
  EXPECT_EQ(need("s3:ListBucket")->permission, AclPermission::kRead);
  EXPECT_EQ(need("s3:ListBucketMultipartUploads")->permission, AclPermission::kRead);
  EXPECT_EQ(need("s3:GetBucketAcl")->permission, AclPermission::kReadAcp);
  EXPECT_EQ(need("s3:PutObjectVersionAcl")->permission, AclPermission::kWriteAcp);
  // What no ACL grant admits.
  for (const char* action : {"s3:PutBucketPolicy", "s3:DeleteBucket", "s3:DeleteObjectVersion",
                             "s3:PutObjectRetention", "s3:ListAllMyBuckets", "s3:CreateBucket",
                             "s3:PutBucketPublicAccessBlock", "admin:CreateUser"}) {
    EXPECT_FALSE(need(action).has_value()) << action;
  }
}

TEST(AclTest, GrantsReachCallers) {
  AclCaller anonymous;
  AclCaller user{false, ""};
  AclCaller account{false, kOwner};
  Acl acl = Acl::Private(kOwner);
  // The owner's grant is the account's: it does not admit its IAM users on its own.
  EXPECT_FALSE(AclGrants(acl, AclPermission::kRead, anonymous, false));
  EXPECT_FALSE(AclGrants(acl, AclPermission::kRead, user, false));
  EXPECT_TRUE(AclGrants(acl, AclPermission::kRead, account, false));
  acl = *CannedAcl("authenticated-read", kOwner, kOwner);
  EXPECT_FALSE(AclGrants(acl, AclPermission::kRead, anonymous, false));
  EXPECT_TRUE(AclGrants(acl, AclPermission::kRead, user, false));
  EXPECT_FALSE(AclGrants(acl, AclPermission::kWrite, user, false));
  EXPECT_FALSE(AclGrants(acl, AclPermission::kRead, user, /*ignore_public=*/true));
  acl.AddGrant(
      AclGrant{GranteeType::kGroup, std::string(kAllUsersGroup), AclPermission::kFullControl});
  EXPECT_TRUE(AclGrants(acl, AclPermission::kWriteAcp, anonymous, false));
  EXPECT_FALSE(AclGrants(acl, AclPermission::kWriteAcp, anonymous, true));
  // LogDelivery is a service this server does not run: it admits nobody.
  acl = *CannedAcl("log-delivery-write", kOwner, kOwner);
  EXPECT_FALSE(AclGrants(acl, AclPermission::kWrite, user, false));
}

class PolicyAuthorizerAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn-acl-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = std::move(storage::OpenLocalStore(dir_, {})).value();
    iam_ = std::move(IamStore::Open(*store_, {"rootuser", "rootsecret1"})).value();
    policies_ = std::move(BucketPolicies::Open(*store_)).value();
    authorizer_ = std::make_unique<PolicyAuthorizer>(*iam_, *policies_, store_.get());
    ASSERT_TRUE(store_->CreateBucket("b", "").ok());
    ASSERT_TRUE(iam_->AddUser("nobody", "nobody-secret").ok());  // no policy at all
  }
  void TearDown() override {
    authorizer_.reset();
    policies_.reset();
    iam_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Put(const std::string& key, const std::string& canned) {
    storage::PutOptions options;
    options.acl = *CannedAcl(canned, storage::kRootCanonicalId, storage::kRootCanonicalId);
    MemorySource body("data", 4);
    ASSERT_TRUE(store_->PutObject("b", key, body, 4, options).ok());
  }
  void SetAccess(const std::function<void(storage::BucketAccess&)>& change) {
    ASSERT_TRUE(store_
                    ->UpdateBucketAccess("b",
                                         [&](storage::BucketAccess& a) {
                                           change(a);
                                           return Status::Ok();
                                         })
                    .ok());
  }
  bool Allowed(const std::string& user, std::string_view action, const std::string& key) {
    auth::Identity identity;
    identity.anonymous = user.empty();
    identity.access_key = user;
    AccessRequest request;
    request.identity = &identity;
    request.action = action;
    request.bucket = "b";
    request.key = key;
    return authorizer_->IsAllowed(request);
  }

  std::string dir_;
  std::unique_ptr<storage::LocalStore> store_;
  std::unique_ptr<IamStore> iam_;
  std::unique_ptr<BucketPolicies> policies_;
  std::unique_ptr<PolicyAuthorizer> authorizer_;
};

TEST_F(PolicyAuthorizerAclTest, PublicReadAdmitsAnonymousReadsOnly) {
  Put("pub", "public-read");
  Put("priv", "private");
  EXPECT_TRUE(Allowed("", "s3:GetObject", "pub"));
  EXPECT_TRUE(Allowed("nobody", "s3:GetObject", "pub"));
  EXPECT_FALSE(Allowed("", "s3:GetObject", "priv"));
  EXPECT_FALSE(Allowed("nobody", "s3:GetObject", "priv"));
  EXPECT_FALSE(Allowed("", "s3:GetObject", "missing"));
  EXPECT_FALSE(Allowed("", "s3:PutObjectAcl", "pub"));
  EXPECT_FALSE(Allowed("", "s3:GetObjectAcl", "pub"));
  EXPECT_FALSE(Allowed("", "s3:DeleteObject", "pub"));
  EXPECT_FALSE(Allowed("", "s3:ListBucket", ""));
  EXPECT_FALSE(Allowed("", "s3:PutObject", "new"));
}

TEST_F(PolicyAuthorizerAclTest, BucketGrantsAdmitBucketActions) {
  SetAccess([](storage::BucketAccess& a) {
    a.acl = *CannedAcl("public-read-write", storage::kRootCanonicalId, storage::kRootCanonicalId);
  });
  EXPECT_TRUE(Allowed("", "s3:ListBucket", ""));
  EXPECT_TRUE(Allowed("", "s3:PutObject", "new"));
  EXPECT_TRUE(Allowed("", "s3:DeleteObject", "new"));
  // The bucket's grants say nothing about reading its objects, or about its ACL and policy.
  Put("priv", "private");
  EXPECT_FALSE(Allowed("", "s3:GetObject", "priv"));
  EXPECT_FALSE(Allowed("", "s3:PutBucketAcl", ""));
  EXPECT_FALSE(Allowed("", "s3:PutBucketPolicy", ""));
  EXPECT_FALSE(Allowed("", "s3:DeleteBucket", ""));
}

TEST_F(PolicyAuthorizerAclTest, ExplicitDenyBeatsAGrant) {
  Put("pub", "public-read");
  ASSERT_TRUE(policies_
                  ->Put("b", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
                     "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/pub"}]})")
                  .ok());
  EXPECT_FALSE(Allowed("", "s3:GetObject", "pub"));
  EXPECT_FALSE(Allowed("nobody", "s3:GetObject", "pub"));
  EXPECT_TRUE(Allowed("rootuser", "s3:GetObject", "pub"));
}

TEST_F(PolicyAuthorizerAclTest, IgnorePublicAclsAndEnforcedOwnershipSilenceGrants) {
  Put("pub", "public-read");
  Put("auth", "authenticated-read");
  SetAccess([](storage::BucketAccess& a) {
    a.public_access_block = storage::PublicAccessBlock{false, true, false, false};
  });
  EXPECT_FALSE(Allowed("", "s3:GetObject", "pub"));
  EXPECT_FALSE(Allowed("nobody", "s3:GetObject", "auth"));
  SetAccess([](storage::BucketAccess& a) {
    a.public_access_block.reset();
    a.ownership = storage::ObjectOwnership::kBucketOwnerEnforced;
  });
  EXPECT_FALSE(Allowed("", "s3:GetObject", "pub"));
  SetAccess([](storage::BucketAccess& a) {
    a.ownership = storage::ObjectOwnership::kBucketOwnerPreferred;
  });
  EXPECT_TRUE(Allowed("", "s3:GetObject", "pub"));
  EXPECT_TRUE(Allowed("nobody", "s3:GetObject", "auth"));
}

TEST_F(PolicyAuthorizerAclTest, RestrictPublicBucketsKeepsAPublicPolicyFromStrangers) {
  Put("k", "private");
  ASSERT_TRUE(policies_
                  ->Put("b", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                     "Principal":{"AWS":["*"]},"Action":"s3:GetObject",
                     "Resource":"arn:aws:s3:::b/*"}]})")
                  .ok());
  EXPECT_TRUE(Allowed("", "s3:GetObject", "k"));
  SetAccess([](storage::BucketAccess& a) {
    a.public_access_block = storage::PublicAccessBlock{false, false, false, true};
  });
  EXPECT_FALSE(Allowed("", "s3:GetObject", "k"));
  EXPECT_TRUE(Allowed("nobody", "s3:GetObject", "k"));  // a user of the owner's account
}

TEST_F(PolicyAuthorizerAclTest, VersionedReadsNeedTheGrantOnThatVersion) {
  ASSERT_TRUE(store_->SetBucketVersioning("b", storage::Versioning::kEnabled).ok());
  Put("k", "public-read");
  std::string v1 = store_->HeadObject("b", "k")->version_id;
  Put("k", "private");
  auth::Identity anonymous;
  AccessRequest request;
  request.identity = &anonymous;
  request.action = "s3:GetObjectVersion";
  request.bucket = "b";
  request.key = "k";
  request.version_id = v1;
  EXPECT_TRUE(authorizer_->IsAllowed(request));
  request.version_id = "";
  request.action = "s3:GetObject";
  EXPECT_FALSE(authorizer_->IsAllowed(request));
}

}  // namespace
}  // namespace cairn::iam
