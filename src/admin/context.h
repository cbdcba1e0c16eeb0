// What an admin handler sees: the verified caller, the decoded query, the body (read on demand,
// capped), the services it may use, and the one way to answer (a Reply). Handlers never write to
// the connection; the pipeline in admin_api.cc renders replies and errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/admin_options.h"
#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "common/status.h"
#include "http/request.h"
#include "iam/authorizer.h"
#include "iam/iam_store.h"
#include "storage/object_store.h"

namespace cairn::admin {

// Replies keep fields in the order the handlers write them (as the contract lists them).
using Json = nlohmann::ordered_json;

// Bodies larger than this are refused with EntityTooLarge: every admin document is small.
inline constexpr uint64_t kMaxBodyBytes = 1 << 20;

// 200 with a JSON body, or 204 with none; MinIO's encoding (/minio/admin/v3/) also answers with
// bytes as they are (a policy document, an encrypted payload) and with 200 or 201 and no body.
struct Reply {
  int status = 200;
  Json body;
  // When set, sent as they are instead of `body` (empty: no body, whatever the status).
  std::optional<std::string> raw;
  std::string_view content_type = "application/json";

  static Reply Ok(Json body) { return Reply{200, std::move(body), std::nullopt}; }
  static Reply NoContent() { return Reply{204, nullptr, std::nullopt}; }
  static Reply Empty(int status = 200) { return Reply{status, nullptr, std::string()}; }
  static Reply Bytes(std::string bytes, std::string_view content_type) {
    return Reply{200, nullptr, std::move(bytes), content_type};
  }
};

struct AdminServices {
  const AdminOptions& options;
  const iam::Authorizer& authorizer;
  iam::IamStore& iam;
  storage::ObjectStore& store;
};

class AdminContext {
 public:
  AdminContext(const http::Request& request, std::vector<std::pair<std::string, std::string>> query,
               const auth::Identity& identity, iam::Principal caller, ByteSource& body,
               const AdminServices& services)
      : request_(request),
        query_(std::move(query)),
        identity_(identity),
        caller_(std::move(caller)),
        body_(body),
        services_(services) {}

  // Who is calling: `user` is the user name (a service account's parent; the root's access key
  // for the root and its own service accounts).
  const iam::Principal& caller() const { return caller_; }
  const AdminServices& services() const { return services_; }
  const http::Request& request() const { return request_; }
  iam::IamStore& iam() const { return services_.iam; }

  // Whether the caller's policies grant `action` (resource arn:aws:s3:::*, as MinIO), or with
  // `bucket`, the bucket-level action on that bucket (as S3 would decide it).
  bool Allowed(std::string_view action, std::string_view bucket = "",
               std::string_view key = "") const;
  // kAccessDenied unless Allowed(action).
  Status Require(std::string_view action) const;

  // A decoded query parameter; nullopt when absent.
  std::optional<std::string_view> Param(std::string_view name) const;
  // Every value of a repeated query parameter (?user=a&user=b), empty ones skipped.
  std::vector<std::string> Params(std::string_view name) const;
  // A query parameter that must be present and non-empty (kInvalidArgument otherwise).
  Result<std::string> RequiredParam(std::string_view name) const;

  // The body, at most kMaxBodyBytes (kEntityTooLarge beyond), verified against the signed
  // payload hash as it is read. Read once: later calls return the same text.
  Result<std::string> BodyText();
  // The body as a JSON object (kInvalidArgument when it is not one).
  Result<Json> BodyObject();
  // The body as madmin-go encrypts it (madmin_crypto.h) under the caller's secret key, decrypted
  // (kInvalidArgument when it is not such a payload).
  Result<std::string> EncryptedBodyText();
  // The same, parsed as a JSON object (kInvalidArgument when it is not one).
  Result<Json> EncryptedBodyObject();
  // `reply` encrypted under the caller's secret key, as madmin-go's DecryptData reads it.
  Result<Reply> Encrypted(const Json& reply) const;
  // `text` encrypted the same way (MinIO's config-kv replies are text, not JSON).
  Result<Reply> EncryptedText(std::string_view text) const;

 private:
  const http::Request& request_;
  std::vector<std::pair<std::string, std::string>> query_;
  const auth::Identity& identity_;
  iam::Principal caller_;
  ByteSource& body_;
  const AdminServices& services_;
  std::optional<std::string> body_text_;
};

// JSON field readers for request bodies; each names the field in its kInvalidArgument message.
// Absent (or null) optional fields read as nullopt.
Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field);
Result<std::vector<std::string>> StringList(const Json& object, std::string_view field);

}  // namespace cairn::admin
