#include "storage/acl.h"

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

const AclGrant kPublicRead{GranteeType::kGroup, "http://acs.amazonaws.com/groups/global/AllUsers",
                           AclPermission::kRead};

TEST(AclTest, DefaultIsPrivateToTheRootAccount) {
  Acl acl;
  EXPECT_TRUE(acl.IsDefault());
  EXPECT_EQ(acl.owner(), kRootCanonicalId);
  ASSERT_EQ(acl.grants().size(), 1u);
  EXPECT_EQ(acl.grants()[0],
            (AclGrant{GranteeType::kCanonicalUser, kRootCanonicalId, AclPermission::kFullControl}));
  // Every way of spelling the default is the default, so records written with it stay small.
  EXPECT_EQ(Acl::Private(), acl);
  EXPECT_TRUE(Acl::Private().IsDefault());
  EXPECT_TRUE(Acl(kRootCanonicalId, acl.grants()).IsDefault());
}

TEST(AclTest, OtherValuesAreNotDefault) {
  EXPECT_FALSE(Acl::Private("someone").IsDefault());
  EXPECT_FALSE(Acl(kRootCanonicalId, {}).IsDefault());  // nobody, not even the owner
  EXPECT_NE(Acl(kRootCanonicalId, {}), Acl());
  EXPECT_EQ(Acl::Private("someone").owner(), "someone");
}

TEST(AclTest, AddGrantChangesOnlyThatCopy) {
  Acl a = Acl::Private("owner");
  Acl b = a;
  b.AddGrant(kPublicRead);
  EXPECT_EQ(a.grants().size(), 1u);
  ASSERT_EQ(b.grants().size(), 2u);
  EXPECT_EQ(b.grants()[1], kPublicRead);
  EXPECT_EQ(b.owner(), "owner");
  EXPECT_NE(a, b);

  Acl root;
  root.AddGrant(kPublicRead);
  EXPECT_FALSE(root.IsDefault());
  EXPECT_TRUE(Acl().IsDefault());
}

TEST(AclTest, EqualityIsByValue) {
  Acl a = Acl::Private("x");
  a.AddGrant(kPublicRead);
  Acl b("x",
        {AclGrant{GranteeType::kCanonicalUser, "x", AclPermission::kFullControl}, kPublicRead});
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace cairn::storage
