// MinIO's canned policies (minio/pkg policy/constants.go DefaultPolicies), as the JSON
// documents `mc admin policy info` shows. Parsed once, on first use.
#include <array>
#include <cstdlib>
#include <map>

#include "iam/policy/policy.h"

namespace cairn::iam::policy {

namespace {

struct Canned {
  std::string_view name;
  std::string_view json;
};

// readonly's Deny of admin:CreateUser is MinIO's: it keeps a read-only user from creating users
// even when another attached policy would allow it.
constexpr Canned kCanned[] = {
    {"readwrite", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}
  ]
})"},
    {"readonly", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:GetObject"],
     "Resource": ["arn:aws:s3:::*"]},
    {"Effect": "Deny", "Action": ["admin:CreateUser"], "Resource": ["arn:aws:s3:::*"]}
  ]
})"},
    {"writeonly", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::*"]}
  ]
})"},
    {"diagnostics", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["admin:Profiling", "admin:ServerTrace", "admin:ConsoleLog", "admin:ServerInfo",
                "admin:TopLocksInfo", "admin:OBDInfo", "admin:BandwidthMonitor",
                "admin:Prometheus"],
     "Resource": ["arn:aws:s3:::*"]}
  ]
})"},
    {"consoleAdmin", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["admin:*"]},
    {"Effect": "Allow", "Action": ["kms:*"]},
    {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}
  ]
})"},
};

constexpr std::array<std::string_view, std::size(kCanned)> kNames = [] {
  std::array<std::string_view, std::size(kCanned)> names{};
  for (size_t i = 0; i < std::size(kCanned); ++i) names[i] = kCanned[i].name;
  return names;
}();

const std::map<std::string_view, Policy>& Parsed() {
  static const auto* parsed = [] {
    auto* m = new std::map<std::string_view, Policy>();
    for (const auto& c : kCanned) {
      auto p = ParsePolicy(c.json);
      if (!p.ok()) std::abort();  // a bug in the table above; the unit tests parse every entry
      m->emplace(c.name, std::move(p).value());
    }
    return m;
  }();
  return *parsed;
}

}  // namespace

const Policy* CannedPolicy(std::string_view name) {
  const auto& m = Parsed();
  auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}

std::string_view CannedPolicyJson(std::string_view name) {
  for (const auto& c : kCanned) {
    if (c.name == name) return c.json;
  }
  return {};
}

std::span<const std::string_view> CannedPolicyNames() { return kNames; }

}  // namespace cairn::iam::policy
