// Table-driven tests of the IAM policy language: parsing, every condition operator, wildcard
// matching, principals, variables, Deny precedence, MinIO's canned policies, and robustness.
#include "iam/policy/policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace cairn::iam::policy {
namespace {

Policy MustParse(const std::string& json, PolicyKind kind = PolicyKind::kIdentity) {
  auto p = ParsePolicy(json, ParseOptions{kind});
  EXPECT_TRUE(p.ok()) << p.status().message() << "\n" << json;
  return p.ok() ? std::move(p).value() : Policy{};
}

Decision Eval(const Policy& p, std::string_view action, std::string_view resource,
              const RequestContext* ctx = nullptr) {
  return Evaluate(p, Request{action, resource, ctx});
}

// ---------------------------------------------------------------------------------------------
// Condition operators: one Allow statement whose only condition is the case's.

struct ConditionCase {
  std::string op;
  std::string key;
  std::string values;                               // JSON: a scalar or a list
  std::optional<std::vector<std::string>> request;  // nullopt: key absent
  bool holds;
};

std::string ToString(const std::optional<std::vector<std::string>>& r) {
  if (!r) return "<absent>";
  std::string s = "[";
  for (const auto& v : *r) s += v + ",";
  return s + "]";
}

void PrintTo(const ConditionCase& c, std::ostream* os) {
  *os << c.op << " " << c.key << " " << c.values << " vs " << ToString(c.request);
}

class ConditionTest : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(ConditionTest, Holds) {
  const ConditionCase& c = GetParam();
  std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*","Condition":{")" +
                    c.op + R"(":{")" + c.key + R"(":)" + c.values + "}}}]}";
  Policy p = MustParse(doc);
  RequestContext ctx;
  if (c.request) ctx.values[c.key] = *c.request;
  Decision want = c.holds ? Decision::kAllow : Decision::kNoMatch;
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx), want)
      << c.op << " " << c.key << " " << c.values << " vs " << ToString(c.request);
}

using V = std::vector<std::string>;
const std::nullopt_t kAbsent = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    PolicyStrings, ConditionTest,
    ::testing::Values(
        ConditionCase{"StringEquals", "s3:x-amz-acl", R"("public-read")", V{"public-read"}, true},
        ConditionCase{"StringEquals", "s3:x-amz-acl", R"("public-read")", V{"private"}, false},
        ConditionCase{"StringEquals", "s3:x-amz-acl", R"("public-read")", V{"Public-Read"}, false},
        ConditionCase{"StringEquals", "s3:x-amz-acl", R"("public-read")", kAbsent, false},
        ConditionCase{"StringEquals", "s3:x-amz-acl", R"(["a","b"])", V{"b"}, true},  // OR
        ConditionCase{"StringEqualsIfExists", "s3:x-amz-acl", R"("a")", kAbsent, true},
        ConditionCase{"StringEqualsIfExists", "s3:x-amz-acl", R"("a")", V{"a"}, true},
        ConditionCase{"StringEqualsIfExists", "s3:x-amz-acl", R"("a")", V{"b"}, false},
        ConditionCase{"StringNotEquals", "s3:x-amz-acl", R"("a")", V{"b"}, true},
        ConditionCase{"StringNotEquals", "s3:x-amz-acl", R"("a")", V{"a"}, false},
        ConditionCase{"StringNotEquals", "s3:x-amz-acl", R"("a")", kAbsent, true},
        ConditionCase{"StringNotEquals", "s3:x-amz-acl", R"(["a","b"])", V{"b"}, false},  // NOR
        ConditionCase{"StringNotEquals", "s3:x-amz-acl", R"(["a","b"])", V{"c"}, true},
        ConditionCase{"StringNotEqualsIfExists", "s3:x-amz-acl", R"("a")", kAbsent, true},
        ConditionCase{"StringNotEqualsIfExists", "s3:x-amz-acl", R"("a")", V{"a"}, false},
        ConditionCase{"StringEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", V{"boto3"}, true},
        ConditionCase{"StringEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", V{"aws-cli"}, false},
        ConditionCase{"StringEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", kAbsent, false},
        ConditionCase{"StringNotEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", V{"BOTO3"},
                      false},
        ConditionCase{"StringNotEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", V{"curl"}, true},
        ConditionCase{"StringNotEqualsIgnoreCase", "aws:UserAgent", R"("Boto3")", kAbsent, true},
        ConditionCase{"StringLike", "s3:prefix", R"("home/*")", V{"home/alice/x"}, true},
        ConditionCase{"StringLike", "s3:prefix", R"("home/*")", V{"home/"}, true},
        ConditionCase{"StringLike", "s3:prefix", R"("home/*")", V{"Home/alice"}, false},
        ConditionCase{"StringLike", "s3:prefix", R"("a?c")", V{"abc"}, true},
        ConditionCase{"StringLike", "s3:prefix", R"("a?c")", V{"abbc"}, false},
        ConditionCase{"StringLike", "s3:prefix", R"("a?c")", V{"a\u00e9c"}, true},  // one char
        ConditionCase{"StringLike", "s3:prefix", R"("home/*")", kAbsent, false},
        ConditionCase{"StringLike", "aws:Referer", R"(["http://a.example/*","http://b.example/*"])",
                      V{"http://b.example/page"}, true},
        ConditionCase{"StringLikeIfExists", "s3:prefix", R"("home/*")", kAbsent, true},
        ConditionCase{"StringNotLike", "s3:prefix", R"("home/*")", V{"tmp/x"}, true},
        ConditionCase{"StringNotLike", "s3:prefix", R"("home/*")", V{"home/x"}, false},
        ConditionCase{"StringNotLike", "s3:prefix", R"("home/*")", kAbsent, true},
        ConditionCase{"StringNotLike", "s3:prefix", R"(["home/*","tmp/*"])", V{"tmp/x"}, false},
        ConditionCase{"StringEquals", "s3:delimiter", R"("/")", V{"/"}, true},
        // JSON numbers and booleans are compared as their text.
        ConditionCase{"StringEquals", "s3:max-keys", "10", V{"10"}, true},
        // Condition key names are case-insensitive; values are not.
        ConditionCase{"StringEquals", "S3:X-AMZ-ACL", R"("private")", V{"private"}, true}));

INSTANTIATE_TEST_SUITE_P(
    PolicyNumbers, ConditionTest,
    ::testing::Values(
        ConditionCase{"NumericEquals", "s3:max-keys", "10", V{"10"}, true},
        ConditionCase{"NumericEquals", "s3:max-keys", R"("10")", V{"10.0"}, true},
        ConditionCase{"NumericEquals", "s3:max-keys", "10", V{"11"}, false},
        ConditionCase{"NumericEquals", "s3:max-keys", "10", V{"ten"}, false},
        ConditionCase{"NumericEquals", "s3:max-keys", "10", kAbsent, false},
        ConditionCase{"NumericNotEquals", "s3:max-keys", "10", V{"11"}, true},
        ConditionCase{"NumericNotEquals", "s3:max-keys", "10", V{"10"}, false},
        ConditionCase{"NumericNotEquals", "s3:max-keys", "10", kAbsent, true},
        ConditionCase{"NumericNotEquals", "s3:max-keys", "[10,20]", V{"20"}, false},
        ConditionCase{"NumericLessThan", "s3:max-keys", "10", V{"9"}, true},
        ConditionCase{"NumericLessThan", "s3:max-keys", "10", V{"10"}, false},
        ConditionCase{"NumericLessThan", "s3:max-keys", "10", kAbsent, false},
        ConditionCase{"NumericLessThanEquals", "s3:max-keys", "10", V{"10"}, true},
        ConditionCase{"NumericLessThanEquals", "s3:max-keys", "10", V{"11"}, false},
        ConditionCase{"NumericLessThanEquals", "s3:max-keys", "10", V{"-5"}, true},
        ConditionCase{"NumericLessThanEquals", "s3:max-keys", "10", kAbsent, false},
        ConditionCase{"NumericLessThanEqualsIfExists", "s3:max-keys", "10", kAbsent, true},
        ConditionCase{"NumericLessThanEqualsIfExists", "s3:max-keys", "10", V{"1000"}, false},
        ConditionCase{"NumericGreaterThan", "s3:max-keys", "10", V{"11"}, true},
        ConditionCase{"NumericGreaterThan", "s3:max-keys", "10", V{"10"}, false},
        ConditionCase{"NumericGreaterThan", "s3:max-keys", "10.5", V{"10.75"}, true},
        ConditionCase{"NumericGreaterThanEquals", "s3:max-keys", "10", V{"10"}, true},
        ConditionCase{"NumericGreaterThanEquals", "s3:max-keys", "10", V{"9"}, false},
        ConditionCase{"NumericGreaterThanEquals", "s3:max-keys", "10", kAbsent, false}));

INSTANTIATE_TEST_SUITE_P(
    PolicyDates, ConditionTest,
    ::testing::Values(
        ConditionCase{"DateEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")",
                      V{"2024-06-01T00:00:00Z"}, true},
        ConditionCase{"DateEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")",
                      V{"2024-06-01T02:00:00+02:00"}, true},
        ConditionCase{"DateEquals", "aws:CurrentTime", R"("2024-06-01")",
                      V{"2024-06-01T00:00:00.000Z"}, true},
        ConditionCase{"DateEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")",
                      V{"2024-06-01T00:00:01Z"}, false},
        ConditionCase{"DateEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")", kAbsent, false},
        ConditionCase{"DateNotEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")",
                      V{"2024-06-02T00:00:00Z"}, true},
        ConditionCase{"DateNotEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")",
                      V{"2024-06-01T00:00:00Z"}, false},
        ConditionCase{"DateNotEquals", "aws:CurrentTime", R"("2024-06-01T00:00:00Z")", kAbsent,
                      true},
        ConditionCase{"DateLessThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2024-12-31T23:59:59Z"}, true},
        ConditionCase{"DateLessThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2025-01-01T00:00:00Z"}, false},
        ConditionCase{"DateLessThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")", V{"garbage"},
                      false},
        ConditionCase{"DateLessThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")", kAbsent,
                      false},
        ConditionCase{"DateLessThanEquals", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2025-01-01T00:00:00Z"}, true},
        ConditionCase{"DateLessThanEquals", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2025-01-01T00:00:01Z"}, false},
        ConditionCase{"DateGreaterThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2025-01-01T00:00:01Z"}, true},
        ConditionCase{"DateGreaterThan", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2024-01-01T00:00:00Z"}, false},
        ConditionCase{"DateGreaterThanEquals", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      V{"2025-01-01T00:00:00Z"}, true},
        ConditionCase{"DateGreaterThanEquals", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      kAbsent, false},
        ConditionCase{"DateGreaterThanIfExists", "aws:CurrentTime", R"("2025-01-01T00:00:00Z")",
                      kAbsent, true},
        // Epoch seconds on either side (aws:EpochTime; 1735689600 = 2025-01-01T00:00:00Z).
        ConditionCase{"DateLessThan", "aws:EpochTime", R"("2025-01-01T00:00:00Z")", V{"1735689599"},
                      true},
        ConditionCase{"DateLessThan", "aws:EpochTime", "1735689600", V{"1735689600"}, false},
        ConditionCase{"DateGreaterThanEquals", "aws:CurrentTime", "1735689600",
                      V{"2025-01-01T00:00:00Z"}, true}));

INSTANTIATE_TEST_SUITE_P(
    PolicyBoolAndIp, ConditionTest,
    ::testing::Values(
        ConditionCase{"Bool", "aws:SecureTransport", "true", V{"true"}, true},
        ConditionCase{"Bool", "aws:SecureTransport", R"("true")", V{"TRUE"}, true},
        ConditionCase{"Bool", "aws:SecureTransport", "true", V{"false"}, false},
        ConditionCase{"Bool", "aws:SecureTransport", "false", V{"false"}, true},
        ConditionCase{"Bool", "aws:SecureTransport", "false", kAbsent, false},
        ConditionCase{"BoolIfExists", "aws:SecureTransport", "false", kAbsent, true},
        ConditionCase{"BoolIfExists", "aws:SecureTransport", "false", V{"true"}, false},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("192.168.1.0/24")", V{"192.168.1.77"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("192.168.1.0/24")", V{"192.168.2.1"}, false},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("192.168.1.5")", V{"192.168.1.5"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("10.0.0.0/8")", V{"::ffff:10.1.2.3"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("2001:db8::/32")", V{"2001:db8:1::5"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("2001:db8::/32")", V{"2001:db9::5"}, false},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("2001:db8::/32")", V{"10.0.0.1"}, false},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("0.0.0.0/0")", V{"203.0.113.9"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("10.0.0.0/8")", V{"not-an-ip"}, false},
        ConditionCase{"IpAddress", "aws:SourceIp", R"(["10.0.0.0/8","127.0.0.1/32"])",
                      V{"127.0.0.1"}, true},
        ConditionCase{"IpAddress", "aws:SourceIp", R"("10.0.0.0/8")", kAbsent, false},
        ConditionCase{"IpAddressIfExists", "aws:SourceIp", R"("10.0.0.0/8")", kAbsent, true},
        ConditionCase{"NotIpAddress", "aws:SourceIp", R"("10.0.0.0/8")", V{"11.0.0.1"}, true},
        ConditionCase{"NotIpAddress", "aws:SourceIp", R"("10.0.0.0/8")", V{"10.9.9.9"}, false},
        ConditionCase{"NotIpAddress", "aws:SourceIp", R"("10.0.0.0/8")", kAbsent, true},
        ConditionCase{"NotIpAddress", "aws:SourceIp", R"(["10.0.0.0/8","::1"])", V{"::1"}, false},
        ConditionCase{"ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::*:user/ops-*")",
                      V{"arn:aws:iam::123456789012:user/ops-alice"}, true},
        ConditionCase{"ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::*:user/ops-*")",
                      V{"arn:aws:iam::123456789012:user/dev-bob"}, false},
        ConditionCase{"ArnEquals", "aws:PrincipalArn", R"("arn:aws:iam:::user/a")",
                      V{"arn:aws:iam:::user/a"}, true},
        ConditionCase{"ArnNotEquals", "aws:PrincipalArn", R"("arn:aws:iam:::user/a")",
                      V{"arn:aws:iam:::user/a"}, false},
        ConditionCase{"ArnNotLike", "aws:PrincipalArn", R"("arn:aws:iam:::user/*")", kAbsent, true},
        ConditionCase{"Null", "aws:SourceIp", "true", kAbsent, true},
        ConditionCase{"Null", "aws:SourceIp", "true", V{"1.2.3.4"}, false},
        ConditionCase{"Null", "aws:SourceIp", "true", V{}, true},  // an empty list is absent
        ConditionCase{"Null", "aws:SourceIp", R"("false")", V{"1.2.3.4"}, true},
        ConditionCase{"Null", "aws:SourceIp", "false", kAbsent, false}));

// Set operators on a multi-valued key (AWS reference_policies_condition-single-vs-multi-valued
// -context-keys): ForAllValues is true on an absent or empty key; ForAnyValue is false there.
INSTANTIATE_TEST_SUITE_P(
    PolicySetOperators, ConditionTest,
    ::testing::Values(
        ConditionCase{"ForAllValues:StringEquals", "aws:TagKeys", R"(["a","b"])", V{"a"}, true},
        ConditionCase{"ForAllValues:StringEquals", "aws:TagKeys", R"(["a","b"])", V{"b", "a"},
                      true},
        ConditionCase{"ForAllValues:StringEquals", "aws:TagKeys", R"(["a","b"])", V{"a", "c"},
                      false},
        ConditionCase{"ForAllValues:StringEquals", "aws:TagKeys", R"(["a","b"])", kAbsent, true},
        ConditionCase{"ForAllValues:StringEquals", "aws:TagKeys", R"(["a","b"])", V{}, true},
        ConditionCase{"ForAllValues:StringLike", "aws:TagKeys", R"("Created*")",
                      V{"CreatedBy", "CreatedAt"}, true},
        // AWS's own table for Deny ForAllValues:StringNotLike aws:TagKeys "key1*".
        ConditionCase{"ForAllValues:StringNotLike", "aws:TagKeys", R"("key1*")", V{"key1:legal"},
                      false},
        ConditionCase{"ForAllValues:StringNotLike", "aws:TagKeys", R"("key1*")",
                      V{"key1:hr", "key1:personnel"}, false},
        ConditionCase{"ForAllValues:StringNotLike", "aws:TagKeys", R"("key1*")", V{"key2:audit"},
                      true},
        ConditionCase{"ForAllValues:StringNotLike", "aws:TagKeys", R"("key1*")", kAbsent, true},
        ConditionCase{"ForAnyValue:StringEquals", "aws:TagKeys", R"(["a","b"])", V{"c", "a"}, true},
        ConditionCase{"ForAnyValue:StringEquals", "aws:TagKeys", R"(["a","b"])", V{"c"}, false},
        ConditionCase{"ForAnyValue:StringEquals", "aws:TagKeys", R"(["a","b"])", kAbsent, false},
        ConditionCase{"ForAnyValue:StringEquals", "aws:TagKeys", R"(["a","b"])", V{}, false},
        ConditionCase{"ForAnyValue:StringNotEquals", "aws:TagKeys", R"("a")", V{"a", "b"}, true},
        ConditionCase{"ForAnyValue:StringNotEquals", "aws:TagKeys", R"("a")", V{"a"}, false},
        ConditionCase{"ForAnyValue:StringNotEquals", "aws:TagKeys", R"("a")", kAbsent, false},
        ConditionCase{"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", R"("a")", kAbsent, true},
        ConditionCase{"ForAllValues:StringEqualsIfExists", "aws:TagKeys", R"("a")", V{"b"}, false},
        ConditionCase{"ForAnyValue:NumericGreaterThan", "s3:max-keys", "100", V{"5", "500"}, true},
        ConditionCase{"ForAllValues:IpAddress", "aws:SourceIp", R"("10.0.0.0/8")",
                      V{"10.1.1.1", "10.2.2.2"}, true},
        ConditionCase{"ForAllValues:IpAddress", "aws:SourceIp", R"("10.0.0.0/8")",
                      V{"10.1.1.1", "8.8.8.8"}, false},
        // Without a set qualifier, a multi-valued key: positive = any matches, negated = none.
        ConditionCase{"StringEquals", "aws:TagKeys", R"("a")", V{"b", "a"}, true},
        ConditionCase{"StringNotEquals", "aws:TagKeys", R"("a")", V{"b", "a"}, false}));

TEST(PolicyCondition, AllKeysAndOperatorsMustHold) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:ListBucket","Resource":"arn:aws:s3:::b",
      "Condition":{"StringLike":{"s3:prefix":"home/*","s3:delimiter":"/"},
                   "IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]})");
  RequestContext ctx;
  ctx.values = {
      {"s3:prefix", {"home/a"}}, {"s3:delimiter", {"/"}}, {"aws:SourceIp", {"127.0.0.1"}}};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::b", &ctx), Decision::kAllow);
  ctx.values["s3:delimiter"] = {"-"};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::b", &ctx), Decision::kNoMatch);
  ctx.values["s3:delimiter"] = {"/"};
  ctx.values["aws:SourceIp"] = {"10.0.0.1"};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::b", &ctx), Decision::kNoMatch);
}

TEST(PolicyCondition, ExistingObjectTagKeyAndContextSpelling) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*",
      "Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"public"}}}]})");
  RequestContext ctx;
  ctx.values["S3:EXISTINGOBJECTTAG/classification"] = {"public"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx), Decision::kAllow);
  ctx.values["S3:EXISTINGOBJECTTAG/classification"] = {"secret"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", nullptr), Decision::kNoMatch);
}

TEST(PolicyCondition, UsesConditionKeyPrefixLooksOnlyAtStatementsForTheAction) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:Get*","Resource":"*",
       "Condition":{"StringEquals":{"S3:EXISTINGOBJECTTAG/class":"public"}}},
      {"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
       "Condition":{"StringEquals":{"s3:RequestObjectTag/team":"x"}}},
      {"Effect":"Deny","NotAction":"s3:*","Resource":"*",
       "Condition":{"Null":{"s3:ExistingObjectTag/any":"false"}}}]})");
  EXPECT_TRUE(UsesConditionKeyPrefix(p, "s3:GetObject", "s3:ExistingObjectTag/"));
  EXPECT_TRUE(UsesConditionKeyPrefix(p, "s3:getobjecttagging", "s3:ExistingObjectTag/"));
  EXPECT_FALSE(UsesConditionKeyPrefix(p, "s3:PutObject", "s3:ExistingObjectTag/"));
  EXPECT_TRUE(UsesConditionKeyPrefix(p, "s3:PutObject", "s3:RequestObjectTag/"));
  EXPECT_TRUE(UsesConditionKeyPrefix(p, "admin:ServerInfo", "s3:ExistingObjectTag/"));  // NotAction
  EXPECT_FALSE(UsesConditionKeyPrefix(p, "s3:GetObject", "s3:ExistingObjectTag/classes"));
}

// A Deny guarded by a secure-transport check, the classic "deny unless TLS".
TEST(PolicyCondition, DenyUnlessSecureTransport) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
      {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
       "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})",
                       PolicyKind::kBucket);
  RequestContext ctx;
  ctx.values["aws:SecureTransport"] = {"false"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx), Decision::kExplicitDeny);
  ctx.values["aws:SecureTransport"] = {"true"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx), Decision::kAllow);
}

// ---------------------------------------------------------------------------------------------
// Actions and resources.

struct MatchCase {
  std::string pattern;
  std::string value;
  bool match;
};

void PrintTo(const MatchCase& c, std::ostream* os) { *os << c.pattern << " vs " << c.value; }

class ActionTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(ActionTest, Matches) {
  const MatchCase& c = GetParam();
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":")" +
                       c.pattern + R"(","Resource":"*"}})");
  EXPECT_EQ(Eval(p, c.value, "arn:aws:s3:::b/k"), c.match ? Decision::kAllow : Decision::kNoMatch)
      << c.pattern << " vs " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    PolicyActions, ActionTest,
    ::testing::Values(
        MatchCase{"s3:*", "s3:GetObject", true}, MatchCase{"s3:*", "s3:ListAllMyBuckets", true},
        MatchCase{"s3:*", "admin:ServerInfo", false}, MatchCase{"*", "admin:CreateUser", true},
        MatchCase{"*", "s3:PutObject", true}, MatchCase{"s3:Get*", "s3:GetObjectTagging", true},
        MatchCase{"s3:Get*", "s3:PutObject", false}, MatchCase{"s3:Get*", "s3:ListBucket", false},
        MatchCase{"s3:GetObject", "s3:GetObject", true},
        MatchCase{"s3:GetObject", "s3:GetObjectTagging", false},
        MatchCase{"s3:GetObject", "s3:getobject", true},   // case-insensitive
        MatchCase{"S3:GETOBJECT", "s3:GetObject", true},   // both ways
        MatchCase{"s3:get*", "S3:GetBucketPolicy", true},  //
        MatchCase{"s3:Get?bject", "s3:GetObject", true},
        MatchCase{"s3:*Object", "s3:DeleteObject", true},
        MatchCase{"s3:*Object", "s3:DeleteObjects", false},
        MatchCase{"admin:*", "admin:CreateUser", true}, MatchCase{"admin:*", "s3:GetObject", false},
        MatchCase{"kms:*", "kms:CreateKey", true}));

class ResourceTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(ResourceTest, Matches) {
  const MatchCase& c = GetParam();
  Policy p = MustParse(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":")" +
      c.pattern + R"("}})");
  EXPECT_EQ(Eval(p, "s3:GetObject", c.value), c.match ? Decision::kAllow : Decision::kNoMatch)
      << c.pattern << " vs " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    PolicyResources, ResourceTest,
    ::testing::Values(MatchCase{"*", "arn:aws:s3:::b/k", true},
                      MatchCase{"*", "arn:aws:s3:::b", true},
                      MatchCase{"arn:aws:s3:::*", "arn:aws:s3:::b/deep/key", true},
                      MatchCase{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true},
                      MatchCase{"arn:aws:s3:::b/*", "arn:aws:s3:::b/", true},
                      MatchCase{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
                      MatchCase{"arn:aws:s3:::b/*", "arn:aws:s3:::bb/k", false},
                      MatchCase{"arn:aws:s3:::b/*", "arn:aws:s3:::B/k", false},  // case-sensitive
                      MatchCase{"arn:aws:s3:::b/Key", "arn:aws:s3:::b/key", false},
                      MatchCase{"arn:aws:s3:::b*", "arn:aws:s3:::b", true},
                      MatchCase{"arn:aws:s3:::b*", "arn:aws:s3:::bucket/key", true},
                      MatchCase{"arn:aws:s3:::b?cket/x", "arn:aws:s3:::bucket/x", true},
                      MatchCase{"arn:aws:s3:::b?cket/x", "arn:aws:s3:::bcket/x", false},
                      MatchCase{"arn:aws:s3:::b/*.png", "arn:aws:s3:::b/x/y.png", true},
                      MatchCase{"arn:aws:s3:::b/*.png", "arn:aws:s3:::b/x/y.pdf", false},
                      MatchCase{"arn:aws:s3:::b/a*b*c", "arn:aws:s3:::b/aXXbYYbZc", true},
                      MatchCase{"arn:aws:s3:::b/a*b*c", "arn:aws:s3:::b/aXXbYYbZ", false},
                      MatchCase{"arn:aws:s3:::b/back\\\\slash", "arn:aws:s3:::b/back\\slash",
                                true}));

TEST(PolicyWildcard, Direct) {
  EXPECT_TRUE(WildcardMatch("", ""));
  EXPECT_FALSE(WildcardMatch("", "a"));
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("**", "abc"));
  EXPECT_FALSE(WildcardMatch("?", ""));
  EXPECT_TRUE(WildcardMatch("?", "\xe2\x82\xac"));  // one UTF-8 character, three bytes
  EXPECT_TRUE(WildcardMatch("S3:get*", "s3:GetObject", /*ignore_case=*/true));
  EXPECT_FALSE(WildcardMatch("S3:get*", "s3:GetObject"));
  // Backtracking stays linear-ish on the classic bad case.
  EXPECT_FALSE(WildcardMatch("a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

// The two policies of issue 4's seed documents.
TEST(PolicySeedPolicies, AnonymousThumbnails) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":"*","Action":["s3:GetObject"],
      "Resource":["arn:aws:s3:::ensure-study-documents/*/thumbnails/*"]}]})",
                       PolicyKind::kBucket);
  RequestContext anonymous;  // principal_arn ""
  EXPECT_EQ(
      Eval(p, "s3:GetObject",
           "arn:aws:s3:::ensure-study-documents/classrooms/c1/thumbnails/d1_thumb.png", &anonymous),
      Decision::kAllow);
  EXPECT_EQ(Eval(p, "s3:GetObject",
                 "arn:aws:s3:::ensure-study-documents/classrooms/c1/materials/d1.pdf", &anonymous),
            Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:PutObject",
                 "arn:aws:s3:::ensure-study-documents/classrooms/c1/thumbnails/x.png", &anonymous),
            Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::ensure-study-documents", &anonymous),
            Decision::kNoMatch);
  EXPECT_TRUE(IsPublic(p));
}

TEST(PolicySeedPolicies, EnsureStudyUser) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":["s3:*"],"Resource":["arn:aws:s3:::ensure-study-*/*"]}]})");
  for (const char* bucket : {"ensure-study-documents", "ensure-study-media", "ensure-study-exports",
                             "ensure-study-backups"}) {
    std::string obj = std::string("arn:aws:s3:::") + bucket + "/a/b.pdf";
    for (const char* action : {"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                               "s3:AbortMultipartUpload", "s3:GetObjectTagging"}) {
      EXPECT_EQ(Eval(p, action, obj), Decision::kAllow) << action << " " << obj;
    }
  }
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::other-bucket/a"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::ensure-stud/a"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::ensure-study-documents"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:ListAllMyBuckets", "arn:aws:s3:::*"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "admin:CreateUser", "arn:aws:s3:::ensure-study-documents/x"),
            Decision::kNoMatch);
}

// ---------------------------------------------------------------------------------------------
// NotAction, NotResource, NotPrincipal, Deny precedence.

TEST(PolicyNegations, NotActionAndNotResource) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","NotAction":["s3:DeleteObject","s3:DeleteBucket"],
       "NotResource":"arn:aws:s3:::secret/*"}]})");
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(Eval(p, "s3:DeleteObject", "arn:aws:s3:::b/k"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:deleteobject", "arn:aws:s3:::b/k"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::secret/k"), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::secret"), Decision::kAllow);
}

TEST(PolicyNegations, DenyNotActionLimitsToReads) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","NotAction":"s3:Get*","Resource":"arn:aws:s3:::archive/*"}]})");
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::archive/x"), Decision::kAllow);
  EXPECT_EQ(Eval(p, "s3:PutObject", "arn:aws:s3:::archive/x"), Decision::kExplicitDeny);
  EXPECT_EQ(Eval(p, "s3:PutObject", "arn:aws:s3:::live/x"), Decision::kAllow);
}

struct PrincipalCase {
  std::string principal_json;  // the value of Principal
  std::string caller;          // principal_arn; "" anonymous
  bool match;
};

void PrintTo(const PrincipalCase& c, std::ostream* os) {
  *os << c.principal_json << " vs '" << c.caller << "'";
}

class PrincipalTest : public ::testing::TestWithParam<PrincipalCase> {};

TEST_P(PrincipalTest, Matches) {
  const PrincipalCase& c = GetParam();
  for (bool negate : {false, true}) {
    std::string doc = std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",")") +
                      (negate ? "NotPrincipal" : "Principal") + R"(":)" + c.principal_json +
                      R"(,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})";
    Policy p = MustParse(doc, PolicyKind::kBucket);
    RequestContext ctx;
    ctx.principal_arn = c.caller;
    bool want = negate ? !c.match : c.match;
    EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/k", &ctx),
              want ? Decision::kAllow : Decision::kNoMatch)
        << (negate ? "NotPrincipal " : "Principal ") << c.principal_json << " caller '" << c.caller
        << "'";
    EXPECT_EQ(PrincipalMatches(p.statements[0], c.caller), want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    PolicyPrincipals, PrincipalTest,
    ::testing::Values(
        PrincipalCase{R"("*")", "", true}, PrincipalCase{R"("*")", "*", true},
        PrincipalCase{R"("*")", "arn:aws:iam:::user/alice", true},
        PrincipalCase{R"({"AWS":"*"})", "", true},
        PrincipalCase{R"({"AWS":["*"]})", "arn:aws:iam:::user/bob", true},
        PrincipalCase{R"({"AWS":["arn:aws:iam:::user/alice"]})", "arn:aws:iam:::user/alice", true},
        PrincipalCase{R"({"AWS":["arn:aws:iam:::user/alice"]})", "arn:aws:iam:::user/bob", false},
        PrincipalCase{R"({"AWS":["arn:aws:iam:::user/alice"]})", "", false},
        PrincipalCase{R"({"AWS":"arn:aws:iam::123456789012:user/alice"})",
                      "arn:aws:iam:::user/alice", true},
        PrincipalCase{R"({"AWS":"arn:aws:iam::123456789012:user/alice"})", "alice", true},
        PrincipalCase{R"({"AWS":"arn:aws:iam::123456789012:user/team/alice"})",
                      "arn:aws:iam:::user/alice", true},
        PrincipalCase{R"({"AWS":["alice","carol"]})", "arn:aws:iam:::user/carol", true},
        PrincipalCase{R"({"AWS":["alice"]})", "arn:aws:iam:::user/alicex", false},
        PrincipalCase{R"({"AWS":["alice"]})", "arn:aws:iam:::user/Alice", false}));

TEST(PolicyPrincipals, IdentityPolicyIgnoresPrincipalAndBucketPolicyNeedsOne) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":"*"}})");
  EXPECT_TRUE(PrincipalMatches(p.statements[0], ""));
  EXPECT_TRUE(PrincipalMatches(p.statements[0], "arn:aws:iam:::user/x"));
}

TEST(PolicyDenyWins, WithinOnePolicy) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"deny","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/keep/*"},
      {"Sid":"allow","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_EQ(Eval(p, "s3:DeleteObject", "arn:aws:s3:::b/keep/x"), Decision::kExplicitDeny);
  EXPECT_EQ(Eval(p, "s3:DeleteObject", "arn:aws:s3:::b/tmp/x"), Decision::kAllow);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::c/x"), Decision::kNoMatch);
}

TEST(PolicyDenyWins, AcrossPolicies) {
  Policy allow = MustParse(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  Policy deny = MustParse(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:PutObject",
          "Resource":"arn:aws:s3:::ro/*"}})");
  Policy unrelated = MustParse(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::x/*"}})");
  std::vector<const Policy*> all = {&allow, nullptr, &deny, &unrelated};
  Request put{"s3:PutObject", "arn:aws:s3:::ro/k", nullptr};
  Request get{"s3:GetObject", "arn:aws:s3:::ro/k", nullptr};
  EXPECT_EQ(EvaluateAll(all, put), Decision::kExplicitDeny);
  EXPECT_EQ(EvaluateAll(all, get), Decision::kAllow);
  std::vector<const Policy*> only_unrelated = {&unrelated};
  EXPECT_EQ(EvaluateAll(only_unrelated, get), Decision::kNoMatch);
  EXPECT_EQ(EvaluateAll({}, get), Decision::kNoMatch);
  EXPECT_EQ(DecisionName(Decision::kExplicitDeny), "ExplicitDeny");
}

// ---------------------------------------------------------------------------------------------
// Policy variables.

struct VariableCase {
  std::string resource;  // the policy's Resource
  std::string username;  // "" = none
  std::string request_resource;
  bool match;
};

void PrintTo(const VariableCase& c, std::ostream* os) {
  *os << c.resource << " user '" << c.username << "' vs " << c.request_resource;
}

class VariableTest : public ::testing::TestWithParam<VariableCase> {};

TEST_P(VariableTest, Resource) {
  const VariableCase& c = GetParam();
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":")" +
                       c.resource + R"("}})");
  RequestContext ctx;
  ctx.username = c.username;
  EXPECT_EQ(Eval(p, "s3:GetObject", c.request_resource, &ctx),
            c.match ? Decision::kAllow : Decision::kNoMatch)
      << c.resource << " user '" << c.username << "' vs " << c.request_resource;
}

INSTANTIATE_TEST_SUITE_P(
    PolicyVariables, VariableTest,
    ::testing::Values(
        VariableCase{"arn:aws:s3:::home/${aws:username}/*", "alice", "arn:aws:s3:::home/alice/x",
                     true},
        VariableCase{"arn:aws:s3:::home/${aws:username}/*", "alice", "arn:aws:s3:::home/bob/x",
                     false},
        VariableCase{"arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home//x", false},
        VariableCase{"arn:aws:s3:::home/${ aws:username }/*", "alice", "arn:aws:s3:::home/alice/x",
                     true},
        // A value's own wildcards are literal.
        VariableCase{"arn:aws:s3:::home/${aws:username}/*", "a*", "arn:aws:s3:::home/abc/x", false},
        VariableCase{"arn:aws:s3:::home/${aws:username}/*", "a*", "arn:aws:s3:::home/a*/x", true},
        // Escapes: ${*} ${?} ${$} are literal characters.
        VariableCase{"arn:aws:s3:::b/${*}", "", "arn:aws:s3:::b/*", true},
        VariableCase{"arn:aws:s3:::b/${*}", "", "arn:aws:s3:::b/x", false},
        VariableCase{"arn:aws:s3:::b/${?}", "", "arn:aws:s3:::b/?", true},
        VariableCase{"arn:aws:s3:::b/${?}", "", "arn:aws:s3:::b/x", false},
        VariableCase{"arn:aws:s3:::b/${$}{x}", "", "arn:aws:s3:::b/${x}", true},
        // Defaults.
        VariableCase{"arn:aws:s3:::home/${aws:username, 'guest'}/*", "",
                     "arn:aws:s3:::home/guest/x", true},
        VariableCase{"arn:aws:s3:::home/${aws:username, 'guest'}/*", "bob",
                     "arn:aws:s3:::home/bob/x", true}));

TEST(PolicyVariables, OldVersionKeepsTextLiteral) {
  Policy p = MustParse(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}})");
  RequestContext ctx;
  ctx.username = "alice";
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::home/alice/x", &ctx), Decision::kNoMatch);
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x", &ctx), Decision::kAllow);
  // No Version at all means 2008-10-17 too (AWS).
  Policy none = MustParse(R"({"Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}})");
  EXPECT_EQ(Eval(none, "s3:GetObject", "arn:aws:s3:::home/alice/x", &ctx), Decision::kNoMatch);
}

TEST(PolicyVariables, InConditionValues) {
  // The AWS example: a user may list only their own prefix.
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:ListBucket","Resource":"arn:aws:s3:::home",
      "Condition":{"StringLike":{"s3:prefix":["","${aws:username}/*"]}}},
      {"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
      "Condition":{"StringEquals":{"aws:Referer":"https://${aws:username}.example/"}}}]})");
  RequestContext ctx;
  ctx.username = "alice";
  ctx.values["s3:prefix"] = {"alice/docs/"};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::home", &ctx), Decision::kAllow);
  ctx.values["s3:prefix"] = {"bob/"};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::home", &ctx), Decision::kNoMatch);
  ctx.values["s3:prefix"] = {""};
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::home", &ctx), Decision::kAllow);
  ctx.values["aws:Referer"] = {"https://alice.example/"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::x/y", &ctx), Decision::kAllow);
  ctx.username = "bob";
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::x/y", &ctx), Decision::kNoMatch);
  // A context value for aws:username takes precedence over RequestContext::username.
  ctx.values["aws:username"] = {"alice"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::x/y", &ctx), Decision::kAllow);
}

TEST(PolicyVariables, OtherKeysAndMultiValuedKeys) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:userid}/*"}})");
  RequestContext ctx;
  ctx.values["aws:userid"] = {"AID123"};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/AID123/k", &ctx), Decision::kAllow);
  ctx.values["aws:userid"] = {"AID123", "AID456"};  // multi-valued keys are not variables
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/AID123/k", &ctx), Decision::kNoMatch);
}

// ---------------------------------------------------------------------------------------------
// Malformed documents: each is refused with a message that names the place.

struct MalformedCase {
  std::string json;
  std::string message;  // a substring of the expected message
  PolicyKind kind = PolicyKind::kIdentity;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.message; }

class MalformedTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedTest, Refused) {
  const MalformedCase& c = GetParam();
  auto p = ParsePolicy(c.json, ParseOptions{c.kind});
  ASSERT_FALSE(p.ok()) << c.json;
  EXPECT_EQ(p.status().code(), Code::kMalformedPolicy);
  EXPECT_NE(p.status().message().find(c.message), std::string::npos)
      << "got: " << p.status().message() << "\nwant: " << c.message;
}

#define S(stmt) R"({"Version":"2012-10-17","Statement":[)" stmt "]}"
#define OK_STMT R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"

INSTANTIATE_TEST_SUITE_P(
    PolicyMalformed, MalformedTest,
    ::testing::Values(
        MalformedCase{"", "invalid JSON: parse error at line 1, column 1"},
        MalformedCase{"{", "invalid JSON: parse error at line 1, column"},
        MalformedCase{"{\n  \"Version\": \"2012-10-17\",\n}",
                      "invalid JSON: parse error at line 3"},
        MalformedCase{R"({"Version":"2012-10-17","Statement":[)" OK_STMT "}", "invalid JSON"},
        MalformedCase{"[]", "policy must be a JSON object"},
        MalformedCase{R"({"Version":"2012-10-17"})", "missing Statement"},
        MalformedCase{R"({"Version":"2012-10-17","Statement":[]})", "Statement: must not be empty"},
        MalformedCase{R"({"Version":"2012-10-17","Statement":"x"})",
                      "Statement: must be an object or a list"},
        MalformedCase{R"({"Version":"2012-10-17","Statement":[)" OK_STMT R"(,7]})",
                      "Statement[1]: must be an object"},
        MalformedCase{R"({"Version":"2020-01-01","Statement":[)" OK_STMT "]}", "Version: must be"},
        MalformedCase{R"({"Version":20121017,"Statement":[)" OK_STMT "]}", "Version: must be"},
        MalformedCase{R"({"Version":"2012-10-17","Id":5,"Statement":[)" OK_STMT "]}",
                      "Id: must be a string"},
        MalformedCase{R"({"Version":"2012-10-17","Extra":1,"Statement":[)" OK_STMT "]}",
                      "unknown top-level field Extra"},
        MalformedCase{R"({"version":"2012-10-17","Statement":[)" OK_STMT "]}",
                      "unknown top-level field version"},
        MalformedCase{S(OK_STMT R"(,{"Action":"s3:*","Resource":"*"})"),
                      "Statement[1]: missing Effect"},
        MalformedCase{S(OK_STMT R"(,{"Effect":"allow","Action":"s3:*","Resource":"*"})"),
                      "Statement[1].Effect: must be Allow or Deny"},
        MalformedCase{S(R"({"Effect":true,"Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Effect: must be Allow or Deny"},
        MalformedCase{S(R"({"Effect":"Allow","Resource":"*"})"),
                      "Statement[0]: missing Action or NotAction"},
        MalformedCase{
            S(R"({"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"})"),
            "Statement[0]: has both Action and NotAction"},
        MalformedCase{S(R"({"Effect":"Allow","Action":[],"Resource":"*"})"),
                      "Statement[0].Action: must not be empty"},
        MalformedCase{S(R"({"Effect":"Allow","Action":["s3:GetObject",3],"Resource":"*"})"),
                      "Statement[0].Action[1]: must be a string"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"GetObject","Resource":"*"})"),
                      "Statement[0].Action[0]: invalid action 'GetObject'"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:Get Object","Resource":"*"})"),
                      "Statement[0].Action[0]: invalid action"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:GetObject"})"),
                      "Statement[0]: missing Resource or NotResource"},
        MalformedCase{S(R"({"Effect":"Allow","NotAction":"admin:*"})"),
                      "Statement[0]: missing Resource or NotResource"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"})"),
                      "has both Resource and NotResource"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"bucket/*"})"),
                      "Statement[0].Resource[0]: invalid resource 'bucket/*'"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":["*","arn:aws:s3"]})"),
                      "Statement[0].Resource[1]: invalid resource"},
        MalformedCase{
            S(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username"})"),
            "Statement[0].Resource[0]: unterminated policy variable"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${}"})"),
                      "empty policy variable"},
        MalformedCase{
            S(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${a:b, x}"})"),
            "default must be in single quotes"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":1})"),
                      "Statement[0]: unknown field Foo"},
        MalformedCase{S(R"({"Effect":"Allow","action":"s3:*","Resource":"*"})"),
                      "Statement[0]: unknown field action"},
        MalformedCase{S(R"({"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Sid: must be a string"},
        MalformedCase{S(R"({"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},)"
                        R"({"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"})"),
                      "Statement[1].Sid: duplicate Sid a"},
        // Principals.
        MalformedCase{S(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Principal: not allowed in an identity policy"},
        MalformedCase{S(R"({"Effect":"Allow","NotPrincipal":"*","Action":"s3:*","Resource":"*"})"),
                      "Statement[0].NotPrincipal: not allowed in an identity policy"},
        MalformedCase{S(OK_STMT), "Statement[0]: missing Principal", PolicyKind::kBucket},
        MalformedCase{S(R"({"Effect":"Allow","Principal":"alice","Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Principal: must be \"*\" or an object", PolicyKind::kBucket},
        MalformedCase{S(R"({"Effect":"Allow","Principal":{},"Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Principal: must be", PolicyKind::kBucket},
        MalformedCase{S(R"({"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},)"
                        R"("Action":"s3:*","Resource":"*"})"),
                      "Statement[0].Principal.Service: unsupported principal type",
                      PolicyKind::kBucket},
        MalformedCase{
            S(R"({"Effect":"Allow","Principal":{"AWS":[""]},"Action":"s3:*","Resource":"*"})"),
            "Statement[0].Principal.AWS: empty principal", PolicyKind::kBucket},
        MalformedCase{
            S(R"({"Effect":"Allow","Principal":{"AWS":[1]},"Action":"s3:*","Resource":"*"})"),
            "Statement[0].Principal.AWS[0]: must be a string", PolicyKind::kBucket},
        MalformedCase{S(R"({"Effect":"Allow","Principal":"*","NotPrincipal":"*",)"
                        R"("Action":"s3:*","Resource":"*"})"),
                      "has both Principal and NotPrincipal", PolicyKind::kBucket},
        // Conditions.
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":[]})"),
                      "Statement[0].Condition: must be an object"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"Foo":{"aws:SourceIp":"1.2.3.4"}}})"),
                      "Statement[0].Condition.Foo: unknown condition operator Foo"},
        MalformedCase{S(OK_STMT R"(,{"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                                R"("Condition":{"StringEquals":{"aws:username":"a"},)"
                                R"("stringequals":{"aws:username":"a"}}})"),
                      "Statement[1].Condition.stringequals: unknown condition operator"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"ForSomeValues:StringEquals":{"a:b":"c"}}})"),
                      "unknown condition operator ForSomeValues:StringEquals"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"NullIfExists":{"a:b":"true"}}})"),
                      "Null takes no IfExists"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringEquals":"x"}})"),
                      "Statement[0].Condition.StringEquals: must be a non-empty object"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringEquals":{"username":"x"}}})"),
                      "Statement[0].Condition.StringEquals.username: invalid condition key"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringEquals":{"aws:username":[]}}})"),
                      "Statement[0].Condition.StringEquals.aws:username: must have at least one"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringEquals":{"aws:username":{"a":1}}}})"),
                      "aws:username: condition value must be a string, number or boolean"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringEquals":{"aws:username":["a",null]}}})"),
                      "aws:username[1]: condition value must be"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"NumericLessThanEquals":{"s3:max-keys":"ten"}}})"),
                      "Condition.NumericLessThanEquals.s3:max-keys: 'ten' is not a number"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}})"),
                      "Condition.DateLessThan.aws:CurrentTime: 'tomorrow' is not an ISO 8601"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"DateLessThan":{"aws:CurrentTime":"2024-13-01"}}})"),
                      "is not an ISO 8601"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"Bool":{"aws:SecureTransport":"yes"}}})"),
                      "Condition.Bool.aws:SecureTransport: 'yes' is not true or false"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}})"),
                      "Condition.IpAddress.aws:SourceIp: '10.0.0.0/33' is not an IP address"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"NotIpAddress":{"aws:SourceIp":["::1","1.2.3"]}}})"),
                      "Condition.NotIpAddress.aws:SourceIp[1]: '1.2.3' is not an IP address"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"Null":{"aws:SourceIp":"maybe"}}})"),
                      "'maybe' is not true or false"},
        MalformedCase{S(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                        R"("Condition":{"StringLike":{"s3:prefix":"${aws:username"}}})"),
                      "Condition.StringLike.s3:prefix: unterminated policy variable"},
        MalformedCase{std::string(100, '[') + std::string(100, ']'), "nested too deeply"}));

#undef S
#undef OK_STMT

TEST(PolicyParse, AcceptsTheDocumentedShapes) {
  // Single statement object, string forms, Id, Sid, 2008 version, numbers/bools as values.
  Policy p = MustParse(R"({"Version":"2008-10-17","Id":"p1","Statement":{"Sid":"One",
      "Effect":"Deny","NotAction":"s3:Get*","NotResource":["arn:aws:s3:::a/*","arn:aws:s3:::b"],
      "Condition":{"NumericGreaterThan":{"s3:max-keys":[100, "200"]},
                   "Bool":{"aws:SecureTransport":false},
                   "ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["x*","y?"]}}}})");
  ASSERT_EQ(p.statements.size(), 1u);
  const Statement& s = p.statements[0];
  EXPECT_EQ(p.id, "p1");
  EXPECT_EQ(p.version, "2008-10-17");
  EXPECT_EQ(s.sid, "One");
  EXPECT_EQ(s.effect, Effect::kDeny);
  EXPECT_TRUE(s.not_action);
  EXPECT_TRUE(s.not_resource);
  EXPECT_EQ(s.resources.size(), 2u);
  ASSERT_EQ(s.conditions.size(), 3u);
  for (const Condition& c : s.conditions) {
    if (c.op == ConditionOperator::kStringLike) {
      EXPECT_EQ(c.qualifier, SetQualifier::kForAnyValue);
      EXPECT_TRUE(c.if_exists);
      EXPECT_EQ(c.operator_name, "ForAnyValue:StringLikeIfExists");
    }
    if (c.op == ConditionOperator::kNumericGreaterThan) {
      ASSERT_EQ(c.values.size(), 2u);
      EXPECT_EQ(c.values[0].number, 100);
      EXPECT_EQ(c.values[1].number, 200);
    }
  }
  // MinIO lets admin-only statements omit Resource.
  Policy admin = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:*","kms:*"]}]})");
  EXPECT_EQ(Eval(admin, "admin:ServerInfo", ""), Decision::kAllow);
  EXPECT_EQ(Eval(admin, "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kNoMatch);
  // Sid duplicates are only about non-empty Sids.
  MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"}]})");
}

// ---------------------------------------------------------------------------------------------
// MinIO's canned policies.

TEST(PolicyCanned, EveryNameParsesAndHasJson) {
  ASSERT_EQ(CannedPolicyNames().size(), 5u);
  for (std::string_view name : CannedPolicyNames()) {
    ASSERT_NE(CannedPolicy(name), nullptr) << name;
    auto reparsed = ParsePolicy(CannedPolicyJson(name));
    EXPECT_TRUE(reparsed.ok()) << name;
  }
  EXPECT_EQ(CannedPolicy("nope"), nullptr);
  EXPECT_EQ(CannedPolicy("ReadOnly"), nullptr);  // names are case-sensitive, as in MinIO
  EXPECT_EQ(CannedPolicyJson("nope"), "");
}

struct CannedCase {
  std::string policy;
  std::string action;
  std::string resource;
  Decision want;
};

void PrintTo(const CannedCase& c, std::ostream* os) {
  *os << c.policy << " " << c.action << " " << c.resource;
}

class CannedTest : public ::testing::TestWithParam<CannedCase> {};

TEST_P(CannedTest, Decides) {
  const CannedCase& c = GetParam();
  const Policy* p = CannedPolicy(c.policy);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Eval(*p, c.action, c.resource), c.want) << c.policy << " " << c.action;
}

INSTANTIATE_TEST_SUITE_P(
    PolicyCanned, CannedTest,
    ::testing::Values(
        CannedCase{"readwrite", "s3:GetObject", "arn:aws:s3:::b/k", Decision::kAllow},
        CannedCase{"readwrite", "s3:DeleteBucket", "arn:aws:s3:::b", Decision::kAllow},
        CannedCase{"readwrite", "s3:ListAllMyBuckets", "arn:aws:s3:::*", Decision::kAllow},
        CannedCase{"readwrite", "admin:CreateUser", "", Decision::kNoMatch},
        CannedCase{"readonly", "s3:GetObject", "arn:aws:s3:::b/k", Decision::kAllow},
        CannedCase{"readonly", "s3:GetBucketLocation", "arn:aws:s3:::b", Decision::kAllow},
        CannedCase{"readonly", "s3:ListBucket", "arn:aws:s3:::b", Decision::kNoMatch},
        CannedCase{"readonly", "s3:PutObject", "arn:aws:s3:::b/k", Decision::kNoMatch},
        CannedCase{"readonly", "admin:CreateUser", "", Decision::kExplicitDeny},
        CannedCase{"writeonly", "s3:PutObject", "arn:aws:s3:::b/k", Decision::kAllow},
        CannedCase{"writeonly", "s3:GetObject", "arn:aws:s3:::b/k", Decision::kNoMatch},
        CannedCase{"diagnostics", "admin:ServerInfo", "", Decision::kAllow},
        CannedCase{"diagnostics", "admin:Prometheus", "arn:aws:s3:::*", Decision::kAllow},
        CannedCase{"diagnostics", "admin:OBDInfo", "", Decision::kAllow},
        CannedCase{"diagnostics", "admin:CreateUser", "", Decision::kNoMatch},
        CannedCase{"diagnostics", "s3:GetObject", "arn:aws:s3:::b/k", Decision::kNoMatch},
        CannedCase{"consoleAdmin", "admin:CreateUser", "", Decision::kAllow},
        CannedCase{"consoleAdmin", "kms:CreateKey", "", Decision::kAllow},
        CannedCase{"consoleAdmin", "s3:PutBucketPolicy", "arn:aws:s3:::b", Decision::kAllow},
        CannedCase{"consoleAdmin", "sts:AssumeRole", "", Decision::kNoMatch}));

TEST(PolicyCanned, ReadonlyDenyBeatsConsoleAdminAsInMinio) {
  std::vector<const Policy*> both = {CannedPolicy("consoleAdmin"), CannedPolicy("readonly")};
  EXPECT_EQ(EvaluateAll(both, Request{"admin:CreateUser", "", nullptr}), Decision::kExplicitDeny);
  EXPECT_EQ(EvaluateAll(both, Request{"admin:ServerInfo", "", nullptr}), Decision::kAllow);
}

TEST(PolicyIsPublicTest, OnlyUnconditionalAnonymousAllow) {
  auto bucket = [](const std::string& stmt) {
    return MustParse(R"({"Version":"2012-10-17","Statement":[)" + stmt + "]}", PolicyKind::kBucket);
  };
  EXPECT_TRUE(IsPublic(bucket(
      R"({"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*"})")));
  EXPECT_FALSE(IsPublic(
      bucket(R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"})")));
  EXPECT_FALSE(IsPublic(bucket(
      R"({"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:GetObject","Resource":"*"})")));
  EXPECT_FALSE(IsPublic(bucket(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})")));
  // AWS's meaning of public: only conditions that pin the caller make it private.
  EXPECT_TRUE(IsPublic(bucket(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"*","Condition":{"StringLike":{"aws:Referer":"https://me/*"}}})")));
  EXPECT_TRUE(IsPublic(bucket(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}})")));
  EXPECT_TRUE(IsPublic(bucket(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:sns:*"}}})")));
  EXPECT_FALSE(IsPublic(bucket(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}})")));
  EXPECT_TRUE(IsPublic(bucket(R"({"Effect":"Allow","NotPrincipal":{"AWS":"alice"},
      "Action":"s3:GetObject","Resource":"*"})")));
}

// ---------------------------------------------------------------------------------------------
// Robustness: nothing a client sends may crash the parser or the evaluator.

const char* kRichPolicy = R"({"Version":"2012-10-17","Id":"x","Statement":[
  {"Sid":"a","Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/a","*"]},
   "Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b"],
   "Condition":{"StringLike":{"s3:prefix":["${aws:username}/*",""]},
                "ForAllValues:StringEquals":{"aws:TagKeys":["k1","k2"]},
                "IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
                "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
                "NumericLessThanEquals":{"s3:max-keys":"1000"},
                "Bool":{"aws:SecureTransport":true},"Null":{"aws:Referer":"false"}}},
  {"Sid":"b","Effect":"Deny","NotPrincipal":{"AWS":"alice"},"NotAction":"s3:GetObject",
   "NotResource":"arn:aws:s3:::b/pub/*"}]})";

void EvaluateSomething(const Policy& p) {
  RequestContext ctx;
  ctx.principal_arn = "arn:aws:iam:::user/a";
  ctx.username = "a";
  ctx.values = {{"s3:prefix", {"a/x"}},         {"aws:TagKeys", {"k1"}},
                {"aws:SourceIp", {"10.1.2.3"}}, {"aws:CurrentTime", {"2025-01-01T00:00:00Z"}},
                {"s3:max-keys", {"5"}},         {"aws:SecureTransport", {"true"}},
                {"aws:Referer", {"x"}}};
  (void)Evaluate(p, Request{"s3:GetObject", "arn:aws:s3:::b/a/k", &ctx});
  (void)Evaluate(p, Request{"s3:PutObject", "arn:aws:s3:::b", nullptr});
}

TEST(PolicyRobustness, RichPolicyEvaluates) {
  Policy p = MustParse(kRichPolicy, PolicyKind::kBucket);
  RequestContext ctx;
  ctx.principal_arn = "arn:aws:iam:::user/a";
  ctx.username = "a";
  ctx.values = {{"s3:prefix", {"a/x"}},         {"aws:TagKeys", {"k1"}},
                {"aws:SourceIp", {"10.1.2.3"}}, {"aws:CurrentTime", {"2025-01-01T00:00:00Z"}},
                {"s3:max-keys", {"5"}},         {"aws:SecureTransport", {"true"}},
                {"aws:Referer", {"x"}}};
  EXPECT_EQ(Eval(p, "s3:GetObject", "arn:aws:s3:::b/a/k", &ctx), Decision::kAllow);
  EXPECT_EQ(Eval(p, "s3:ListBucket", "arn:aws:s3:::b", &ctx), Decision::kExplicitDeny);
}

TEST(PolicyRobustness, TruncationsNeverCrash) {
  std::string doc = kRichPolicy;
  for (size_t n = 0; n < doc.size(); ++n) {
    auto p = ParsePolicy(std::string_view(doc).substr(0, n), ParseOptions{PolicyKind::kBucket});
    EXPECT_FALSE(p.ok()) << n;  // every proper prefix of an object is incomplete JSON
  }
}

TEST(PolicyRobustness, MutationsNeverCrash) {
  std::mt19937 rng(42);
  const std::string base = kRichPolicy;
  const std::string alphabet = "{}[]\":,*?$\\/ 0123456789aAzZ-.\x00\xff\xe2\x82\xac";
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string doc = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % doc.size();
      switch (rng() % 3) {
        case 0: doc[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: doc.erase(pos, 1 + rng() % 8); break;
        default: doc.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (doc.empty()) doc = "{";
    }
    for (PolicyKind kind : {PolicyKind::kBucket, PolicyKind::kIdentity}) {
      auto p = ParsePolicy(doc, ParseOptions{kind});
      if (p.ok()) {
        ++parsed;
        EvaluateSomething(*p);
      } else {
        EXPECT_FALSE(p.status().message().empty());
      }
    }
  }
  EXPECT_GT(parsed, 0);  // some mutations stay valid and are evaluated
}

TEST(PolicyRobustness, RandomBytesAndDeepNesting) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string doc(rng() % 64, '\0');
    for (char& c : doc) c = static_cast<char>(rng() % 256);
    auto p = ParsePolicy(doc);
    EXPECT_FALSE(p.ok());
  }
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_FALSE(ParsePolicy(deep).ok());
  std::string deep_obj;
  for (int i = 0; i < 100000; ++i) deep_obj += R"({"a":)";
  EXPECT_FALSE(ParsePolicy(deep_obj).ok());
  EXPECT_FALSE(ParsePolicy(std::string(2 << 20, ' ')).ok());  // too large
}

// ---------------------------------------------------------------------------------------------
// Helpers for the S3 layer.

TEST(PolicyS3Arns, ResourceArnAndBucketPolicyResources) {
  EXPECT_EQ(S3ResourceArn("b", "k/x"), "arn:aws:s3:::b/k/x");
  EXPECT_EQ(S3ResourceArn("b"), "arn:aws:s3:::b");
  EXPECT_EQ(S3ResourceArn(""), "arn:aws:s3:::*");
  auto bucket_policy = [](const std::string& resource) {
    return MustParse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":[)" +
                         resource + "]}]}",
                     PolicyKind::kBucket);
  };
  EXPECT_TRUE(
      CheckBucketPolicyResources(bucket_policy(R"("arn:aws:s3:::b/*","arn:aws:s3:::b")"), "b")
          .ok());
  EXPECT_TRUE(CheckBucketPolicyResources(bucket_policy(R"("arn:aws:s3:::b*/x")"), "b").ok());
  auto other = CheckBucketPolicyResources(
      bucket_policy(R"("arn:aws:s3:::b/*","arn:aws:s3:::other/*")"), "b");
  EXPECT_EQ(other.code(), Code::kMalformedPolicy);
  EXPECT_NE(other.message().find("Statement[0].Resource[1]"), std::string::npos) << other.message();
  EXPECT_FALSE(CheckBucketPolicyResources(bucket_policy(R"("arn:aws:s3:::bb/*")"), "b").ok());
  EXPECT_TRUE(CheckBucketPolicyResources(bucket_policy(R"("*")"), "b").ok());
  EXPECT_FALSE(CheckBucketPolicyResources(bucket_policy(R"("arn:aws:iam:::user/x")"), "b").ok());
}

}  // namespace
}  // namespace cairn::iam::policy
