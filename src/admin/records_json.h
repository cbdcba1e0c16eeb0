// The JSON shapes of IAM records in admin replies (docs/admin-api.md, "Objects"). None of them
// has a field for a secret: secrets leave the server only in CreateServiceAccount's reply.
#pragma once

#include <string>
#include <string_view>

#include "admin/context.h"
#include "iam/iam_store.h"

namespace cairn::admin {

// {"accessKey", "status", "policies", "groups"}
Json UserJson(const iam::UserInfo& user);
// {"name", "status", "members", "policies"}
Json GroupJson(const iam::GroupInfo& group);
// {"accessKey", "parent", "name", "description", "status", "policy": {...} | null}.
// `root_access_key` names the parent of the root user's own service accounts.
Json ServiceAccountJson(const iam::ServiceAccountInfo& account, std::string_view root_access_key);
// MinIO's v3 shapes of a service account: madmin.InfoServiceAccountResp (`info`: with "policy"
// and 2.0.7's "comment") or madmin.ServiceAccountInfo (a listing entry: with "accessKey").
// Status is "on"/"off"; "expiration" only when the key has one.
Json MinioServiceAccountJson(const iam::ServiceAccountInfo& account,
                             std::string_view root_access_key, bool info);
// A stored policy document as JSON; documents are validated before they are stored, so one that
// no longer parses is a broken store (kCorruption).
Result<Json> PolicyDocumentJson(std::string_view text);

}  // namespace cairn::admin
