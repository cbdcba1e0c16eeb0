// Who may do what. The S3 and admin layers ask an Authorizer about every request, naming the
// AWS action ("s3:GetObject") and the resource; policies come in with IAM users and bucket
// policies, so for now only the root identity is known.
#pragma once

#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/sigv4.h"

namespace cairn::iam {

struct AccessRequest {
  const auth::Identity* identity = nullptr;
  std::string_view action;  // "s3:GetObject"
  std::string_view bucket;  // "" for account-level actions (ListAllMyBuckets)
  std::string_view key;     // "" for bucket-level actions
  std::string_view remote_ip;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual bool IsAllowed(const AccessRequest& request) const = 0;
};

// The root user may do everything; nobody else may do anything (no policies yet).
class RootOnlyAuthorizer final : public Authorizer {
 public:
  explicit RootOnlyAuthorizer(std::string root_access_key) : root_(std::move(root_access_key)) {}
  bool IsAllowed(const AccessRequest& request) const override {
    return !request.identity->anonymous && request.identity->access_key == root_;
  }

 private:
  std::string root_;
};

// The credential table with just the root user in it.
class RootCredentials final : public auth::CredentialLookup {
 public:
  explicit RootCredentials(auth::Credentials root) : root_(std::move(root)) {}
  Result<auth::Credentials> Lookup(std::string_view access_key) const override {
    if (access_key != root_.access_key) {
      return Status(Code::kInvalidAccessKeyId,
                    "The Access Key Id you provided does not exist in our records.");
    }
    return root_;
  }

 private:
  auth::Credentials root_;
};

}  // namespace cairn::iam
