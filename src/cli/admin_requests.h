// Requests of Cairn's admin API (docs/admin-api.md): pure builders, so the exact method, path,
// query and JSON body of every `cairn admin` command are unit-tested without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/s3_client.h"
#include "common/status.h"

namespace cairn::cli::admin {

constexpr std::string_view kBasePath = "/cairn/admin/v1/";

struct Call {
  std::string method;
  std::string endpoint;  // relative to kBasePath: "user"
  QueryParams query;
  std::optional<std::string> body;    // JSON
  std::string_view base = kBasePath;  // MinIO's calls Cairn's v1 has no twin of: kMinioBasePath

  HttpRequest ToHttpRequest() const;
};

constexpr std::string_view kMinioBasePath = "/minio/admin/v3/";

// MinIO's heal (madmin's Heal): POST heal/BUCKET/PREFIX with HealOpts starts it ...
Call StartHeal(std::string_view bucket, std::string_view prefix, bool recursive, bool deep);
// ... and the same path with ?clientToken= fetches what it did.
Call HealStatus(std::string_view bucket, std::string_view prefix, std::string_view token);

Call ServerInfo();
Call ScannerStatus();  // GET scanner/status
Call ListUsers();
Call GetUser(std::string_view access_key);
Call AddUser(std::string_view access_key, std::string_view secret_key);
Call RemoveUser(std::string_view access_key);
Call SetUserStatus(std::string_view access_key, bool enabled);

Call ListGroups();
Call GetGroup(std::string_view group);
Call AddGroupMembers(std::string_view group, const std::vector<std::string>& members);
Call RemoveGroupMembers(std::string_view group, const std::vector<std::string>& members);
Call RemoveGroup(std::string_view group);
Call SetGroupStatus(std::string_view group, bool enabled);

Call ListPolicies();
Call GetPolicy(std::string_view name);
// `document` must be a JSON object (kMalformedPolicy otherwise); it is sent as it is.
Result<Call> CreatePolicy(std::string_view name, std::string_view document);
Call RemovePolicy(std::string_view name);
// Exactly one of `user` and `group` is non-empty (kInvalidArgument otherwise).
Result<Call> AttachPolicies(const std::vector<std::string>& policies, std::string_view user,
                            std::string_view group, bool detach);

struct AccessKeyOptions {
  std::string parent;  // the user it belongs to ("" = the caller)
  std::string access_key;
  std::string secret_key;
  std::string policy;  // a JSON document, or ""
  std::string name;
  std::string description;
};
Result<Call> CreateAccessKey(const AccessKeyOptions& options);
Call ListAccessKeys(std::string_view user);
Call GetAccessKey(std::string_view access_key);
Call RemoveAccessKey(std::string_view access_key);

}  // namespace cairn::cli::admin
