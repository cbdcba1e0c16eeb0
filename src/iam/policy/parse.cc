// ParsePolicy: JSON text -> a validated Policy, with errors that name the place.
#include <nlohmann/json.hpp>
#include <set>

#include "iam/policy/internal.h"

namespace cairn::iam::policy {

namespace {

using internal::EqualsIgnoreCase;
using nlohmann::json;

// Documents deeper than this are not policies; refusing them early keeps the JSON library's
// recursion (and our own) bounded for hostile input.
constexpr int kMaxDepth = 32;
// MinIO accepts policies up to 20 KiB for buckets and larger for IAM; 1 MiB bounds the work.
constexpr size_t kMaxPolicyBytes = 1 << 20;

Status Error(const std::string& where, const std::string& what) {
  return Status(Code::kMalformedPolicy, where.empty() ? what : where + ": " + what);
}

std::string TypeName(const json& v) { return std::string(v.type_name()); }

int NestingDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

// A string, or a non-empty list of strings.
Result<std::vector<std::string>> StringList(const json& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return out;
  }
  if (!v.is_array()) return Error(where, "must be a string or a list of strings");
  if (v.empty()) return Error(where, "must not be empty");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      return Error(where + "[" + std::to_string(i) + "]",
                   "must be a string, not " + TypeName(v[i]));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

Status CheckAction(const std::string& a, const std::string& where) {
  if (a == "*") return Status::Ok();
  size_t colon = a.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == a.size()) {
    return Error(where, "invalid action '" + a + "': expected service:action");
  }
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(a[i]);
    bool ok = std::isalnum(c) || c == '*' || c == '?' || c == '-' || c == '_' || c == '.' ||
              (c == ':' && i == colon);
    if (!ok) return Error(where, "invalid action '" + a + "'");
  }
  return Status::Ok();
}

Status CheckResource(const std::string& r, const std::string& where) {
  if (r == "*") return Status::Ok();
  // arn:partition:service:region:account:resource (the resource part may hold more colons).
  if (r.rfind("arn:", 0) != 0 || std::count(r.begin(), r.end(), ':') < 5) {
    return Error(where, "invalid resource '" + r + "': expected an ARN or *");
  }
  std::string error;
  if (!internal::CheckVariables(r, &error)) return Error(where, error);
  return Status::Ok();
}

Status ParsePrincipal(const json& v, const std::string& where, PrincipalSet& out) {
  if (v.is_string()) {
    if (v.get<std::string>() != "*") {
      return Error(where, "must be \"*\" or an object such as {\"AWS\": [...]}");
    }
    out.any = true;
    return Status::Ok();
  }
  if (!v.is_object() || v.empty()) {
    return Error(where, "must be \"*\" or an object such as {\"AWS\": [...]}");
  }
  for (const auto& [type, entries] : v.items()) {
    std::string here = where + "." + type;
    if (type != "AWS") return Error(here, "unsupported principal type (only AWS)");
    CAIRN_ASSIGN_OR_RETURN(auto list, StringList(entries, here));
    for (auto& e : list) {
      if (e.empty()) return Error(here, "empty principal");
      if (e == "*") {
        out.any = true;
      } else {
        out.entries.push_back(std::move(e));
      }
    }
  }
  return Status::Ok();
}

// Splits "ForAnyValue:StringLikeIfExists" into its parts.
struct OperatorName {
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string_view base;
};

OperatorName SplitOperator(std::string_view name) {
  OperatorName out;
  if (name.rfind("ForAnyValue:", 0) == 0) {
    out.qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(12);
  } else if (name.rfind("ForAllValues:", 0) == 0) {
    out.qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(13);
  }
  constexpr std::string_view kIfExists = "IfExists";
  if (name.size() > kIfExists.size() && name.substr(name.size() - kIfExists.size()) == kIfExists) {
    out.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  out.base = name;
  return out;
}

struct OperatorInfo {
  std::string_view name;
  ConditionOperator op;
};

constexpr OperatorInfo kOperators[] = {
    {"StringEquals", ConditionOperator::kStringEquals},
    {"StringNotEquals", ConditionOperator::kStringNotEquals},
    {"StringEqualsIgnoreCase", ConditionOperator::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", ConditionOperator::kStringNotEqualsIgnoreCase},
    {"StringLike", ConditionOperator::kStringLike},
    {"StringNotLike", ConditionOperator::kStringNotLike},
    {"NumericEquals", ConditionOperator::kNumericEquals},
    {"NumericNotEquals", ConditionOperator::kNumericNotEquals},
    {"NumericLessThan", ConditionOperator::kNumericLessThan},
    {"NumericLessThanEquals", ConditionOperator::kNumericLessThanEquals},
    {"NumericGreaterThan", ConditionOperator::kNumericGreaterThan},
    {"NumericGreaterThanEquals", ConditionOperator::kNumericGreaterThanEquals},
    {"DateEquals", ConditionOperator::kDateEquals},
    {"DateNotEquals", ConditionOperator::kDateNotEquals},
    {"DateLessThan", ConditionOperator::kDateLessThan},
    {"DateLessThanEquals", ConditionOperator::kDateLessThanEquals},
    {"DateGreaterThan", ConditionOperator::kDateGreaterThan},
    {"DateGreaterThanEquals", ConditionOperator::kDateGreaterThanEquals},
    {"Bool", ConditionOperator::kBool},
    {"IpAddress", ConditionOperator::kIpAddress},
    {"NotIpAddress", ConditionOperator::kNotIpAddress},
    {"ArnEquals", ConditionOperator::kArnEquals},
    {"ArnNotEquals", ConditionOperator::kArnNotEquals},
    {"ArnLike", ConditionOperator::kArnLike},
    {"ArnNotLike", ConditionOperator::kArnNotLike},
    {"Null", ConditionOperator::kNull},
};

enum class ValueKind { kString, kNumber, kDate, kBool, kIp };

ValueKind KindOf(ConditionOperator op) {
  using O = ConditionOperator;
  switch (op) {
    case O::kNumericEquals:
    case O::kNumericNotEquals:
    case O::kNumericLessThan:
    case O::kNumericLessThanEquals:
    case O::kNumericGreaterThan:
    case O::kNumericGreaterThanEquals: return ValueKind::kNumber;
    case O::kDateEquals:
    case O::kDateNotEquals:
    case O::kDateLessThan:
    case O::kDateLessThanEquals:
    case O::kDateGreaterThan:
    case O::kDateGreaterThanEquals: return ValueKind::kDate;
    case O::kBool:
    case O::kNull: return ValueKind::kBool;
    case O::kIpAddress:
    case O::kNotIpAddress: return ValueKind::kIp;
    default: return ValueKind::kString;
  }
}

// Condition values may be written as JSON strings, numbers or booleans.
Result<std::string> ScalarText(const json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number()) return v.dump();
  return Error(where, "condition value must be a string, number or boolean, not " + TypeName(v));
}

Result<ConditionValue> ParseValue(const json& v, ValueKind kind, bool variables,
                                  const std::string& where) {
  ConditionValue out;
  CAIRN_ASSIGN_OR_RETURN(out.text, ScalarText(v, where));
  switch (kind) {
    case ValueKind::kString:
      if (variables && internal::HasVariables(out.text)) {
        std::string error;
        if (!internal::CheckVariables(out.text, &error)) return Error(where, error);
        out.has_variables = true;
      }
      break;
    case ValueKind::kNumber: {
      auto n = internal::ParseNumber(out.text);
      if (!n) return Error(where, "'" + out.text + "' is not a number");
      out.number = *n;
      break;
    }
    case ValueKind::kDate: {
      auto d = internal::ParseDateSeconds(out.text);
      if (!d) return Error(where, "'" + out.text + "' is not an ISO 8601 date or epoch seconds");
      out.unix_seconds = *d;
      break;
    }
    case ValueKind::kBool:
      if (EqualsIgnoreCase(out.text, "true")) {
        out.flag = true;
      } else if (!EqualsIgnoreCase(out.text, "false")) {
        return Error(where, "'" + out.text + "' is not true or false");
      }
      break;
    case ValueKind::kIp: {
      auto c = internal::ParseCidr(out.text, /*allow_prefix=*/true);
      if (!c) return Error(where, "'" + out.text + "' is not an IP address or CIDR block");
      out.cidr = *c;
      break;
    }
  }
  return out;
}

Status ParseConditions(const json& v, const std::string& where, bool variables,
                       std::vector<Condition>& out) {
  if (!v.is_object()) return Error(where, "must be an object of operator: {key: values}");
  for (const auto& [op_name, block] : v.items()) {
    std::string op_where = where + "." + op_name;
    OperatorName parts = SplitOperator(op_name);
    const OperatorInfo* info = nullptr;
    for (const auto& candidate : kOperators) {
      if (candidate.name == parts.base) info = &candidate;
    }
    if (!info) return Error(op_where, "unknown condition operator " + op_name);
    if (info->op == ConditionOperator::kNull &&
        (parts.if_exists || parts.qualifier != SetQualifier::kNone)) {
      return Error(op_where, "Null takes no IfExists suffix or set qualifier");
    }
    if (!block.is_object() || block.empty()) {
      return Error(op_where, "must be a non-empty object of key: values");
    }
    for (const auto& [key, values] : block.items()) {
      std::string key_where = op_where + "." + key;
      size_t colon = key.find(':');
      if (key.empty() || colon == std::string::npos || colon == 0 || colon + 1 == key.size()) {
        return Error(key_where, "invalid condition key (expected prefix:name, as aws:SourceIp)");
      }
      Condition c;
      c.operator_name = op_name;
      c.op = info->op;
      c.qualifier = parts.qualifier;
      c.if_exists = parts.if_exists;
      c.key = key;
      ValueKind kind = KindOf(info->op);
      if (values.is_array()) {
        if (values.empty()) return Error(key_where, "must have at least one value");
        for (size_t i = 0; i < values.size(); ++i) {
          CAIRN_ASSIGN_OR_RETURN(auto cv, ParseValue(values[i], kind, variables,
                                                     key_where + "[" + std::to_string(i) + "]"));
          c.values.push_back(std::move(cv));
        }
      } else {
        CAIRN_ASSIGN_OR_RETURN(auto cv, ParseValue(values, kind, variables, key_where));
        c.values.push_back(std::move(cv));
      }
      out.push_back(std::move(c));
    }
  }
  return Status::Ok();
}

Status ParseStatement(const json& s, const std::string& where, const ParseOptions& options,
                      bool variables, Statement& out) {
  if (!s.is_object()) return Error(where, "must be an object, not " + TypeName(s));
  static const std::set<std::string, std::less<>> kFields = {
      "Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
      "NotAction", "Resource", "NotResource", "Condition"};
  for (const auto& [name, value] : s.items()) {
    if (!kFields.count(name)) return Error(where, "unknown field " + name);
  }
  auto field = [&](const char* name) -> const json* {
    auto it = s.find(name);
    return it == s.end() ? nullptr : &*it;
  };
  if (const json* sid = field("Sid")) {
    if (!sid->is_string()) return Error(where + ".Sid", "must be a string");
    out.sid = sid->get<std::string>();
  }
  const json* effect = field("Effect");
  if (!effect) return Error(where, "missing Effect");
  if (effect->is_string() && *effect == "Allow") {
    out.effect = Effect::kAllow;
  } else if (effect->is_string() && *effect == "Deny") {
    out.effect = Effect::kDeny;
  } else {
    return Error(where + ".Effect", "must be Allow or Deny");
  }

  const json* principal = field("Principal");
  const json* not_principal = field("NotPrincipal");
  if (principal && not_principal) return Error(where, "has both Principal and NotPrincipal");
  if (principal || not_principal) {
    if (options.kind == PolicyKind::kIdentity) {
      return Error(where + (principal ? ".Principal" : ".NotPrincipal"),
                   "not allowed in an identity policy");
    }
    out.has_principal = true;
    out.not_principal = not_principal != nullptr;
    CAIRN_RETURN_IF_ERROR(ParsePrincipal(principal ? *principal : *not_principal,
                                         where + (principal ? ".Principal" : ".NotPrincipal"),
                                         out.principal));
  } else if (options.kind == PolicyKind::kBucket) {
    return Error(where, "missing Principal (required in a bucket policy)");
  }

  const json* action = field("Action");
  const json* not_action = field("NotAction");
  if (action && not_action) return Error(where, "has both Action and NotAction");
  if (!action && !not_action) return Error(where, "missing Action or NotAction");
  {
    std::string here = where + (action ? ".Action" : ".NotAction");
    out.not_action = not_action != nullptr;
    CAIRN_ASSIGN_OR_RETURN(out.actions, StringList(action ? *action : *not_action, here));
    for (size_t i = 0; i < out.actions.size(); ++i) {
      CAIRN_RETURN_IF_ERROR(CheckAction(out.actions[i], here + "[" + std::to_string(i) + "]"));
    }
  }

  const json* resource = field("Resource");
  const json* not_resource = field("NotResource");
  if (resource && not_resource) return Error(where, "has both Resource and NotResource");
  if (resource || not_resource) {
    std::string here = where + (resource ? ".Resource" : ".NotResource");
    out.has_resource = true;
    out.not_resource = not_resource != nullptr;
    CAIRN_ASSIGN_OR_RETURN(auto list, StringList(resource ? *resource : *not_resource, here));
    for (size_t i = 0; i < list.size(); ++i) {
      CAIRN_RETURN_IF_ERROR(CheckResource(list[i], here + "[" + std::to_string(i) + "]"));
      ResourcePattern p;
      p.has_variables = variables && internal::HasVariables(list[i]);
      p.text = std::move(list[i]);
      out.resources.push_back(std::move(p));
    }
  } else {
    // AWS requires a resource; MinIO lets admin/kms/sts statements leave it out.
    bool resource_free = !out.not_action;
    for (const auto& a : out.actions)
      resource_free = resource_free && internal::IsResourceFreeAction(a);
    if (!resource_free) return Error(where, "missing Resource or NotResource");
  }

  if (const json* condition = field("Condition")) {
    CAIRN_RETURN_IF_ERROR(
        ParseConditions(*condition, where + ".Condition", variables, out.conditions));
  }
  return Status::Ok();
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, const ParseOptions& options) {
  if (text.size() > kMaxPolicyBytes) return Error("", "policy document too large");
  if (NestingDepth(text) > kMaxDepth) return Error("", "policy document nested too deeply");
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, column 9: ...".
    std::string_view what = e.what();
    if (size_t p = what.find("] "); p != std::string_view::npos) what.remove_prefix(p + 2);
    return Error("", "invalid JSON: " + std::string(what));
  } catch (const std::exception& e) {
    return Error("", std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_object()) return Error("", "policy must be a JSON object");

  Policy policy;
  policy.kind = options.kind;
  for (const auto& [name, value] : doc.items()) {
    if (name != "Version" && name != "Id" && name != "Statement") {
      return Error("", "unknown top-level field " + name);
    }
  }
  if (auto it = doc.find("Version"); it != doc.end()) {
    if (!it->is_string() || (*it != "2012-10-17" && *it != "2008-10-17")) {
      return Error("Version", "must be \"2012-10-17\" or \"2008-10-17\"");
    }
    policy.version = it->get<std::string>();
  }
  if (auto it = doc.find("Id"); it != doc.end()) {
    if (!it->is_string()) return Error("Id", "must be a string");
    policy.id = it->get<std::string>();
  }
  auto statements = doc.find("Statement");
  if (statements == doc.end()) return Error("", "missing Statement");
  const bool variables = policy.variables_enabled();
  std::set<std::string, std::less<>> sids;
  auto add = [&](const json& s, size_t index) -> Status {
    Statement st;
    std::string where = "Statement[" + std::to_string(index) + "]";
    CAIRN_RETURN_IF_ERROR(ParseStatement(s, where, options, variables, st));
    if (!st.sid.empty() && !sids.insert(st.sid).second) {
      return Error(where + ".Sid", "duplicate Sid " + st.sid);
    }
    policy.statements.push_back(std::move(st));
    return Status::Ok();
  };
  if (statements->is_object()) {
    CAIRN_RETURN_IF_ERROR(add(*statements, 0));
  } else if (statements->is_array()) {
    if (statements->empty()) return Error("Statement", "must not be empty");
    for (size_t i = 0; i < statements->size(); ++i) {
      CAIRN_RETURN_IF_ERROR(add((*statements)[i], i));
    }
  } else {
    return Error("Statement", "must be an object or a list of objects");
  }
  return policy;
}

}  // namespace cairn::iam::policy
