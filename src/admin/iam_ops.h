// The IAM operations behind both admin encodings: Cairn's JSON API (users.cc, groups.cc,
// policies.cc, service_accounts.cc) and MinIO's v3 API (minio_v3.cc). Each holds the checks and
// store calls of one operation; the handlers only read their encoding's request and write its
// reply, so the two APIs cannot drift apart in what they allow.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/context.h"
#include "common/time.h"

namespace cairn::admin {

// "enabled" -> true, "disabled" -> false, anything else kInvalidArgument.
Result<bool> ParseEnabled(std::string_view status);

// Creates the user or resets its secret, then applies `status` ("enabled"/"disabled") if given.
Status CreateOrResetUser(AdminContext& ctx, const std::string& access_key,
                         const std::string& secret, const std::optional<std::string>& status);

// Named policies. Canned policies (iam/policy) can be read, never changed.
bool IsCannedPolicy(std::string_view name);
// The document of a canned or stored policy (kNoSuchPolicy when neither).
Result<std::string> PolicyText(AdminContext& ctx, const std::string& name);
// Checks `text` as an identity policy (kMalformedPolicy) and stores it under `name`.
Status PutNamedPolicy(AdminContext& ctx, const std::string& name, const std::string& text);
Status DeleteNamedPolicy(AdminContext& ctx, const std::string& name);
// Attaches existing policies to exactly one of an existing user or group.
Status AttachPoliciesChecked(AdminContext& ctx, const std::vector<std::string>& policies,
                             const std::string& user, const std::string& group);
// Makes `policies` the whole set attached to the user or group (MinIO's set-user-or-group-policy).
Status ReplacePolicies(AdminContext& ctx, const std::vector<std::string>& policies,
                       const std::string& user, const std::string& group);

// Service accounts. A user manages its own without admin actions; anything else needs `action`.
// A service account calling is never "its parent": otherwise a narrowed key could mint an
// unnarrowed sibling and escape its policy.
Status RequireUnlessOwn(const AdminContext& ctx, const std::string& parent,
                        std::string_view action);
// The account `access_key` once the caller may see it with `action`. An unknown key is
// NoSuchServiceAccount only for callers holding `action`, so others learn nothing by probing.
Result<iam::ServiceAccountInfo> ServiceAccountFor(AdminContext& ctx, const std::string& access_key,
                                                  std::string_view action);
// A session policy given as a JSON object or its text, checked as an identity policy; "" when
// absent, null or empty.
Result<std::string> SessionPolicyText(const Json* policy);

struct NewServiceAccount {
  std::string owner;  // "" = the caller
  std::string access_key;
  std::string secret_key;
  std::string policy;  // checked text, "" = the owner's rights
  std::string name;
  std::string description;
};
// Creates the account after the owner checks (admin:CreateServiceAccount unless the caller's own;
// only the root may mint keys of the root). Returns the stored record and the secret.
Result<std::pair<iam::ServiceAccountInfo, auth::Credentials>> CreateServiceAccountChecked(
    AdminContext& ctx, NewServiceAccount request);
// What an update changes (absent: kept). `status` is MinIO's "on"/"off" or Cairn's
// "enabled"/"disabled"; `policy` is the request's document, read by UpdatePolicyText.
struct ServiceAccountChanges {
  std::optional<std::string> secret_key;
  std::optional<std::string> status;
  std::optional<std::string> policy;  // checked text; "" = back to the parent's rights
  std::optional<std::string> name;
  std::optional<std::string> description;
  // nullopt: kept; TimePoint{}: never expires; else between 15 minutes and 365 days from now
  // (MinIO's bounds).
  std::optional<TimePoint> expiration;
};
// An update's policy field: nullopt when absent or null (the policy is kept, see
// docs/admin-api.md); "" for an empty document ({} or no Version and no Statement: the parent's
// rights); else the document checked as an identity policy (kMalformedPolicy).
Result<std::optional<std::string>> UpdatePolicyText(const Json* policy);
// An update's expiration as RFC 3339 text: Go's zero time and the Unix epoch mean "never", as
// MinIO reads them (kInvalidArgument when it is not a time).
Result<TimePoint> ParseExpiration(std::string_view text);
// Changes the account after the owner checks (admin:UpdateServiceAccount unless the caller's
// own; only the root may change keys of the root). Returns the updated record.
Result<iam::ServiceAccountInfo> UpdateServiceAccountChecked(AdminContext& ctx,
                                                            const std::string& access_key,
                                                            const ServiceAccountChanges& changes);
// The accounts of `user` ("" = the caller), after admin:ListServiceAccounts unless its own.
Result<std::vector<iam::ServiceAccountInfo>> ListServiceAccountsChecked(AdminContext& ctx,
                                                                        std::string user);

}  // namespace cairn::admin
