// Who may do what. The S3 and admin layers ask an Authorizer about every request, naming the
// AWS action ("s3:GetObject") and the resource; PolicyAuthorizer answers from IAM and bucket
// policies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4.h"

namespace cairn::iam {

struct AccessRequest {
  const auth::Identity* identity = nullptr;
  std::string_view action;  // "s3:GetObject"
  std::string_view bucket;  // "" for account-level actions (ListAllMyBuckets)
  std::string_view key;     // "" for bucket-level actions
  std::string_view remote_ip;
  bool secure_transport = false;
  // Request-specific condition keys the caller knows: s3:prefix, s3:delimiter, s3:max-keys,
  // s3:x-amz-acl, aws:Referer, aws:UserAgent...
  std::vector<std::pair<std::string, std::string>> conditions;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual bool IsAllowed(const AccessRequest& request) const = 0;
};

}  // namespace cairn::iam
