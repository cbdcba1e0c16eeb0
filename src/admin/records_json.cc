#include "admin/records_json.h"

#include "common/time.h"

namespace cairn::admin {

namespace {
const char* StatusName(bool enabled) { return enabled ? "enabled" : "disabled"; }
}  // namespace

Json UserJson(const iam::UserInfo& user) {
  return Json{{"accessKey", user.access_key},
              {"status", StatusName(user.enabled)},
              {"policies", user.policies},
              {"groups", user.groups}};
}

Json GroupJson(const iam::GroupInfo& group) {
  return Json{{"name", group.name},
              {"status", StatusName(group.enabled)},
              {"members", group.members},
              {"policies", group.policies}};
}

Json ServiceAccountJson(const iam::ServiceAccountInfo& account, std::string_view root_access_key) {
  Json policy = nullptr;
  if (!account.policy.empty()) {
    policy = Json::parse(account.policy, nullptr, /*allow_exceptions=*/false);
    if (policy.is_discarded()) policy = nullptr;
  }
  return Json{{"accessKey", account.access_key},
              {"parent", account.parent.empty() ? std::string(root_access_key) : account.parent},
              {"name", account.name},
              {"description", account.description},
              {"status", StatusName(account.enabled)},
              {"policy", std::move(policy)}};
}

Json MinioServiceAccountJson(const iam::ServiceAccountInfo& account,
                             std::string_view root_access_key, bool info) {
  Json out{{"parentUser", account.parent.empty() ? std::string(root_access_key) : account.parent},
           {"accountStatus", account.enabled ? "on" : "off"},
           {"impliedPolicy", account.policy.empty()}};
  if (info) {
    out["policy"] = account.policy;  // "" for an implied policy: the parent's rights
    out["comment"] = account.description;
  } else {
    out["accessKey"] = account.access_key;
  }
  out["name"] = account.name;
  out["description"] = account.description;
  if (account.expiration) out["expiration"] = FormatIso8601(*account.expiration);
  return out;
}

Result<Json> PolicyDocumentJson(std::string_view text) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Status(Code::kCorruption, "a stored policy document is not JSON");
  }
  return document;
}

}  // namespace cairn::admin
