// Secrets never leave the request: what an audit record or a trace carries of the request's
// headers and query, with signatures, session tokens and SSE-C keys replaced, as MinIO redacts.
#pragma once

#include <string>
#include <string_view>

#include "common/headers.h"

namespace cairn::audit {

inline constexpr std::string_view kRedacted = "*REDACTED*";

// A copy of `headers` with: Authorization's SigV4 `Signature=` (or SigV2 `AWS AK:signature`)
// value replaced, X-Amz-Security-Token and the SSE-C keys
// (x-amz-[copy-source-]server-side-encryption-customer-key, not its MD5) replaced, Cookie dropped
// (the console's session).
Headers RedactHeaders(const Headers& headers);

// The raw query with the values of X-Amz-Signature, Signature (SigV2 presigned) and
// X-Amz-Security-Token replaced; other parameters unchanged, in their order.
std::string RedactQuery(std::string_view raw_query);

// The Authorization value with its signature replaced.
std::string RedactAuthorization(std::string_view value);

}  // namespace cairn::audit
