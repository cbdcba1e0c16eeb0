// What auth needs to know about keys, declared here and implemented above (iam/), so auth never
// reaches up into users, policies or buckets.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::auth {

struct Credentials {
  std::string access_key;
  std::string secret_key;
};

class CredentialLookup {
 public:
  virtual ~CredentialLookup() = default;
  // The credentials for `access_key`; kInvalidAccessKeyId when there is no such (enabled) key.
  // Called on every request from many threads at once: must be thread-safe and fast.
  virtual Result<Credentials> Lookup(std::string_view access_key) const = 0;
};

}  // namespace cairn::auth
