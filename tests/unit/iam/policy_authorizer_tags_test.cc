// How PolicyAuthorizer judges object-tag conditions: s3:ExistingObjectTag/<key> values are read
// through AccessRequest::existing_object_tags only when a policy bearing on the request uses such
// a key for the action asked, and then once; request tags arrive as plain condition values.
#include <gtest/gtest.h>

#include "iam/bucket_policies.h"
#include "iam/iam_store.h"
#include "iam/policy_authorizer.h"

namespace cairn::iam {
namespace {

using Tags = std::vector<std::pair<std::string, std::string>>;

class PolicyAuthorizerTagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    iam_ = std::move(IamStore::Open(store_, {"rootuser", "rootsecret1"})).value();
    buckets_ = std::move(BucketPolicies::Open(store_)).value();
    authorizer_ = std::make_unique<PolicyAuthorizer>(*iam_, *buckets_);
  }
  void User(const std::string& name, const std::string& document) {
    ASSERT_TRUE(iam_->PutPolicy(name + "-policy", document).ok());
    ASSERT_TRUE(iam_->AddUser(name, name + "-secret").ok());
    ASSERT_TRUE(iam_->AttachPolicies({name + "-policy"}, name, "").ok());
  }
  // Asks about `action` on bucket "b" key "k" (bucket-level actions: no key) with `stored` as the
  // object's tags; `reads` counts how often the authorizer fetched them.
  bool Allowed(const std::string& user, std::string_view action, const Tags& stored,
               const Tags& brought = {}) {
    auth::Identity identity;
    identity.anonymous = user.empty();
    identity.access_key = user;
    AccessRequest request;
    request.identity = &identity;
    request.action = action;
    request.bucket = "b";
    request.key = action == "s3:ListBucket" ? "" : "k";
    request.existing_object_tags = [&]() {
      ++reads;
      return stored;
    };
    for (const auto& [k, v] : brought) {
      request.conditions.emplace_back("s3:RequestObjectTag/" + k, v);
      request.conditions.emplace_back("s3:RequestObjectTagKeys", k);
    }
    return authorizer_->IsAllowed(request);
  }

  int reads = 0;
  storage::MemorySystemStore store_;
  std::unique_ptr<IamStore> iam_;
  std::unique_ptr<BucketPolicies> buckets_;
  std::unique_ptr<PolicyAuthorizer> authorizer_;
};

TEST_F(PolicyAuthorizerTagsTest, ExistingTagsAreReadOnlyWhenAPolicyForTheActionUsesThem) {
  User("reader", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"],
       "Condition":{"StringEquals":{"s3:ExistingObjectTag/class":"public"}}},
      {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"]}]})");
  EXPECT_TRUE(Allowed("reader", "s3:GetObject", {{"class", "public"}}));
  EXPECT_EQ(reads, 1);
  EXPECT_FALSE(Allowed("reader", "s3:GetObject", {{"class", "secret"}}));
  EXPECT_FALSE(Allowed("reader", "s3:GetObject", {}));
  EXPECT_EQ(reads, 3);
  // No statement for s3:ListBucket asks about tags: nothing is read.
  EXPECT_TRUE(Allowed("reader", "s3:ListBucket", {{"class", "public"}}));
  EXPECT_EQ(reads, 3);
  // The root user is never judged by policies; nor are its requests charged a read.
  EXPECT_TRUE(Allowed("rootuser", "s3:GetObject", {}));
  EXPECT_EQ(reads, 3);
}

TEST_F(PolicyAuthorizerTagsTest, BucketPolicyDenyOnExistingTagBeatsUserAllow) {
  User("writer", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::b/*"]}]})");
  EXPECT_TRUE(Allowed("writer", "s3:GetObjectTagging", {{"lock", "yes"}}));
  EXPECT_EQ(reads, 0);  // no policy names the key yet
  ASSERT_TRUE(buckets_
                  ->Put("b", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","Principal":"*","Action":["s3:PutObjectTagging"],
       "Resource":["arn:aws:s3:::b/*"],
       "Condition":{"StringEquals":{"s3:existingobjecttag/LOCK":"yes"}}}]})")
                  .ok());
  // Key names compare case-insensitively; the Deny wins over the user's s3:*.
  EXPECT_FALSE(Allowed("writer", "s3:PutObjectTagging", {{"lock", "yes"}}));
  EXPECT_TRUE(Allowed("writer", "s3:PutObjectTagging", {{"lock", "no"}}));
  EXPECT_EQ(reads, 2);
  EXPECT_TRUE(Allowed("writer", "s3:GetObjectTagging", {{"lock", "yes"}}));
  EXPECT_EQ(reads, 2);
}

TEST_F(PolicyAuthorizerTagsTest, RequestTagsAndTagKeys) {
  User("tagger", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"],
       "Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team","class"]}}},
      {"Effect":"Deny","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"],
       "Condition":{"StringNotEquals":{"s3:RequestObjectTag/team":"x"}}}]})");
  EXPECT_TRUE(Allowed("tagger", "s3:PutObject", {}, {{"team", "x"}}));
  EXPECT_TRUE(Allowed("tagger", "s3:PutObject", {}, {{"team", "x"}, {"class", "a"}}));
  EXPECT_FALSE(Allowed("tagger", "s3:PutObject", {}, {{"team", "y"}}));
  EXPECT_FALSE(Allowed("tagger", "s3:PutObject", {}, {}));  // no team tag: denied
  EXPECT_FALSE(Allowed("tagger", "s3:PutObject", {}, {{"team", "x"}, {"other", "1"}}));
  EXPECT_EQ(reads, 0);
}

}  // namespace
}  // namespace cairn::iam
