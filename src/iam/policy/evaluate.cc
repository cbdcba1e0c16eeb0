// Evaluate / EvaluateAll: does a policy allow, deny, or not speak to a request.
#include <cctype>

#include "iam/policy/internal.h"

namespace cairn::iam::policy {

namespace {

using internal::ContextView;
using internal::EqualsIgnoreCase;
using O = ConditionOperator;

bool IsNegated(ConditionOperator op) {
  switch (op) {
    case O::kStringNotEquals:
    case O::kStringNotEqualsIgnoreCase:
    case O::kStringNotLike:
    case O::kNumericNotEquals:
    case O::kDateNotEquals:
    case O::kNotIpAddress:
    case O::kArnNotEquals:
    case O::kArnNotLike: return true;
    default: return false;
  }
}

template <typename T>
bool Compare(ConditionOperator op, T request, T policy) {
  switch (op) {
    case O::kNumericEquals:
    case O::kNumericNotEquals:
    case O::kDateEquals:
    case O::kDateNotEquals: return request == policy;
    case O::kNumericLessThan:
    case O::kDateLessThan: return request < policy;
    case O::kNumericLessThanEquals:
    case O::kDateLessThanEquals: return request <= policy;
    case O::kNumericGreaterThan:
    case O::kDateGreaterThan: return request > policy;
    case O::kNumericGreaterThanEquals:
    case O::kDateGreaterThanEquals: return request >= policy;
    default: return false;
  }
}

// Whether one request value matches one policy value under the operator's positive form
// (StringNotEquals compares as StringEquals; the caller negates).
bool ValueMatches(const Condition& c, const ConditionValue& v, std::string_view request,
                  const ContextView& ctx) {
  switch (c.op) {
    case O::kStringEquals:
    case O::kStringNotEquals:
    case O::kStringEqualsIgnoreCase:
    case O::kStringNotEqualsIgnoreCase: {
      bool ignore = c.op == O::kStringEqualsIgnoreCase || c.op == O::kStringNotEqualsIgnoreCase;
      std::string expanded;
      std::string_view want = v.text;
      if (v.has_variables) {
        auto e = internal::ExpandVariables(v.text, ctx, /*glob=*/false);
        if (!e) return false;
        expanded = std::move(*e);
        want = expanded;
      }
      return ignore ? EqualsIgnoreCase(request, want) : request == want;
    }
    case O::kStringLike:
    case O::kStringNotLike:
    case O::kArnEquals:
    case O::kArnNotEquals:
    case O::kArnLike:
    case O::kArnNotLike: {
      // AWS treats ArnEquals like ArnLike: both take wildcards.
      if (v.has_variables) {
        auto e = internal::ExpandVariables(v.text, ctx, /*glob=*/true);
        return e && internal::GlobMatch(*e, request, false, /*escaped=*/true);
      }
      return internal::GlobMatch(v.text, request, false, /*escaped=*/false);
    }
    case O::kNumericEquals:
    case O::kNumericNotEquals:
    case O::kNumericLessThan:
    case O::kNumericLessThanEquals:
    case O::kNumericGreaterThan:
    case O::kNumericGreaterThanEquals: {
      auto n = internal::ParseNumber(request);
      return n && Compare(c.op, *n, v.number);
    }
    case O::kDateEquals:
    case O::kDateNotEquals:
    case O::kDateLessThan:
    case O::kDateLessThanEquals:
    case O::kDateGreaterThan:
    case O::kDateGreaterThanEquals: {
      auto d = internal::ParseDateSeconds(request);
      return d && Compare(c.op, *d, v.unix_seconds);
    }
    case O::kBool: return EqualsIgnoreCase(request, v.flag ? "true" : "false");
    case O::kIpAddress:
    case O::kNotIpAddress: {
      auto ip = internal::ParseCidr(request, /*allow_prefix=*/false);
      return ip && internal::CidrContains(v.cidr, *ip);
    }
    case O::kNull: return false;  // handled by the caller
  }
  return false;
}

// AWS semantics (reference_policies_elements_condition_operators, ..._multi-value-conditions):
// - several policy values for a key: OR; for a negated operator, NOR.
// - key absent: false, except negated operators (true), ...IfExists (true), ForAllValues (true)
//   and ForAnyValue (false, even when negated).
// - ForAnyValue: some request value matches; ForAllValues: every request value matches, where
//   "matches" for a negated operator means "equals none of the policy values".
bool ConditionHolds(const Condition& c, const ContextView& ctx) {
  const std::vector<std::string>* values = ctx.Find(c.key);
  const bool present = values && !values->empty();
  if (c.op == O::kNull) {
    for (const auto& v : c.values) {
      if (v.flag != present) return true;  // Null:true holds when absent, Null:false when present
    }
    return false;
  }
  const bool negated = IsNegated(c.op);
  if (!present) {
    if (c.if_exists) return true;
    switch (c.qualifier) {
      case SetQualifier::kForAllValues: return true;
      case SetQualifier::kForAnyValue: return false;
      case SetQualifier::kNone: return negated;
    }
  }
  auto request_value_holds = [&](const std::string& r) {
    bool any = false;
    for (const auto& v : c.values) {
      if (ValueMatches(c, v, r, ctx)) {
        any = true;
        break;
      }
    }
    return negated ? !any : any;
  };
  switch (c.qualifier) {
    case SetQualifier::kForAnyValue:
      for (const auto& r : *values) {
        if (request_value_holds(r)) return true;
      }
      return false;
    case SetQualifier::kForAllValues:
      for (const auto& r : *values) {
        if (!request_value_holds(r)) return false;
      }
      return true;
    case SetQualifier::kNone:
      // A single-valued key in practice. Given several values, a positive operator holds if any
      // matches, a negated one only if none does (the negation of the positive form).
      if (negated) {
        for (const auto& r : *values) {
          if (!request_value_holds(r)) return false;
        }
        return true;
      }
      for (const auto& r : *values) {
        if (request_value_holds(r)) return true;
      }
      return false;
  }
  return false;
}

bool ActionMatches(const Statement& s, std::string_view action) {
  bool any = false;
  for (const auto& pattern : s.actions) {
    if (internal::GlobMatch(pattern, action, /*ignore_case=*/true, /*escaped=*/false)) {
      any = true;
      break;
    }
  }
  return s.not_action ? !any : any;
}

bool ResourceMatches(const Statement& s, std::string_view resource_action,
                     std::string_view resource, const ContextView& ctx) {
  if (!s.has_resource || internal::IsResourceFreeAction(resource_action)) return true;
  bool any = false;
  for (const auto& r : s.resources) {
    bool m;
    if (r.has_variables) {
      auto e = internal::ExpandVariables(r.text, ctx, /*glob=*/true);
      m = e && internal::GlobMatch(*e, resource, false, /*escaped=*/true);
    } else {
      m = internal::GlobMatch(r.text, resource, false, /*escaped=*/false);
    }
    if (m) {
      any = true;
      break;
    }
  }
  return s.not_resource ? !any : any;
}

bool IsAnonymous(std::string_view principal) { return principal.empty() || principal == "*"; }

// The user name an IAM principal denotes: "arn:aws:iam::[ACCOUNT]:user/[PATH/]NAME" -> NAME;
// a bare "NAME" -> NAME. Other ARNs (roles, account roots) yield "" (matched only verbatim).
std::string_view UserName(std::string_view p) {
  if (p.rfind("arn:", 0) != 0) return p.find(':') == std::string_view::npos ? p : "";
  size_t res = 0;
  for (int i = 0; i < 5; ++i) {
    res = p.find(':', res);
    if (res == std::string_view::npos) return "";
    ++res;
  }
  std::string_view resource = p.substr(res);
  if (resource.rfind("user/", 0) != 0) return "";
  return resource.substr(resource.rfind('/') + 1);
}

bool StatementApplies(const Statement& s, const Request& r, const ContextView& ctx) {
  if (!ActionMatches(s, r.action)) return false;
  if (!ResourceMatches(s, r.action, r.resource, ctx)) return false;
  if (!PrincipalMatches(s, r.context ? std::string_view(r.context->principal_arn) : "")) {
    return false;
  }
  for (const auto& c : s.conditions) {
    if (!ConditionHolds(c, ctx)) return false;
  }
  return true;
}

}  // namespace

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kNoMatch: return "NoMatch";
    case Decision::kAllow: return "Allow";
    case Decision::kExplicitDeny: return "ExplicitDeny";
  }
  return "?";
}

bool PrincipalMatches(const Statement& s, std::string_view principal_arn) {
  if (!s.has_principal) return true;
  bool match = s.principal.any;
  if (!match && !IsAnonymous(principal_arn)) {
    std::string_view name = UserName(principal_arn);
    for (const auto& e : s.principal.entries) {
      std::string_view entry_name = UserName(e);
      if (e == principal_arn || (!name.empty() && entry_name == name)) {
        match = true;
        break;
      }
    }
  }
  return s.not_principal ? !match : match;
}

Decision Evaluate(const Policy& policy, const Request& request) {
  ContextView ctx(request.context);
  Decision result = Decision::kNoMatch;
  for (const auto& s : policy.statements) {
    if (!StatementApplies(s, request, ctx)) continue;
    if (s.effect == Effect::kDeny) return Decision::kExplicitDeny;
    result = Decision::kAllow;
  }
  return result;
}

Decision EvaluateAll(std::span<const Policy* const> policies, const Request& request) {
  Decision result = Decision::kNoMatch;
  for (const Policy* p : policies) {
    if (!p) continue;
    Decision d = Evaluate(*p, request);
    if (d == Decision::kExplicitDeny) return d;
    if (d == Decision::kAllow) result = d;
  }
  return result;
}

bool UsesConditionKeyPrefix(const Policy& policy, std::string_view action,
                            std::string_view key_prefix) {
  for (const auto& s : policy.statements) {
    if (!ActionMatches(s, action)) continue;
    for (const auto& c : s.conditions) {
      if (c.key.size() >= key_prefix.size() &&
          internal::EqualsIgnoreCase(std::string_view(c.key).substr(0, key_prefix.size()),
                                     key_prefix)) {
        return true;
      }
    }
  }
  return false;
}

namespace {
// Whether `c` pins the request to values no stranger can choose, as AWS's "The meaning of
// public" lists them: a set of CIDRs in aws:SourceIp (not the whole internet), or a fixed
// (wildcard-free, variable-free) aws:SourceArn, SourceVpc, SourceVpce, SourceOwner,
// SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id or aws:userid.
bool IsFixingCondition(const Condition& c) {
  if (c.if_exists || c.qualifier == SetQualifier::kForAllValues || c.values.empty()) return false;
  std::string key;
  for (char ch : c.key)
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  if (key == "aws:sourceip") {
    if (c.op != ConditionOperator::kIpAddress) return false;
    for (const ConditionValue& v : c.values) {
      if (v.cidr.prefix == 0) return false;
    }
    return true;
  }
  static constexpr std::string_view kFixable[] = {
      "aws:sourcearn",   "aws:sourcevpc",     "aws:sourcevpce",
      "aws:sourceowner", "aws:sourceaccount", "s3:x-amz-server-side-encryption-aws-kms-key-id",
      "aws:userid"};
  bool fixable = false;
  for (std::string_view k : kFixable) fixable = fixable || key == k;
  if (!fixable) return false;
  const bool exact = c.op == ConditionOperator::kStringEquals ||
                     c.op == ConditionOperator::kStringEqualsIgnoreCase ||
                     c.op == ConditionOperator::kArnEquals;
  const bool like = c.op == ConditionOperator::kStringLike || c.op == ConditionOperator::kArnLike;
  if (!exact && !like) return false;
  for (const ConditionValue& v : c.values) {
    if (v.has_variables) return false;
    if (like && v.text.find_first_of("*?") != std::string::npos) return false;
    if (key == "aws:userid" && v.text.ends_with(":*")) return false;
  }
  return true;
}
}  // namespace

bool IsPublic(const Policy& policy) {
  for (const auto& s : policy.statements) {
    if (s.effect != Effect::kAllow || !s.has_principal) continue;
    bool anyone = s.not_principal || s.principal.any;
    for (const std::string& entry : s.principal.entries) anyone = anyone || entry == "*";
    if (!anyone) continue;
    bool fixed = false;
    for (const Condition& c : s.conditions) fixed = fixed || IsFixingCondition(c);
    if (!fixed) return true;
  }
  return false;
}

std::string S3ResourceArn(std::string_view bucket, std::string_view key) {
  std::string arn = "arn:aws:s3:::";
  if (bucket.empty()) return arn + "*";
  arn.append(bucket);
  if (!key.empty()) {
    arn.push_back('/');
    arn.append(key);
  }
  return arn;
}

Status CheckBucketPolicyResources(const Policy& policy, std::string_view bucket) {
  constexpr std::string_view kS3 = "arn:aws:s3:::";
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& s = policy.statements[i];
    for (size_t j = 0; j < s.resources.size(); ++j) {
      std::string_view r = s.resources[j].text;
      std::string where = "Statement[" + std::to_string(i) + "]." +
                          (s.not_resource ? "NotResource[" : "Resource[") + std::to_string(j) + "]";
      if (r == "*") continue;  // covers this bucket too; MinIO accepts it
      if (r.rfind(kS3, 0) != 0) {
        return Status(
            Code::kMalformedPolicy,
            where + ": '" + std::string(r) + "' is not an S3 ARN (Policy has invalid resource)");
      }
      std::string_view rest = r.substr(kS3.size());
      std::string_view bucket_part = rest.substr(0, rest.find('/'));
      // A variable in the bucket part cannot be checked now; AWS refuses those too.
      if (internal::HasVariables(bucket_part) ||
          !internal::GlobMatch(bucket_part, bucket, false, /*escaped=*/false)) {
        return Status(Code::kMalformedPolicy, where + ": '" + std::string(r) +
                                                  "' is not in bucket " + std::string(bucket) +
                                                  " (Policy has invalid resource)");
      }
    }
    if (!s.has_resource) {
      return Status(Code::kMalformedPolicy, "Statement[" + std::to_string(i) +
                                                "]: a bucket policy statement needs a Resource");
    }
  }
  return Status::Ok();
}

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  return internal::GlobMatch(pattern, text, ignore_case, /*escaped=*/false);
}

}  // namespace cairn::iam::policy
