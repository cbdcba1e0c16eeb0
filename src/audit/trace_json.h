// madmin-go's TraceInfo for one request: the JSON object `mc admin trace` and madmin's
// ServiceTrace decode, one per line of GET /minio/admin/v3/trace (docs/admin-api.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/request_record.h"

namespace cairn::audit {

// madmin.TraceType bits.
inline constexpr uint64_t kTraceTypeS3 = 1 << 2;
inline constexpr uint64_t kTraceTypeAdmin = 1 << 17;

// The record as one line of TraceInfo JSON (no trailing newline). `node` is host:port.
std::string TraceInfoJson(const RequestRecord& record, std::string_view node);

// A TraceInfo that carries only a message: told to a tracer that lost `dropped` records.
std::string TraceDroppedJson(uint64_t dropped, std::string_view node, TimePoint now);

}  // namespace cairn::audit
