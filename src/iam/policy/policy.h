// The AWS IAM policy language, pure: parse a JSON policy document, then decide whether it allows
// a request (action + resource ARN + principal + condition context). No I/O, no users, no
// storage: iam/ owns who holds which policy; this layer only reads and applies documents.
//
// Semantics follow AWS (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_*):
// explicit Deny beats Allow, Allow beats nothing; action names match case-insensitively,
// resources case-sensitively with `*` and `?`; condition key names are case-insensitive.
// MinIO's additions are accepted too: a statement whose actions are all outside s3 (admin:,
// kms:, sts:) may omit Resource, and a request for such an action ignores statements' resources
// (MinIO's canned "diagnostics" names admin actions with Resource arn:aws:s3:::*).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::iam::policy {

enum class Effect { kAllow, kDeny };

// Which document this is: it decides whether Principal is required (bucket) or refused
// (identity: users, groups, service-account session policies).
enum class PolicyKind { kIdentity, kBucket };

struct ParseOptions {
  PolicyKind kind = PolicyKind::kIdentity;
};

// Principal / NotPrincipal: "*" or {"AWS": "*" | ARN | user name | account id, or a list}.
struct PrincipalSet {
  bool any = false;                  // "*" or {"AWS": "*"}
  std::vector<std::string> entries;  // as written
};

enum class ConditionOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnNotEquals,
  kArnLike,
  kArnNotLike,
  kNull,
};

// ForAnyValue: / ForAllValues: prefixes (for keys that carry several values in the request).
enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// An IPv4 or IPv6 network; IPv4 is kept as 4 bytes (IPv4-mapped IPv6 requests are unwrapped).
struct Cidr {
  int family = 4;  // 4 or 6
  unsigned char bytes[16] = {};
  int prefix = 32;
};

// One value of a condition, as written plus its typed form for the operator's kind.
struct ConditionValue {
  std::string text;
  bool has_variables = false;  // contains ${...} (Version 2012-10-17 only)
  double number = 0;           // Numeric*
  int64_t unix_seconds = 0;    // Date*
  Cidr cidr;                   // IpAddress / NotIpAddress
  bool flag = false;           // Bool, Null
};

// One "operator": {"key": values} pair of a Condition block.
struct Condition {
  std::string operator_name;  // as written: "ForAnyValue:StringLikeIfExists"
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;  // as written; compared case-insensitively
  std::vector<ConditionValue> values;
};

// A resource pattern ("arn:aws:s3:::bucket/*"); ${...} variables are expanded per request.
struct ResourcePattern {
  std::string text;
  bool has_variables = false;
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool has_principal = false;  // Principal or NotPrincipal present
  bool not_principal = false;
  PrincipalSet principal;
  bool not_action = false;
  std::vector<std::string> actions;  // "s3:GetObject", "s3:Get*", "*"
  // No Resource and no NotResource (only allowed for non-s3 actions): applies to any resource.
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  std::vector<Condition> conditions;  // all must hold
};

struct Policy {
  std::string version;  // "2012-10-17" or "2008-10-17" ("" when absent: treated as 2008-10-17)
  std::string id;
  PolicyKind kind = PolicyKind::kIdentity;
  std::vector<Statement> statements;
  bool variables_enabled() const { return version == "2012-10-17"; }
};

// Parses and validates a policy document. Errors are Code::kInvalidArgument with a message
// naming the place: "Statement[1].Effect: must be Allow or Deny".
Result<Policy> ParsePolicy(std::string_view json, const ParseOptions& options = {});

// The values a request brings for condition keys and policy variables. Key names are matched
// case-insensitively ("aws:SourceIp", "s3:prefix", "s3:ExistingObjectTag/<tag>"). A key with
// several values (ForAnyValue/ForAllValues) lists them all; an empty list counts as absent.
// aws:username falls back to `username` when `values` has no such key.
struct RequestContext {
  std::string principal_arn;  // "arn:aws:iam:::user/NAME"; "" or "*" for an anonymous caller
  std::string username;       // also ${aws:username}
  std::map<std::string, std::vector<std::string>> values;
};

struct Request {
  std::string_view action;                  // "s3:GetObject", "admin:CreateUser"
  std::string_view resource;                // "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket"
  const RequestContext* context = nullptr;  // null: no keys, anonymous
};

enum class Decision {
  kNoMatch,       // no statement applies: implicitly denied unless another policy allows
  kAllow,         // an Allow statement applies and no Deny does
  kExplicitDeny,  // a Deny statement applies: denied whatever else allows
};

std::string_view DecisionName(Decision d);

// What one policy says about a request. For bucket policies a statement applies only when its
// Principal matches the request's principal; identity policies ignore principals.
Decision Evaluate(const Policy& policy, const Request& request);

// All policies that bear on one request (a user's, its groups', the bucket's): any explicit
// Deny wins; otherwise any Allow; otherwise kNoMatch (implicit deny). Null entries are skipped.
Decision EvaluateAll(std::span<const Policy* const> policies, const Request& request);

// Whether a statement's Principal / NotPrincipal covers `principal_arn` ("" or "*" for anyone
// anonymous). A statement without a principal element (identity policies) covers everyone.
// Principal entries name users as "arn:aws:iam::[ACCOUNT]:user/[PATH/]NAME" or as "NAME".
bool PrincipalMatches(const Statement& statement, std::string_view principal_arn);

// Whether a statement of `policy` whose Action covers `action` has a condition on a key that
// begins with `key_prefix` (case-insensitively): lets a caller fetch a costly key's values only
// for requests some policy may judge by it.
bool UsesConditionKeyPrefix(const Policy& policy, std::string_view action,
                            std::string_view key_prefix);

// Whether a bucket policy is public as AWS defines it ("The meaning of public":
// GetBucketPolicyStatus, BlockPublicPolicy, RestrictPublicBuckets): an Allow statement for any
// principal ("*", or NotPrincipal) that no condition pins to a CIDR set (aws:SourceIp, not /0) or
// to a fixed aws:SourceArn/SourceVpc/SourceVpce/SourceOwner/SourceAccount/userid or KMS key id.
bool IsPublic(const Policy& policy);

// The resource ARN of an S3 request: "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket" for
// bucket-level actions, and "arn:aws:s3:::*" for account-level ones (ListAllMyBuckets; matched
// by Resource "*" and "arn:aws:s3:::*" as in AWS, not by a bucket's ARN).
std::string S3ResourceArn(std::string_view bucket, std::string_view key = {});

// PutBucketPolicy's check that a bucket policy speaks only of its own bucket: every Resource /
// NotResource must be "*" or an S3 ARN whose bucket part (before the first '/') can match
// `bucket`.
// Error: kInvalidArgument "Statement[0].Resource[1]: ... (Policy has invalid resource)".
Status CheckBucketPolicyResources(const Policy& policy, std::string_view bucket);

// Wildcard match as used for resources and StringLike: `*` any run of characters (including
// '/'), `?` exactly one character. Exposed for the S3 layer and tests.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

// MinIO's canned policies: readonly, readwrite, writeonly, diagnostics, consoleAdmin.
// Returns null for another name. Documents are parsed once and live for the program.
const Policy* CannedPolicy(std::string_view name);
// The JSON text of a canned policy ("" for an unknown name), as `admin policy info` shows it.
std::string_view CannedPolicyJson(std::string_view name);
std::span<const std::string_view> CannedPolicyNames();

}  // namespace cairn::iam::policy
