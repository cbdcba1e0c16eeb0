// The head of an HTTP/1.1 request as the handler sees it; the body arrives separately as a
// ByteSource so it is never buffered whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/headers.h"

namespace cairn::http {

struct Request {
  std::string method;  // upper-case as sent: "GET"
  std::string target;  // the raw request-target: "/bucket/key?uploads"
  std::string path;    // raw path part of target, still percent-encoded
  std::string query;   // raw query part without '?', "" when absent
  Headers headers;
  std::optional<uint64_t> content_length;  // absent when chunked or no body
  bool chunked = false;                    // Transfer-Encoding: chunked
  std::string remote_ip;
  bool secure = false;  // arrived over TLS
};

}  // namespace cairn::http
