// Who may do what. The S3 and admin layers ask an Authorizer about every request, naming the
// AWS action ("s3:GetObject") and the resource; PolicyAuthorizer answers from IAM and bucket
// policies.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4.h"

namespace cairn::iam {

struct AccessRequest {
  const auth::Identity* identity = nullptr;
  std::string_view action;      // "s3:GetObject"
  std::string_view bucket;      // "" for account-level actions (ListAllMyBuckets)
  std::string_view key;         // "" for bucket-level actions
  std::string_view version_id;  // the version an object request names ("" = the latest)
  std::string_view remote_ip;
  bool secure_transport = false;
  // Request-specific condition keys the caller knows: s3:prefix, s3:delimiter, s3:max-keys,
  // s3:x-amz-acl, aws:Referer, aws:UserAgent...
  std::vector<std::pair<std::string, std::string>> conditions;
  // s3:ExistingObjectTag/<tag key>: the tags of the version the request reads or retags. They
  // cost a store read, so the S3 layer passes a way to read them (empty tags when there is no
  // such version) rather than the tags; the authorizer calls it at most once, and only when a
  // policy bearing on the request has an s3:ExistingObjectTag/ condition in a statement for
  // this action. Unset for operations AWS does not evaluate the key for (PutObject, DeleteObject).
  std::function<std::vector<std::pair<std::string, std::string>>()> existing_object_tags;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual bool IsAllowed(const AccessRequest& request) const = 0;
};

}  // namespace cairn::iam
