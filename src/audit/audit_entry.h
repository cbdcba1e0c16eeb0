// MinIO's audit entry (madmin-go logger/audit.Entry, version "1"): the JSON an audit target
// receives for one request, field names and order as MinIO writes them (docs/audit.md).
#pragma once

#include <string>
#include <string_view>

#include "audit/request_record.h"

namespace cairn::audit {

// The entry as one line of JSON (no trailing newline). `deployment_id` is the server's stable id.
std::string AuditEntryJson(const RequestRecord& record, std::string_view deployment_id);

// Go's RFC3339Nano: "2024-05-06T07:08:09.123456789Z", trailing zeros of the fraction dropped.
std::string FormatRfc3339Nano(TimePoint t);

// Go's canonical header key (textproto.CanonicalMIMEHeaderKey): "x-amz-date" -> "X-Amz-Date".
std::string CanonicalHeaderKey(std::string_view name);

}  // namespace cairn::audit
