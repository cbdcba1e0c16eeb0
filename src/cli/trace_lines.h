// `cairn admin trace`'s output: a madmin TraceInfo (one line of GET /minio/admin/v3/trace) as
// `mc admin trace` prints it. Pure functions, for tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cairn::cli {

// "2024-05-06T07:08:09.123 [200 OK] s3.PutObject 127.0.0.1:9000/bucket/key 127.0.0.1 1.2ms ↑ 5 B ↓
// 0 B" and, with `verbose`, the request headers ("  > Name: value") and response headers
// ("  < Name: value") on the lines after it. A record with an "error" and no "http" (a
// dropped-records notice) prints as "<time> <funcname> <error>".
std::string TraceText(const nlohmann::json& info, bool verbose);

// Go's time.Duration.String() rounded to 3 significant decimals: "812ns", "1.2ms", "2.05s".
std::string ShortDuration(int64_t nanos);

}  // namespace cairn::cli
