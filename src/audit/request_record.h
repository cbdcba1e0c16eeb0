// One answered request as an audit target or a live tracer sees it: built only while someone
// subscribes (RecordHub::wanted), with every secret already removed from its headers and query.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/headers.h"
#include "common/time.h"

namespace cairn::audit {

// Which API answered, for the trace type and the trace's function name.
enum class RecordKind { kS3, kAdmin };

struct RequestRecord {
  RecordKind kind = RecordKind::kS3;
  TimePoint time;        // when the request started (wall clock)
  std::string api_name;  // MinIO's handler name: "PutObject", "ListObjectsV2"
  std::string bucket;
  std::string object;  // the key, decoded
  int status = 0;      // 0: nothing was answered
  uint64_t rx = 0;     // request body bytes read
  uint64_t tx = 0;     // response body bytes sent
  std::chrono::nanoseconds time_to_first_byte{0};
  std::chrono::nanoseconds time_to_response{0};
  std::string remote_host;
  std::string request_id;
  std::string user_agent;
  std::string access_key;   // "" for anonymous
  std::string parent_user;  // a service account's parent, else ""
  std::string method;
  std::string path;         // raw, percent-encoded
  std::string raw_query;    // redacted
  std::string host;         // the Host header
  Headers request_headers;  // redacted
  Headers response_headers;
};

}  // namespace cairn::audit
