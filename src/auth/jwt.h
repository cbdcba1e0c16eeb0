// The bearer tokens Prometheus scrapes with, as MinIO makes and checks them: a JWT signed with
// HS512 by the secret key of the access key it names (`sub`), issuer `prometheus`, with an
// expiry (`exp`, Unix seconds). `mc admin prometheus generate` and `cairn admin prometheus
// generate` print one; the server's metrics endpoints verify it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "common/status.h"

namespace cairn::auth {

inline constexpr std::string_view kPrometheusIssuer = "prometheus";

// header.claims.signature, each base64url without padding; header {"alg":"HS512","typ":"JWT"}.
std::string SignPrometheusToken(const Credentials& credentials, int64_t expires_unix);

// The access key a token was signed for. kAccessDenied (with the reason) when the token does not
// parse, uses another algorithm, names another issuer, has expired (or carries no expiry), or
// names a key whose secret did not sign it; kInvalidAccessKeyId when `sub` is no enabled key.
Result<std::string> VerifyPrometheusToken(std::string_view token, const CredentialLookup& keys,
                                          int64_t now_unix);

// base64url without padding (RFC 7515 section 2), and its strict inverse.
std::string Base64UrlEncode(std::string_view raw);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace cairn::auth
