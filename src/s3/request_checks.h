// Checks every request passes before its handler runs (docs/unsupported.md): values that would
// reach a response head must be clean, and a request that asks for something Cairn does not do
// (encryption, object lock, versions, tags, other storage classes...) is refused instead of
// being answered 200 as if it had been honoured. One place, so a handler never repeats them.
#pragma once

#include <string_view>

#include "auth/sigv4.h"
#include "common/headers.h"
#include "common/status.h"
#include "s3/query.h"
#include "s3/router.h"

namespace cairn::s3 {

// InvalidArgument (naming `what`) when `value` holds a control byte (common/headers.h
// IsSafeHeaderValue): the one entry check for anything a response head may carry.
Status CheckHeaderValue(std::string_view what, std::string_view value);

// Every field of a request head: no value a handler or the CORS layer may reflect can hold a
// control byte. (The HTTP parser already refuses CR and LF; other control bytes reach here.)
Status CheckRequestHead(const Headers& headers);

// The response-* query overrides of GetObject/HeadObject: InvalidRequest for an anonymous
// caller, as AWS answers; InvalidArgument for a value with a control byte.
Status CheckResponseOverrides(Operation operation, const Query& query,
                              const auth::Identity& identity);

// A versionId (query parameter, copy source, DeleteObjects entry) while Cairn keeps no
// versions: "null" names the current object (OK); a UUID, the form version ids take, names a
// version that cannot exist (NoSuchVersion); anything else is InvalidArgument.
Status CheckVersionId(std::string_view version_id);

// The refusals for requests that ask for what Cairn does not do, for `operation` with the
// request's `headers` (for PostObject: the form fields) and `query`. `sse_c_allowed`: the
// connection may carry SSE-C keys (SseCTransportAllowed in s3/sse.h).
Status RefuseUnsupported(Operation operation, const Headers& headers, const Query& query,
                         bool sse_c_allowed);

}  // namespace cairn::s3
