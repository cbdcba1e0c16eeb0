#include "cli/admin_requests.h"

#include <nlohmann/json.hpp>

namespace cairn::cli::admin {
namespace {

using Json = nlohmann::json;

Call Make(std::string method, std::string endpoint, QueryParams query = {},
          std::optional<Json> body = std::nullopt) {
  Call call{std::move(method), std::move(endpoint), std::move(query), std::nullopt};
  if (body) call.body = body->dump();
  return call;
}

Json Strings(const std::vector<std::string>& v) { return Json(v); }

}  // namespace

HttpRequest Call::ToHttpRequest() const {
  HttpRequest req;
  req.method = method;
  req.path = std::string(base) + endpoint;
  req.query = query;
  if (body) {
    req.body = *body;
    req.headers.Set("content-type", "application/json");
  }
  return req;
}

Call ServerInfo() { return Make("GET", "info"); }

namespace {
std::string HealPath(std::string_view bucket, std::string_view prefix) {
  std::string path = "heal/" + std::string(bucket);
  if (!bucket.empty() && !prefix.empty()) path += "/" + std::string(prefix);
  return path;
}
}  // namespace

Call StartHeal(std::string_view bucket, std::string_view prefix, bool recursive, bool deep) {
  Call call = Make("POST", HealPath(bucket, prefix), {},
                   Json{{"recursive", recursive},
                        {"dryRun", false},
                        {"remove", false},
                        {"recreate", false},
                        {"scanMode", deep ? 2 : 1},
                        {"nolock", false}});
  call.base = kMinioBasePath;
  return call;
}

Call HealStatus(std::string_view bucket, std::string_view prefix, std::string_view token) {
  Call call = Make("POST", HealPath(bucket, prefix), {{"clientToken", std::string(token)}});
  call.base = kMinioBasePath;
  return call;
}
Call ScannerStatus() { return Make("GET", "scanner/status"); }
Call ListUsers() { return Make("GET", "users"); }
Call GetUser(std::string_view k) { return Make("GET", "user", {{"accessKey", std::string(k)}}); }
Call AddUser(std::string_view k, std::string_view secret) {
  return Make("PUT", "user", {{"accessKey", std::string(k)}},
              Json{{"secretKey", std::string(secret)}, {"status", "enabled"}});
}
Call RemoveUser(std::string_view k) {
  return Make("DELETE", "user", {{"accessKey", std::string(k)}});
}
Call SetUserStatus(std::string_view k, bool enabled) {
  return Make("PUT", "user-status",
              {{"accessKey", std::string(k)}, {"status", enabled ? "enabled" : "disabled"}});
}

Call ListGroups() { return Make("GET", "groups"); }
Call GetGroup(std::string_view g) { return Make("GET", "group", {{"group", std::string(g)}}); }
Call AddGroupMembers(std::string_view g, const std::vector<std::string>& members) {
  return Make("PUT", "group-members", {{"group", std::string(g)}},
              Json{{"members", Strings(members)}});
}
Call RemoveGroupMembers(std::string_view g, const std::vector<std::string>& members) {
  return Make("DELETE", "group-members", {{"group", std::string(g)}},
              Json{{"members", Strings(members)}});
}
Call RemoveGroup(std::string_view g) {
  return Make("DELETE", "group", {{"group", std::string(g)}});
}
Call SetGroupStatus(std::string_view g, bool enabled) {
  return Make("PUT", "group-status",
              {{"group", std::string(g)}, {"status", enabled ? "enabled" : "disabled"}});
}

Call ListPolicies() { return Make("GET", "policies"); }
Call GetPolicy(std::string_view n) { return Make("GET", "policy", {{"name", std::string(n)}}); }
Result<Call> CreatePolicy(std::string_view name, std::string_view document) {
  Json doc = Json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kMalformedPolicy, "the policy file is not a JSON object");
  }
  Call call = Make("PUT", "policy", {{"name", std::string(name)}});
  call.body = std::string(document);
  return call;
}
Call RemovePolicy(std::string_view n) {
  return Make("DELETE", "policy", {{"name", std::string(n)}});
}
Result<Call> AttachPolicies(const std::vector<std::string>& policies, std::string_view user,
                            std::string_view group, bool detach) {
  if (user.empty() == group.empty()) {
    return Status(Code::kInvalidArgument, "give exactly one of --user and --group");
  }
  if (policies.empty()) return Status(Code::kInvalidArgument, "name at least one policy");
  Json body{{"policies", Strings(policies)}};
  if (!user.empty()) {
    body["user"] = std::string(user);
  } else {
    body["group"] = std::string(group);
  }
  return Make("POST", detach ? "policy-detach" : "policy-attach", {}, body);
}

Result<Call> CreateAccessKey(const AccessKeyOptions& o) {
  Json body = Json::object();
  if (!o.parent.empty()) body["parent"] = o.parent;
  if (!o.access_key.empty()) body["accessKey"] = o.access_key;
  if (!o.secret_key.empty()) body["secretKey"] = o.secret_key;
  if (!o.name.empty()) body["name"] = o.name;
  if (!o.description.empty()) body["description"] = o.description;
  if (!o.policy.empty()) {
    Json policy = Json::parse(o.policy, nullptr, false);
    if (policy.is_discarded() || !policy.is_object()) {
      return Status(Code::kMalformedPolicy, "the policy file is not a JSON object");
    }
    body["policy"] = policy;
  }
  return Make("PUT", "service-account", {}, body);
}
Call ListAccessKeys(std::string_view user) {
  QueryParams q;
  if (!user.empty()) q.emplace_back("user", std::string(user));
  return Make("GET", "service-accounts", q);
}
Call GetAccessKey(std::string_view k) {
  return Make("GET", "service-account", {{"accessKey", std::string(k)}});
}
Call RemoveAccessKey(std::string_view k) {
  return Make("DELETE", "service-account", {{"accessKey", std::string(k)}});
}

}  // namespace cairn::cli::admin
