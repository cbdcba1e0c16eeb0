#include "iam/policy/policy.h"

#include <gtest/gtest.h>

namespace cairn::iam::policy {
namespace {

TEST(PolicyParse, Minimal) {
  auto p = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
}

}  // namespace
}  // namespace cairn::iam::policy
