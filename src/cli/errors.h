// Server errors turned into one-line messages: an S3 XML error body or an admin-API JSON error
// becomes a Status whose message is "<Message> (<Code>)"; no XML ever reaches the user.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::cli {

// `body` may be empty (HEAD) or not XML/JSON at all; the HTTP status then decides.
// `what` names the resource for statuses without a body ("local/bucket/key").
Status ErrorFromResponse(long http_status, std::string_view body, std::string_view what);

// The S3 code name an error carries ("NoSuchBucket"), or "" for local errors.
std::string ErrorCodeName(const Status& status);

// "cairn: <context>: <message>" with newlines and control characters flattened.
std::string OneLine(std::string_view text);

}  // namespace cairn::cli
