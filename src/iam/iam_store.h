// IamStore: users, groups, service accounts and named policies, held in memory for fast
// lookups on every request and written through to the SystemStore, so they survive restarts.
// Implements auth's CredentialLookup. Policy documents are stored as the text the caller gave;
// checking them is the caller's job (iam/policy).
//
// Secrets are never logged and never returned by listings; GetUser/ListUsers omit them.
//
// Errors name what is missing or in the way: kNoSuchUser, kNoSuchGroup, kNoSuchPolicy,
// kNoSuchServiceAccount, kGroupNotEmpty (removing a group with members), kPolicyInUse (removing
// an attached policy); kInvalidArgument for bad names, keys and secrets.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "common/status.h"
#include "common/time.h"
#include "storage/system_store.h"

namespace cairn::iam {

struct UserInfo {
  std::string access_key;  // the user's name, as in MinIO
  bool enabled = true;
  std::vector<std::string> policies;  // attached directly
  std::vector<std::string> groups;    // member of
};

struct GroupInfo {
  std::string name;
  bool enabled = true;
  std::vector<std::string> members;
  std::vector<std::string> policies;
};

struct ServiceAccountInfo {
  std::string access_key;
  std::string parent;  // the user whose rights it carries ("" = root)
  std::string name;
  std::string description;
  bool enabled = true;
  std::string policy;  // JSON narrowing the parent's rights; "" = the parent's rights
  // When the key stops signing; nullopt = never.
  std::optional<TimePoint> expiration;
};

// The fields UpdateServiceAccount changes; absent ones keep their value. The parent and the
// access key never change.
struct ServiceAccountUpdate {
  std::optional<std::string> secret;  // 8..40 characters, as AddUser's
  std::optional<bool> enabled;
  std::optional<std::string> policy;  // "" = back to the parent's rights
  std::optional<std::string> name;
  std::optional<std::string> description;
  // A time: the key expires then; TimePoint{} (the epoch): it never expires.
  std::optional<TimePoint> expiration;
};

// Who a key belongs to, resolved for authorization.
struct Principal {
  std::string access_key;
  std::string user;  // the user name (the parent, for a service account)
  bool root = false;
  bool service_account = false;
  std::vector<std::string> policies;  // the user's and its enabled groups' policy names
  std::string session_policy;         // a service account's own policy, "" if none
};

class IamStore final : public auth::CredentialLookup {
 public:
  // Loads every record. The root user exists only in memory (from the environment).
  static Result<std::unique_ptr<IamStore>> Open(storage::SystemStore& store,
                                                auth::Credentials root);

  Result<auth::Credentials> Lookup(std::string_view access_key) const override;
  // kInvalidAccessKeyId for unknown or disabled keys (and keys of disabled users).
  Result<Principal> Resolve(std::string_view access_key) const;
  const std::string& root_access_key() const { return root_.access_key; }

  // Users. AddUser creates or resets the secret (access key 3..128 chars, secret 8..40).
  Status AddUser(const std::string& access_key, const std::string& secret);
  Status RemoveUser(const std::string& access_key);  // also its service accounts
  Status SetUserEnabled(const std::string& access_key, bool enabled);
  Result<UserInfo> GetUser(const std::string& access_key) const;
  std::vector<UserInfo> ListUsers() const;

  // Adding members to a new group creates it; a group emptied of members and policies stays
  // until removed (as in MinIO).
  Status AddGroupMembers(const std::string& group, const std::vector<std::string>& members);
  // With no members given, removes the group (which must then have no members).
  Status RemoveGroupMembers(const std::string& group, const std::vector<std::string>& members);
  Status SetGroupEnabled(const std::string& group, bool enabled);
  Result<GroupInfo> GetGroup(const std::string& group) const;
  std::vector<GroupInfo> ListGroups() const;

  // Named policies (the canned ones are the caller's; names here must not clash with them).
  Status PutPolicy(const std::string& name, const std::string& document);
  Status RemovePolicy(const std::string& name);
  Result<std::string> GetPolicy(const std::string& name) const;
  std::map<std::string, std::string> ListPolicies() const;
  // Attach/detach to exactly one of user or group.
  Status AttachPolicies(const std::vector<std::string>& policies, const std::string& user,
                        const std::string& group);
  Status DetachPolicies(const std::vector<std::string>& policies, const std::string& user,
                        const std::string& group);

  // Service accounts: extra keys of a user. Empty access key/secret: generated.
  Result<auth::Credentials> AddServiceAccount(const std::string& parent,
                                              const std::string& access_key,
                                              const std::string& secret, const std::string& policy,
                                              const std::string& name,
                                              const std::string& description);
  // Changes the account in one durable write of its record: either every field given takes
  // effect (for the next request it signs: a new secret, a status, a policy) or, when the write
  // fails or the secret is invalid, none does. Returns the updated record.
  Result<ServiceAccountInfo> UpdateServiceAccount(const std::string& access_key,
                                                  const ServiceAccountUpdate& update);
  Status RemoveServiceAccount(const std::string& access_key);
  Result<ServiceAccountInfo> GetServiceAccount(const std::string& access_key) const;
  std::vector<ServiceAccountInfo> ListServiceAccounts(const std::string& parent) const;

  // Reads every record again (another gateway on the same store changed some).
  Status Reload() { return Load(); }

  // Where Lookup reads the time from, for service account expiry (default: common/time Now).
  void SetClockForTest(TimePoint (*now)()) { now_ = now; }

 private:
  struct User {
    std::string secret;
    bool enabled = true;
    std::set<std::string> policies;
  };
  struct Group {
    bool enabled = true;
    std::set<std::string> members;
    std::set<std::string> policies;
  };
  struct ServiceAccount {
    std::string secret;
    ServiceAccountInfo info;
  };

  IamStore(storage::SystemStore& store, auth::Credentials root)
      : store_(store), root_(std::move(root)) {}
  Status Load();
  Status SaveUser(const std::string& name, const User& user);
  Status SaveGroup(const std::string& name, const Group& group);
  Status SaveServiceAccount(const ServiceAccount& account);
  std::vector<std::string> GroupsOf(const std::string& user) const;  // needs mu_ held
  bool KeyInUse(const std::string& access_key) const;                // needs mu_ held

  storage::SystemStore& store_;
  const auth::Credentials root_;
  TimePoint (*now_)() = &Now;
  mutable std::shared_mutex mu_;
  std::map<std::string, User> users_;                       // guarded by mu_
  std::map<std::string, Group> groups_;                     // guarded by mu_
  std::map<std::string, std::string> policies_;             // guarded by mu_
  std::map<std::string, ServiceAccount> service_accounts_;  // guarded by mu_
};

}  // namespace cairn::iam
