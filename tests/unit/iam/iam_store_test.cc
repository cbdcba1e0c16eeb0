#include "iam/iam_store.h"

#include <gtest/gtest.h>

namespace cairn::iam {
namespace {

class IamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    iam_.reset();
    auto opened = IamStore::Open(store_, {"rootuser", "rootsecret1"});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    iam_ = std::move(opened).value();
  }
  storage::MemorySystemStore store_;
  std::unique_ptr<IamStore> iam_;
};

TEST_F(IamStoreTest, RootAndUsersResolve) {
  EXPECT_EQ(iam_->Lookup("rootuser")->secret_key, "rootsecret1");
  EXPECT_TRUE(iam_->Resolve("rootuser")->root);
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  EXPECT_EQ(iam_->Lookup("alice")->secret_key, "alicesecret");
  EXPECT_FALSE(iam_->Resolve("alice")->root);
  EXPECT_EQ(iam_->Lookup("nobody").status().code(), Code::kInvalidAccessKeyId);
}

TEST_F(IamStoreTest, ValidatesCredentials) {
  EXPECT_FALSE(iam_->AddUser("ab", "longenough").ok());
  EXPECT_FALSE(iam_->AddUser("abc", "short").ok());
  EXPECT_FALSE(iam_->AddUser("a,b", "longenough").ok());
  EXPECT_FALSE(iam_->AddUser("rootuser", "longenough").ok());
}

TEST_F(IamStoreTest, DisabledUserIsRefused) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->SetUserEnabled("alice", false).ok());
  EXPECT_EQ(iam_->Lookup("alice").status().code(), Code::kInvalidAccessKeyId);
  ASSERT_TRUE(iam_->SetUserEnabled("alice", true).ok());
  EXPECT_TRUE(iam_->Lookup("alice").ok());
}

TEST_F(IamStoreTest, PoliciesFromUserAndEnabledGroups) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AttachPolicies({"readonly"}, "alice", "").ok());
  ASSERT_TRUE(iam_->AddGroupMembers("devs", {"alice"}).ok());
  ASSERT_TRUE(iam_->AttachPolicies({"writeonly"}, "", "devs").ok());
  auto principal = iam_->Resolve("alice");
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->policies, (std::vector<std::string>{"readonly", "writeonly"}));
  ASSERT_TRUE(iam_->SetGroupEnabled("devs", false).ok());
  EXPECT_EQ(iam_->Resolve("alice")->policies, (std::vector<std::string>{"readonly"}));
  EXPECT_EQ(iam_->GetUser("alice")->groups, (std::vector<std::string>{"devs"}));
  EXPECT_FALSE(iam_->AddGroupMembers("devs", {"ghost"}).ok());
}

TEST_F(IamStoreTest, ServiceAccountsCarryParentAndOwnPolicy) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AttachPolicies({"readwrite"}, "alice", "").ok());
  auto key = iam_->AddServiceAccount("alice", "", "", "{\"Version\":\"2012-10-17\"}", "ci", "");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->access_key.size(), 20u);
  EXPECT_EQ(key->secret_key.size(), 40u);
  auto principal = iam_->Resolve(key->access_key);
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->service_account);
  EXPECT_EQ(principal->user, "alice");
  EXPECT_EQ(principal->policies, (std::vector<std::string>{"readwrite"}));
  EXPECT_FALSE(principal->session_policy.empty());
  // Disabling the parent disables its keys; removing it removes them.
  ASSERT_TRUE(iam_->SetUserEnabled("alice", false).ok());
  EXPECT_FALSE(iam_->Lookup(key->access_key).ok());
  ASSERT_TRUE(iam_->RemoveUser("alice").ok());
  EXPECT_FALSE(iam_->GetServiceAccount(key->access_key).ok());
}

TEST_F(IamStoreTest, EverythingSurvivesReopen) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->SetUserEnabled("alice", false).ok());
  ASSERT_TRUE(iam_->PutPolicy("mine", "{\"Statement\":[]}").ok());
  ASSERT_TRUE(iam_->AddGroupMembers("devs", {"alice"}).ok());
  ASSERT_TRUE(iam_->AttachPolicies({"mine"}, "", "devs").ok());
  auto key = iam_->AddServiceAccount("", "svcrootkey", "svcrootsecret", "", "", "");
  ASSERT_TRUE(key.ok());
  Reopen();
  EXPECT_FALSE(iam_->GetUser("alice")->enabled);
  EXPECT_EQ(*iam_->GetPolicy("mine"), "{\"Statement\":[]}");
  EXPECT_EQ(iam_->GetGroup("devs")->policies, (std::vector<std::string>{"mine"}));
  EXPECT_TRUE(iam_->Resolve("svcrootkey")->root);
  EXPECT_EQ(iam_->ListServiceAccounts("rootuser").size(), 1u);
}

TEST_F(IamStoreTest, AttachedPolicyCannotBeRemoved) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->PutPolicy("mine", "{}").ok());
  ASSERT_TRUE(iam_->AttachPolicies({"mine"}, "alice", "").ok());
  EXPECT_FALSE(iam_->RemovePolicy("mine").ok());
  ASSERT_TRUE(iam_->DetachPolicies({"mine"}, "alice", "").ok());
  EXPECT_TRUE(iam_->RemovePolicy("mine").ok());
}

TEST_F(IamStoreTest, ErrorsNameWhatIsMissingOrInTheWay) {
  EXPECT_EQ(iam_->GetUser("ghost").status().code(), Code::kNoSuchUser);
  EXPECT_EQ(iam_->RemoveUser("ghost").code(), Code::kNoSuchUser);
  EXPECT_EQ(iam_->AddGroupMembers("devs", {"ghost"}).code(), Code::kNoSuchUser);
  EXPECT_EQ(iam_->GetGroup("ghosts").status().code(), Code::kNoSuchGroup);
  EXPECT_EQ(iam_->SetGroupEnabled("ghosts", false).code(), Code::kNoSuchGroup);
  EXPECT_EQ(iam_->GetPolicy("ghost").status().code(), Code::kNoSuchPolicy);
  EXPECT_EQ(iam_->RemovePolicy("ghost").code(), Code::kNoSuchPolicy);
  EXPECT_EQ(iam_->GetServiceAccount("GHOSTKEY").status().code(), Code::kNoSuchServiceAccount);
  EXPECT_EQ(iam_->RemoveServiceAccount("GHOSTKEY").code(), Code::kNoSuchServiceAccount);

  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AddGroupMembers("devs", {"alice"}).ok());
  EXPECT_EQ(iam_->RemoveGroupMembers("devs", {}).code(), Code::kGroupNotEmpty);
  ASSERT_TRUE(iam_->PutPolicy("mine", "{}").ok());
  ASSERT_TRUE(iam_->AttachPolicies({"mine"}, "", "devs").ok());
  EXPECT_EQ(iam_->RemovePolicy("mine").code(), Code::kPolicyInUse);
}

TEST_F(IamStoreTest, CorruptRecordIsReported) {
  ASSERT_TRUE(store_.PutSystem("iam/user/bad", "{not json").ok());
  auto opened = IamStore::Open(store_, {"rootuser", "rootsecret1"});
  EXPECT_EQ(opened.status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace cairn::iam
