#include "auth/post_policy.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "auth/canonical.h"
#include "auth/sigv2.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "common/headers.h"

namespace cairn::auth {

namespace {

using Json = nlohmann::json;

Status MissingField(std::string_view name) {
  return Status(Code::kInvalidArgumentS3, "Bucket POST must contain a field named '" +
                                              std::string(name) +
                                              "'.  If it is specified, please check the order of "
                                              "the fields.");
}

Status BadPolicy(std::string message) {
  return Status(Code::kInvalidArgument, "Invalid Policy: " + std::move(message));
}

struct Condition {
  enum Kind { kEq, kStartsWith, kRange } kind;
  std::string name;   // as written, without '$'
  std::string value;  // expected value or prefix
  uint64_t min = 0, max = 0;

  // As AWS quotes a failed condition: ["eq", "$key", "x"].
  std::string Describe() const {
    return "[" + Json(kind == kEq ? "eq" : "starts-with").dump() + ", " + Json("$" + name).dump() +
           ", " + Json(value).dump() + "]";
  }
};

// A condition's value: a string, or a number written as its text.
std::optional<std::string> ScalarText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  return std::nullopt;
}

std::optional<uint64_t> RangeBound(const Json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    if (n < 0) return std::nullopt;
    return static_cast<uint64_t>(n);
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

Result<std::vector<Condition>> ParseConditions(const Json& list) {
  std::vector<Condition> out;
  for (const Json& c : list) {
    if (c.is_object()) {
      if (c.empty()) return BadPolicy("Invalid Condition: empty object");
      for (auto it = c.begin(); it != c.end(); ++it) {
        std::optional<std::string> value = ScalarText(it.value());
        if (!value) return BadPolicy("Invalid Condition: the value of '" + it.key() + "'");
        std::string name = it.key();
        if (!name.empty() && name[0] == '$') name.erase(0, 1);
        out.push_back(Condition{Condition::kEq, std::move(name), std::move(*value)});
      }
      continue;
    }
    if (!c.is_array() || c.size() != 3 || !c[0].is_string()) {
      return BadPolicy("Invalid Condition: " + c.dump());
    }
    std::string op = ToLower(c[0].get<std::string>());
    if (op == "content-length-range") {
      std::optional<uint64_t> min = RangeBound(c[1]);
      std::optional<uint64_t> max = RangeBound(c[2]);
      if (!min || !max || *min > *max) {
        return BadPolicy("Invalid content-length-range: " + c.dump());
      }
      Condition r{Condition::kRange, "", ""};
      r.min = *min;
      r.max = *max;
      out.push_back(std::move(r));
      continue;
    }
    if (op != "eq" && op != "starts-with") {
      return BadPolicy("Invalid Condition: unknown operator '" + c[0].get<std::string>() + "'");
    }
    if (!c[1].is_string() || c[1].get_ref<const std::string&>().size() < 2 ||
        c[1].get_ref<const std::string&>()[0] != '$') {
      return BadPolicy("Invalid Condition: the field must be named as \"$name\": " + c.dump());
    }
    std::optional<std::string> value = ScalarText(c[2]);
    if (!value) return BadPolicy("Invalid Condition: " + c.dump());
    out.push_back(Condition{op == "eq" ? Condition::kEq : Condition::kStartsWith,
                            c[1].get<std::string>().substr(1), std::move(*value)});
  }
  return out;
}

bool StartsWithEach(std::string_view value, std::string_view prefix) {
  while (true) {
    size_t comma = value.find(',');
    if (TrimWhitespace(value.substr(0, comma)).substr(0, prefix.size()) != prefix) return false;
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string StripWhitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<std::string_view> FindPostField(const PostForm& form, std::string_view name) {
  for (const auto& [n, v] : form.fields) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Result<PostPolicyResult> VerifyPostPolicy(const PostForm& form, const CredentialLookup& credentials,
                                          TimePoint now) {
  // Lower-case name -> value. A repeated field is refused: the conditions and the S3 layer must
  // read the same value.
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : form.fields) {
    std::string lower = ToLower(name);
    if (lower == "file") continue;
    if (!fields.emplace(lower, value).second) {
      return Status(Code::kInvalidArgumentS3,
                    "POST form field '" + name + "' appears more than once");
    }
  }
  auto get = [&fields](std::string_view name) -> const std::string* {
    auto it = fields.find(std::string(name));
    return it == fields.end() ? nullptr : &it->second;
  };

  PostPolicyResult result;
  const std::string* key = get("key");
  if (key == nullptr) return MissingField("key");
  result.key = ReplaceAll(*key, "${filename}", form.filename);

  const std::string* policy = get("policy");
  bool v4 = get("x-amz-signature") || get("x-amz-algorithm") || get("x-amz-credential");
  bool v2 = !v4 && (get("awsaccesskeyid") || get("signature"));
  if (policy == nullptr) {
    if (v4) return MissingField("policy");
    if (v2) return MissingField("policy");
    return result;  // anonymous
  }
  if (!v4 && !v2) return MissingField("AWSAccessKeyId");

  // The signature covers the policy field exactly as sent.
  if (v4) {
    const std::string* algorithm = get("x-amz-algorithm");
    const std::string* credential = get("x-amz-credential");
    const std::string* date = get("x-amz-date");
    const std::string* signature = get("x-amz-signature");
    if (algorithm == nullptr) return MissingField("x-amz-algorithm");
    if (credential == nullptr) return MissingField("x-amz-credential");
    if (date == nullptr) return MissingField("x-amz-date");
    if (signature == nullptr) return MissingField("x-amz-signature");
    if (*algorithm != kSigV4Algorithm) {
      return Status(Code::kInvalidArgumentS3,
                    "x-amz-algorithm only supports \"AWS4-HMAC-SHA256\", not '" + *algorithm + "'");
    }
    Result<ParsedCredential> cred = ParseCredential(*credential);
    if (!cred.ok()) return Status(Code::kInvalidArgumentS3, cred.status().message());
    if (cred->service != "s3") {
      return Status(Code::kInvalidArgumentS3,
                    "the x-amz-credential service '" + cred->service + "' is not s3");
    }
    if (!ParseAmzDate(*date)) {
      return Status(Code::kInvalidArgumentS3,
                    "x-amz-date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    }
    CAIRN_ASSIGN_OR_RETURN(Credentials creds, credentials.Lookup(cred->access_key));
    std::string key_bytes = DeriveSigningKey(creds.secret_key, cred->date8, cred->region, "s3");
    if (!ConstantTimeEquals(SignatureHex(key_bytes, *policy), ToLower(*signature))) {
      return Status(Code::kSignatureDoesNotMatch,
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your key and signing method.");
    }
    result.identity.access_key = cred->access_key;
    result.identity.region = cred->region;
    result.identity.scope = cred->Scope();
    result.identity.amz_date = *date;
  } else {
    const std::string* access_key = get("awsaccesskeyid");
    const std::string* signature = get("signature");
    if (access_key == nullptr) return MissingField("AWSAccessKeyId");
    if (signature == nullptr) return MissingField("Signature");
    CAIRN_ASSIGN_OR_RETURN(Credentials creds, credentials.Lookup(*access_key));
    if (!ConstantTimeEquals(SignatureV2(creds.secret_key, *policy), *signature)) {
      return Status(Code::kSignatureDoesNotMatch,
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your key and signing method.");
    }
    result.identity.access_key = *access_key;
    result.identity.signature_v2 = true;
  }
  result.identity.anonymous = false;
  result.identity.payload = PayloadMode::kUnsigned;
  result.has_policy = true;

  // Some clients wrap base64 at 76 columns; the line breaks are not part of the document.
  std::optional<std::string> text = Base64Decode(StripWhitespace(*policy));
  if (!text) return BadPolicy("Invalid Base64 Encoded String");
  Json doc = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return BadPolicy("the policy is not a JSON object");
  auto expiration = doc.find("expiration");
  if (expiration == doc.end()) return BadPolicy("Policy missing expiration.");
  if (!expiration->is_string()) return BadPolicy("Invalid 'expiration' value");
  std::optional<TimePoint> expires_at = ParseIso8601(expiration->get<std::string>());
  if (!expires_at) {
    return BadPolicy("Invalid 'expiration' value: '" + expiration->get<std::string>() + "'");
  }
  auto conditions = doc.find("conditions");
  if (conditions == doc.end()) return BadPolicy("Policy missing conditions.");
  if (!conditions->is_array()) return BadPolicy("Invalid 'conditions' value");
  CAIRN_ASSIGN_OR_RETURN(std::vector<Condition> parsed, ParseConditions(*conditions));
  result.expiration = *expires_at;
  if (now > *expires_at) {
    return Status(Code::kExpiredPresignedRequest, "Invalid according to Policy: Policy expired.");
  }

  std::set<std::string> covered;
  for (const Condition& c : parsed) {
    if (c.kind == Condition::kRange) {
      if (!result.content_length_range) {
        result.content_length_range.emplace(c.min, c.max);
      } else {
        auto& [lo, hi] = *result.content_length_range;
        lo = std::max(lo, c.min);
        hi = std::min(hi, c.max);
      }
      continue;
    }
    std::string name = ToLower(c.name);
    covered.insert(name);
    std::string_view actual;
    if (name == "bucket") {
      actual = form.bucket;
    } else if (name == "key") {
      actual = result.key;
    } else if (const std::string* v = get(name)) {
      actual = *v;
    }
    bool ok = false;
    if (c.kind == Condition::kEq) {
      ok = actual == c.value;
    } else if (c.value.empty()) {
      ok = true;
    } else if (name == "content-type") {
      ok = StartsWithEach(actual, c.value);
    } else {
      ok = actual.substr(0, c.value.size()) == c.value;
    }
    if (!ok) {
      return Status(Code::kAccessDenied,
                    "Invalid according to Policy: Policy Condition failed: " + c.Describe());
    }
  }

  std::string extra;
  for (const auto& [name, value] : form.fields) {
    std::string lower = ToLower(name);
    if (lower == "policy" || lower == "file" || lower.rfind("x-ignore-", 0) == 0) continue;
    if (v4 && lower == "x-amz-signature") continue;
    if (v2 && (lower == "awsaccesskeyid" || lower == "signature")) continue;
    if (covered.count(lower) != 0) continue;
    if (!extra.empty()) extra += ", ";
    extra += name;
  }
  if (!extra.empty()) {
    return Status(Code::kAccessDenied, "Invalid according to Policy: Extra input fields: " + extra);
  }
  return result;
}

std::string PostCredentialV4(const SigningParams& params, TimePoint now) {
  return params.access_key + "/" +
         CredentialScope(FormatAmzDate(now).substr(0, 8), params.region, params.service);
}

void SignPostFormV4(const SigningParams& params, std::string_view policy_json, TimePoint now,
                    PostForm& form) {
  std::string amz_date = FormatAmzDate(now);
  std::string policy = Base64Encode(policy_json);
  std::string key =
      DeriveSigningKey(params.secret_key, amz_date.substr(0, 8), params.region, params.service);
  form.fields.emplace_back("x-amz-algorithm", std::string(kSigV4Algorithm));
  form.fields.emplace_back("x-amz-credential", PostCredentialV4(params, now));
  form.fields.emplace_back("x-amz-date", amz_date);
  form.fields.emplace_back("policy", policy);
  form.fields.emplace_back("x-amz-signature", SignatureHex(key, policy));
}

void SignPostFormV2(const SigningParams& params, std::string_view policy_json, PostForm& form) {
  std::string policy = Base64Encode(policy_json);
  form.fields.emplace_back("AWSAccessKeyId", params.access_key);
  form.fields.emplace_back("policy", policy);
  form.fields.emplace_back("signature", SignatureV2(params.secret_key, policy));
}

}  // namespace cairn::auth
