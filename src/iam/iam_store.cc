#include "iam/iam_store.h"

#include <openssl/rand.h>

#include <mutex>
#include <nlohmann/json.hpp>

namespace cairn::iam {

namespace {

using json = nlohmann::json;

constexpr char kUserPrefix[] = "iam/user/";
constexpr char kGroupPrefix[] = "iam/group/";
constexpr char kPolicyPrefix[] = "iam/policy/";
constexpr char kServiceAccountPrefix[] = "iam/svc/";

Status NoSuchUser(const std::string& name) {
  return Status(Code::kNoSuchUser, "The specified user does not exist: " + name);
}

Status NoSuchGroup(const std::string& name) {
  return Status(Code::kNoSuchGroup, "The specified group does not exist: " + name);
}

Status NoSuchPolicy(const std::string& name) {
  return Status(Code::kNoSuchPolicy, "The specified policy does not exist: " + name);
}

Status NoSuchServiceAccount(const std::string& access_key) {
  return Status(Code::kNoSuchServiceAccount,
                "The specified service account does not exist: " + access_key);
}

std::string RandomText(size_t length, std::string_view alphabet) {
  std::string out(length, '\0');
  unsigned char bytes[64];
  RAND_bytes(bytes, static_cast<int>(length));
  for (size_t i = 0; i < length; ++i) out[i] = alphabet[bytes[i] % alphabet.size()];
  return out;
}

Status ValidateCredentials(const std::string& access_key, const std::string& secret) {
  if (access_key.size() < 3 || access_key.size() > 128) {
    return Status(Code::kInvalidArgument, "access key length should be between 3 and 128");
  }
  for (char c : access_key) {
    if (c == '=' || c == ',' || c == '/' || static_cast<unsigned char>(c) < 0x21) {
      return Status(Code::kInvalidArgument,
                    "access key contains reserved characters = , / or spaces");
    }
  }
  if (secret.size() < 8 || secret.size() > 40) {
    return Status(Code::kInvalidArgument, "secret key length should be between 8 and 40");
  }
  return Status::Ok();
}

Result<json> ParseRecord(const std::string& key, const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kCorruption, "IAM record " + key + " is not a JSON object");
  }
  return doc;
}

std::set<std::string> StringSet(const json& doc, const char* field) {
  std::set<std::string> out;
  if (doc.contains(field) && doc[field].is_array()) {
    for (const json& v : doc[field]) {
      if (v.is_string()) out.insert(v.get<std::string>());
    }
  }
  return out;
}

std::string StringField(const json& doc, const char* field) {
  return doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>() : "";
}

}  // namespace

Result<std::unique_ptr<IamStore>> IamStore::Open(storage::SystemStore& store,
                                                 auth::Credentials root) {
  std::unique_ptr<IamStore> iam(new IamStore(store, std::move(root)));
  CAIRN_RETURN_IF_ERROR(iam->Load());
  return iam;
}

Status IamStore::Load() {
  // Read into new maps, then swap: a reload never shows a half-read set. The lock is held from
  // the first read, since writers change records under it: a reload that read before a write
  // and swapped after it would lose that write.
  std::unique_lock lock(mu_);
  std::map<std::string, User> loaded_users;
  std::map<std::string, Group> loaded_groups;
  std::map<std::string, std::string> loaded_policies;
  std::map<std::string, ServiceAccount> loaded_service_accounts;
  CAIRN_ASSIGN_OR_RETURN(auto users, store_.ListSystem(kUserPrefix));
  for (const auto& [key, text] : users) {
    CAIRN_ASSIGN_OR_RETURN(json doc, ParseRecord(key, text));
    User user;
    user.secret = StringField(doc, "secret");
    user.enabled = StringField(doc, "status") != "disabled";
    user.policies = StringSet(doc, "policies");
    loaded_users[key.substr(sizeof kUserPrefix - 1)] = std::move(user);
  }
  CAIRN_ASSIGN_OR_RETURN(auto groups, store_.ListSystem(kGroupPrefix));
  for (const auto& [key, text] : groups) {
    CAIRN_ASSIGN_OR_RETURN(json doc, ParseRecord(key, text));
    Group group;
    group.enabled = StringField(doc, "status") != "disabled";
    group.members = StringSet(doc, "members");
    group.policies = StringSet(doc, "policies");
    loaded_groups[key.substr(sizeof kGroupPrefix - 1)] = std::move(group);
  }
  CAIRN_ASSIGN_OR_RETURN(auto policies, store_.ListSystem(kPolicyPrefix));
  for (const auto& [key, text] : policies)
    loaded_policies[key.substr(sizeof kPolicyPrefix - 1)] = text;
  CAIRN_ASSIGN_OR_RETURN(auto accounts, store_.ListSystem(kServiceAccountPrefix));
  for (const auto& [key, text] : accounts) {
    CAIRN_ASSIGN_OR_RETURN(json doc, ParseRecord(key, text));
    ServiceAccount account;
    account.secret = StringField(doc, "secret");
    account.info.access_key = key.substr(sizeof kServiceAccountPrefix - 1);
    account.info.parent = StringField(doc, "parent");
    account.info.name = StringField(doc, "name");
    account.info.description = StringField(doc, "description");
    account.info.enabled = StringField(doc, "status") != "disabled";
    account.info.policy = StringField(doc, "policy");
    if (std::string expiration = StringField(doc, "expiration"); !expiration.empty()) {
      account.info.expiration = ParseIso8601(expiration);
      if (!account.info.expiration) {
        return Status(Code::kCorruption, "IAM record " + key + " has a malformed expiration");
      }
    }
    loaded_service_accounts[account.info.access_key] = std::move(account);
  }
  users_ = std::move(loaded_users);
  groups_ = std::move(loaded_groups);
  policies_ = std::move(loaded_policies);
  service_accounts_ = std::move(loaded_service_accounts);
  return Status::Ok();
}

Status IamStore::SaveUser(const std::string& name, const User& user) {
  json doc = {{"secret", user.secret},
              {"status", user.enabled ? "enabled" : "disabled"},
              {"policies", user.policies}};
  return store_.PutSystem(kUserPrefix + name, doc.dump());
}

Status IamStore::SaveGroup(const std::string& name, const Group& group) {
  json doc = {{"status", group.enabled ? "enabled" : "disabled"},
              {"members", group.members},
              {"policies", group.policies}};
  return store_.PutSystem(kGroupPrefix + name, doc.dump());
}

Status IamStore::SaveServiceAccount(const ServiceAccount& account) {
  json doc = {{"secret", account.secret},
              {"parent", account.info.parent},
              {"name", account.info.name},
              {"description", account.info.description},
              {"status", account.info.enabled ? "enabled" : "disabled"},
              {"policy", account.info.policy}};
  // Absent in records written before expirations existed: such keys never expire.
  if (account.info.expiration) doc["expiration"] = FormatIso8601(*account.info.expiration);
  return store_.PutSystem(kServiceAccountPrefix + account.info.access_key, doc.dump());
}

std::vector<std::string> IamStore::GroupsOf(const std::string& user) const {
  std::vector<std::string> out;
  for (const auto& [name, group] : groups_) {
    if (group.members.count(user)) out.push_back(name);
  }
  return out;
}

bool IamStore::KeyInUse(const std::string& access_key) const {
  return access_key == root_.access_key || users_.count(access_key) ||
         service_accounts_.count(access_key);
}

Result<auth::Credentials> IamStore::Lookup(std::string_view access_key) const {
  if (access_key == root_.access_key) return root_;
  std::shared_lock lock(mu_);
  std::string key(access_key);
  Status unknown(Code::kInvalidAccessKeyId,
                 "The Access Key Id you provided does not exist in our records.");
  if (auto it = users_.find(key); it != users_.end()) {
    if (!it->second.enabled) return unknown;
    return auth::Credentials{key, it->second.secret};
  }
  if (auto it = service_accounts_.find(key); it != service_accounts_.end()) {
    const ServiceAccount& account = it->second;
    if (!account.info.enabled) return unknown;
    if (account.info.expiration && now_() >= *account.info.expiration) return unknown;
    if (!account.info.parent.empty()) {
      auto parent = users_.find(account.info.parent);
      if (parent == users_.end() || !parent->second.enabled) return unknown;
    }
    return auth::Credentials{key, account.secret};
  }
  return unknown;
}

Result<Principal> IamStore::Resolve(std::string_view access_key) const {
  CAIRN_RETURN_IF_ERROR(Lookup(access_key).status());
  Principal principal;
  principal.access_key = std::string(access_key);
  if (access_key == root_.access_key) {
    principal.user = root_.access_key;
    principal.root = true;
    return principal;
  }
  std::shared_lock lock(mu_);
  std::string user = principal.access_key;
  if (auto it = service_accounts_.find(user); it != service_accounts_.end()) {
    principal.service_account = true;
    principal.session_policy = it->second.info.policy;
    user = it->second.info.parent;
    if (user.empty()) {  // a key of the root user
      principal.user = root_.access_key;
      principal.root = principal.session_policy.empty();
      return principal;
    }
  }
  principal.user = user;
  const User& record = users_.at(user);
  principal.policies.assign(record.policies.begin(), record.policies.end());
  for (const std::string& name : GroupsOf(user)) {
    const Group& group = groups_.at(name);
    if (!group.enabled) continue;
    principal.policies.insert(principal.policies.end(), group.policies.begin(),
                              group.policies.end());
  }
  return principal;
}

Status IamStore::AddUser(const std::string& access_key, const std::string& secret) {
  CAIRN_RETURN_IF_ERROR(ValidateCredentials(access_key, secret));
  std::unique_lock lock(mu_);
  if (access_key == root_.access_key || service_accounts_.count(access_key)) {
    return Status(Code::kInvalidArgument, "access key already in use: " + access_key);
  }
  User user = users_.count(access_key) ? users_[access_key] : User();
  user.secret = secret;
  CAIRN_RETURN_IF_ERROR(SaveUser(access_key, user));
  users_[access_key] = std::move(user);
  return Status::Ok();
}

Status IamStore::RemoveUser(const std::string& access_key) {
  std::unique_lock lock(mu_);
  if (!users_.count(access_key)) return NoSuchUser(access_key);
  for (auto it = service_accounts_.begin(); it != service_accounts_.end();) {
    if (it->second.info.parent == access_key) {
      CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kServiceAccountPrefix + it->first));
      it = service_accounts_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [name, group] : groups_) {
    if (group.members.erase(access_key)) CAIRN_RETURN_IF_ERROR(SaveGroup(name, group));
  }
  CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kUserPrefix + access_key));
  users_.erase(access_key);
  return Status::Ok();
}

Status IamStore::SetUserEnabled(const std::string& access_key, bool enabled) {
  std::unique_lock lock(mu_);
  auto it = users_.find(access_key);
  if (it == users_.end()) return NoSuchUser(access_key);
  User user = it->second;
  user.enabled = enabled;
  CAIRN_RETURN_IF_ERROR(SaveUser(access_key, user));
  it->second = std::move(user);
  return Status::Ok();
}

Result<UserInfo> IamStore::GetUser(const std::string& access_key) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(access_key);
  if (it == users_.end()) return NoSuchUser(access_key);
  return UserInfo{access_key,
                  it->second.enabled,
                  {it->second.policies.begin(), it->second.policies.end()},
                  GroupsOf(access_key)};
}

std::vector<UserInfo> IamStore::ListUsers() const {
  std::shared_lock lock(mu_);
  std::vector<UserInfo> out;
  for (const auto& [name, user] : users_) {
    out.push_back(
        {name, user.enabled, {user.policies.begin(), user.policies.end()}, GroupsOf(name)});
  }
  return out;
}

Status IamStore::AddGroupMembers(const std::string& group_name,
                                 const std::vector<std::string>& members) {
  std::unique_lock lock(mu_);
  for (const std::string& member : members) {
    if (!users_.count(member)) return NoSuchUser(member);
  }
  Group group = groups_.count(group_name) ? groups_[group_name] : Group();
  group.members.insert(members.begin(), members.end());
  CAIRN_RETURN_IF_ERROR(SaveGroup(group_name, group));
  groups_[group_name] = std::move(group);
  return Status::Ok();
}

Status IamStore::RemoveGroupMembers(const std::string& group_name,
                                    const std::vector<std::string>& members) {
  std::unique_lock lock(mu_);
  auto it = groups_.find(group_name);
  if (it == groups_.end()) {
    return NoSuchGroup(group_name);
  }
  Group group = it->second;
  if (members.empty()) {
    if (!group.members.empty()) {
      return Status(Code::kGroupNotEmpty, "group " + group_name + " still has members");
    }
    CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kGroupPrefix + group_name));
    groups_.erase(it);
    return Status::Ok();
  }
  for (const std::string& member : members) group.members.erase(member);
  CAIRN_RETURN_IF_ERROR(SaveGroup(group_name, group));
  // An emptied group stays until it is removed, as in MinIO (`mc admin group remove` twice).
  it->second = std::move(group);
  return Status::Ok();
}

Status IamStore::SetGroupEnabled(const std::string& group_name, bool enabled) {
  std::unique_lock lock(mu_);
  auto it = groups_.find(group_name);
  if (it == groups_.end()) {
    return NoSuchGroup(group_name);
  }
  Group group = it->second;
  group.enabled = enabled;
  CAIRN_RETURN_IF_ERROR(SaveGroup(group_name, group));
  it->second = std::move(group);
  return Status::Ok();
}

Result<GroupInfo> IamStore::GetGroup(const std::string& group_name) const {
  std::shared_lock lock(mu_);
  auto it = groups_.find(group_name);
  if (it == groups_.end()) {
    return NoSuchGroup(group_name);
  }
  const Group& g = it->second;
  return GroupInfo{group_name,
                   g.enabled,
                   {g.members.begin(), g.members.end()},
                   {g.policies.begin(), g.policies.end()}};
}

std::vector<GroupInfo> IamStore::ListGroups() const {
  std::shared_lock lock(mu_);
  std::vector<GroupInfo> out;
  for (const auto& [name, g] : groups_) {
    out.push_back({name,
                   g.enabled,
                   {g.members.begin(), g.members.end()},
                   {g.policies.begin(), g.policies.end()}});
  }
  return out;
}

Status IamStore::PutPolicy(const std::string& name, const std::string& document) {
  if (name.empty() || name.find('/') != std::string::npos || name.size() > 128) {
    return Status(Code::kInvalidArgument, "invalid policy name");
  }
  std::unique_lock lock(mu_);
  CAIRN_RETURN_IF_ERROR(store_.PutSystem(kPolicyPrefix + name, document));
  policies_[name] = document;
  return Status::Ok();
}

Status IamStore::RemovePolicy(const std::string& name) {
  std::unique_lock lock(mu_);
  if (!policies_.count(name)) {
    return NoSuchPolicy(name);
  }
  for (const auto& [user_name, user] : users_) {
    if (user.policies.count(name)) {
      return Status(Code::kPolicyInUse,
                    "policy " + name + " is attached to user " + user_name + "; detach it first");
    }
  }
  for (const auto& [group_name, group] : groups_) {
    if (group.policies.count(name)) {
      return Status(Code::kPolicyInUse,
                    "policy " + name + " is attached to group " + group_name + "; detach it first");
    }
  }
  CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kPolicyPrefix + name));
  policies_.erase(name);
  return Status::Ok();
}

Result<std::string> IamStore::GetPolicy(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(name);
  if (it == policies_.end()) {
    return NoSuchPolicy(name);
  }
  return it->second;
}

std::map<std::string, std::string> IamStore::ListPolicies() const {
  std::shared_lock lock(mu_);
  return policies_;
}

Status IamStore::AttachPolicies(const std::vector<std::string>& policies, const std::string& user,
                                const std::string& group) {
  std::unique_lock lock(mu_);
  if (user.empty() == group.empty()) {
    return Status(Code::kInvalidArgument, "name exactly one of a user or a group");
  }
  if (!user.empty()) {
    auto it = users_.find(user);
    if (it == users_.end()) return NoSuchUser(user);
    User updated = it->second;
    updated.policies.insert(policies.begin(), policies.end());
    CAIRN_RETURN_IF_ERROR(SaveUser(user, updated));
    it->second = std::move(updated);
    return Status::Ok();
  }
  Group updated = groups_.count(group) ? groups_[group] : Group();
  updated.policies.insert(policies.begin(), policies.end());
  CAIRN_RETURN_IF_ERROR(SaveGroup(group, updated));
  groups_[group] = std::move(updated);
  return Status::Ok();
}

Status IamStore::DetachPolicies(const std::vector<std::string>& policies, const std::string& user,
                                const std::string& group) {
  std::unique_lock lock(mu_);
  if (user.empty() == group.empty()) {
    return Status(Code::kInvalidArgument, "name exactly one of a user or a group");
  }
  if (!user.empty()) {
    auto it = users_.find(user);
    if (it == users_.end()) return NoSuchUser(user);
    User updated = it->second;
    for (const std::string& p : policies) updated.policies.erase(p);
    CAIRN_RETURN_IF_ERROR(SaveUser(user, updated));
    it->second = std::move(updated);
    return Status::Ok();
  }
  auto it = groups_.find(group);
  if (it == groups_.end()) {
    return NoSuchGroup(group);
  }
  Group updated = it->second;
  for (const std::string& p : policies) updated.policies.erase(p);
  CAIRN_RETURN_IF_ERROR(SaveGroup(group, updated));
  it->second = std::move(updated);
  return Status::Ok();
}

Result<auth::Credentials> IamStore::AddServiceAccount(
    const std::string& parent, const std::string& access_key, const std::string& secret,
    const std::string& policy, const std::string& name, const std::string& description) {
  std::unique_lock lock(mu_);
  bool root_parent = parent.empty() || parent == root_.access_key;
  if (!root_parent && !users_.count(parent)) return NoSuchUser(parent);
  ServiceAccount account;
  account.info.access_key =
      access_key.empty() ? RandomText(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") : access_key;
  account.secret = secret.empty()
                       ? RandomText(40,
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789+")
                       : secret;
  CAIRN_RETURN_IF_ERROR(ValidateCredentials(account.info.access_key, account.secret));
  if (KeyInUse(account.info.access_key)) {
    return Status(Code::kInvalidArgument, "access key already in use: " + account.info.access_key);
  }
  account.info.parent = root_parent ? "" : parent;
  account.info.policy = policy;
  account.info.name = name;
  account.info.description = description;
  CAIRN_RETURN_IF_ERROR(SaveServiceAccount(account));
  auth::Credentials credentials{account.info.access_key, account.secret};
  service_accounts_[account.info.access_key] = std::move(account);
  return credentials;
}

Result<ServiceAccountInfo> IamStore::UpdateServiceAccount(const std::string& access_key,
                                                          const ServiceAccountUpdate& update) {
  std::unique_lock lock(mu_);
  auto it = service_accounts_.find(access_key);
  if (it == service_accounts_.end()) return NoSuchServiceAccount(access_key);
  ServiceAccount account = it->second;  // changed as a copy: the live one stays until saved
  if (update.secret) {
    CAIRN_RETURN_IF_ERROR(ValidateCredentials(access_key, *update.secret));
    account.secret = *update.secret;
  }
  if (update.enabled) account.info.enabled = *update.enabled;
  if (update.policy) account.info.policy = *update.policy;
  if (update.name) account.info.name = *update.name;
  if (update.description) account.info.description = *update.description;
  if (update.expiration) {
    account.info.expiration = *update.expiration == TimePoint{}
                                  ? std::nullopt
                                  : std::optional<TimePoint>(*update.expiration);
  }
  CAIRN_RETURN_IF_ERROR(SaveServiceAccount(account));
  it->second = std::move(account);
  return it->second.info;
}

Status IamStore::RemoveServiceAccount(const std::string& access_key) {
  std::unique_lock lock(mu_);
  if (!service_accounts_.count(access_key)) {
    return NoSuchServiceAccount(access_key);
  }
  CAIRN_RETURN_IF_ERROR(store_.DeleteSystem(kServiceAccountPrefix + access_key));
  service_accounts_.erase(access_key);
  return Status::Ok();
}

Result<ServiceAccountInfo> IamStore::GetServiceAccount(const std::string& access_key) const {
  std::shared_lock lock(mu_);
  auto it = service_accounts_.find(access_key);
  if (it == service_accounts_.end()) {
    return NoSuchServiceAccount(access_key);
  }
  return it->second.info;
}

std::vector<ServiceAccountInfo> IamStore::ListServiceAccounts(const std::string& parent) const {
  std::shared_lock lock(mu_);
  std::string wanted = parent == root_.access_key ? "" : parent;
  std::vector<ServiceAccountInfo> out;
  for (const auto& [key, account] : service_accounts_) {
    if (account.info.parent == wanted) out.push_back(account.info);
  }
  return out;
}

}  // namespace cairn::iam
