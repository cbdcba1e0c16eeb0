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

// A SystemStore whose writes fail on demand, to show an update that cannot be saved changes
// nothing.
class FlakySystemStore final : public storage::SystemStore {
 public:
  Result<std::optional<std::string>> GetSystem(std::string_view key) override {
    return inner.GetSystem(key);
  }
  Status PutSystem(std::string_view key, std::string_view value) override {
    if (fail_writes) return Status(Code::kIOError, "disk full");
    return inner.PutSystem(key, value);
  }
  Status DeleteSystem(std::string_view key) override { return inner.DeleteSystem(key); }
  Result<std::vector<std::pair<std::string, std::string>>> ListSystem(
      std::string_view prefix) override {
    return inner.ListSystem(prefix);
  }
  storage::MemorySystemStore inner;
  bool fail_writes = false;
};

constexpr char kNarrow[] = R"({"Version":"2012-10-17","Statement":[]})";

TEST_F(IamStoreTest, UpdateServiceAccountChangesOnlyWhatIsGiven) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(
      iam_->AddServiceAccount("alice", "alicekey1", "alicekeysecret", kNarrow, "ci", "builds")
          .ok());
  ServiceAccountUpdate update;
  update.secret = "rotated-secret-1";
  auto updated = iam_->UpdateServiceAccount("alicekey1", update);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  // The new secret is the one that signs, at once; the rest of the record is as it was.
  EXPECT_EQ(iam_->Lookup("alicekey1")->secret_key, "rotated-secret-1");
  EXPECT_EQ(updated->parent, "alice");
  EXPECT_EQ(updated->name, "ci");
  EXPECT_EQ(updated->description, "builds");
  EXPECT_EQ(updated->policy, kNarrow);
  EXPECT_TRUE(updated->enabled);
  EXPECT_FALSE(updated->expiration);

  ServiceAccountUpdate off;
  off.enabled = false;
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", off).ok());
  EXPECT_EQ(iam_->Lookup("alicekey1").status().code(), Code::kInvalidAccessKeyId);
  EXPECT_EQ(iam_->Resolve("alicekey1").status().code(), Code::kInvalidAccessKeyId);
  EXPECT_FALSE(iam_->GetServiceAccount("alicekey1")->enabled);
  off.enabled = true;
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", off).ok());
  EXPECT_TRUE(iam_->Lookup("alicekey1").ok());

  // An empty policy gives the key its parent's rights back; a new one narrows it.
  ServiceAccountUpdate policy;
  policy.policy = "";
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", policy).ok());
  EXPECT_TRUE(iam_->Resolve("alicekey1")->session_policy.empty());
  policy.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]})";
  policy.name = "ci-2";
  policy.description = "";
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", policy).ok());
  EXPECT_EQ(iam_->Resolve("alicekey1")->session_policy, *policy.policy);
  auto info = iam_->GetServiceAccount("alicekey1");
  EXPECT_EQ(info->name, "ci-2");
  EXPECT_EQ(info->description, "");
  EXPECT_EQ(info->parent, "alice");
}

TEST_F(IamStoreTest, UpdateServiceAccountRefusesBadInputWithoutChanges) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AddServiceAccount("alice", "alicekey1", "alicekeysecret", "", "", "").ok());
  ServiceAccountUpdate update;
  update.secret = "short";
  update.enabled = false;
  EXPECT_EQ(iam_->UpdateServiceAccount("alicekey1", update).status().code(),
            Code::kInvalidArgument);
  // Neither the secret nor the status given beside it took effect.
  EXPECT_EQ(iam_->Lookup("alicekey1")->secret_key, "alicekeysecret");
  EXPECT_EQ(iam_->UpdateServiceAccount("GHOSTKEY", {}).status().code(),
            Code::kNoSuchServiceAccount);
  // A user is not a service account: its record cannot be changed this way.
  EXPECT_EQ(iam_->UpdateServiceAccount("alice", {}).status().code(), Code::kNoSuchServiceAccount);
}

TEST_F(IamStoreTest, UpdateServiceAccountSurvivesReopen) {
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AddServiceAccount("alice", "alicekey1", "alicekeysecret", "", "a", "b").ok());
  ServiceAccountUpdate update;
  update.secret = "rotated-secret-1";
  update.enabled = false;
  update.policy = kNarrow;
  update.name = "renamed";
  update.expiration = FromUnixNanos(4102444800LL * 1000000000LL);  // 2100-01-01
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", update).ok());
  Reopen();
  auto info = iam_->GetServiceAccount("alicekey1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->parent, "alice");
  EXPECT_EQ(info->name, "renamed");
  EXPECT_EQ(info->description, "b");
  EXPECT_FALSE(info->enabled);
  EXPECT_EQ(info->policy, kNarrow);
  ASSERT_TRUE(info->expiration);
  EXPECT_EQ(ToUnixNanos(*info->expiration), 4102444800LL * 1000000000LL);
  ServiceAccountUpdate on;
  on.enabled = true;
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", on).ok());
  EXPECT_EQ(iam_->Lookup("alicekey1")->secret_key, "rotated-secret-1");
}

TimePoint FakeNow() { return FromUnixNanos(2000LL * 1000000000LL); }

TEST_F(IamStoreTest, ExpiredServiceAccountStopsSigning) {
  iam_->SetClockForTest(&FakeNow);
  ASSERT_TRUE(iam_->AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam_->AddServiceAccount("alice", "alicekey1", "alicekeysecret", "", "", "").ok());
  ServiceAccountUpdate update;
  update.expiration = FromUnixNanos(2001LL * 1000000000LL);
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", update).ok());
  EXPECT_TRUE(iam_->Lookup("alicekey1").ok());  // one second left
  update.expiration = FakeNow();
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", update).ok());
  EXPECT_EQ(iam_->Lookup("alicekey1").status().code(), Code::kInvalidAccessKeyId);
  update.expiration = TimePoint{};  // never
  ASSERT_TRUE(iam_->UpdateServiceAccount("alicekey1", update).ok());
  EXPECT_TRUE(iam_->Lookup("alicekey1").ok());
  EXPECT_FALSE(iam_->GetServiceAccount("alicekey1")->expiration);
}

TEST(IamStoreFailureTest, UpdateThatCannotBeSavedChangesNothing) {
  FlakySystemStore store;
  auto opened = IamStore::Open(store, {"rootuser", "rootsecret1"});
  ASSERT_TRUE(opened.ok());
  IamStore& iam = **opened;
  ASSERT_TRUE(iam.AddUser("alice", "alicesecret").ok());
  ASSERT_TRUE(iam.AddServiceAccount("alice", "alicekey1", "alicekeysecret", "", "", "").ok());
  store.fail_writes = true;
  ServiceAccountUpdate update;
  update.secret = "rotated-secret-1";
  update.enabled = false;
  update.policy = kNarrow;
  EXPECT_EQ(iam.UpdateServiceAccount("alicekey1", update).status().code(), Code::kIOError);
  EXPECT_EQ(iam.Lookup("alicekey1")->secret_key, "alicekeysecret");
  auto info = iam.GetServiceAccount("alicekey1");
  EXPECT_TRUE(info->enabled);
  EXPECT_EQ(info->policy, "");
}

}  // namespace
}  // namespace cairn::iam
