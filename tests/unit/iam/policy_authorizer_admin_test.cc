// How PolicyAuthorizer decides admin: actions (the admin API's questions): they are evaluated
// against arn:aws:s3:::* as MinIO does, so consoleAdmin grants them, readwrite (s3:* only) does
// not, and a Deny of one admin action wins over admin:*.
#include <gtest/gtest.h>

#include "iam/bucket_policies.h"
#include "iam/iam_store.h"
#include "iam/policy_authorizer.h"

namespace cairn::iam {
namespace {

class PolicyAuthorizerAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    iam_ = std::move(IamStore::Open(store_, {"rootuser", "rootsecret1"})).value();
    buckets_ = std::move(BucketPolicies::Open(store_)).value();
    authorizer_ = std::make_unique<PolicyAuthorizer>(*iam_, *buckets_);
  }
  void User(const std::string& name, const std::vector<std::string>& policies) {
    ASSERT_TRUE(iam_->AddUser(name, name + "-secret").ok());
    ASSERT_TRUE(iam_->AttachPolicies(policies, name, "").ok());
  }
  bool Allowed(const std::string& key, std::string_view action) {
    auth::Identity identity;
    identity.anonymous = key.empty();
    identity.access_key = key;
    AccessRequest request;
    request.identity = &identity;
    request.action = action;
    return authorizer_->IsAllowed(request);
  }

  storage::MemorySystemStore store_;
  std::unique_ptr<IamStore> iam_;
  std::unique_ptr<BucketPolicies> buckets_;
  std::unique_ptr<PolicyAuthorizer> authorizer_;
};

TEST_F(PolicyAuthorizerAdminTest, CannedPoliciesAndAdminActions) {
  User("operator", {"consoleAdmin"});
  User("writer", {"readwrite"});
  User("doctor", {"diagnostics"});
  User("careful", {"consoleAdmin", "readonly"});
  EXPECT_TRUE(Allowed("rootuser", "admin:CreateUser"));
  EXPECT_TRUE(Allowed("operator", "admin:CreateUser"));
  EXPECT_TRUE(Allowed("operator", "admin:ServerInfo"));
  EXPECT_FALSE(Allowed("writer", "admin:CreateUser"));
  EXPECT_FALSE(Allowed("writer", "admin:ServerInfo"));
  EXPECT_TRUE(Allowed("doctor", "admin:ServerInfo"));
  EXPECT_FALSE(Allowed("doctor", "admin:ListUsers"));
  // readonly's Deny of admin:CreateUser beats consoleAdmin's admin:*.
  EXPECT_FALSE(Allowed("careful", "admin:CreateUser"));
  EXPECT_TRUE(Allowed("careful", "admin:ListUsers"));
  EXPECT_FALSE(Allowed("", "admin:ServerInfo"));
}

TEST_F(PolicyAuthorizerAdminTest, AdminStatementsIgnoreResourcesAsMinio) {
  ASSERT_TRUE(iam_->PutPolicy("user-admin-on-a-bucket",
                              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                                  "Action":["admin:ListUsers"],
                                  "Resource":["arn:aws:s3:::somebucket/*"]}]})")
                  .ok());
  User("lister", {"user-admin-on-a-bucket"});
  EXPECT_TRUE(Allowed("lister", "admin:ListUsers"));
  EXPECT_FALSE(Allowed("lister", "admin:CreateUser"));
}

}  // namespace
}  // namespace cairn::iam
