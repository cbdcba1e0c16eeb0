// How a handler answers. Exactly one Send*/SendStream call per request.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/byte_source.h"
#include "common/headers.h"
#include "common/status.h"

namespace cairn::http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // A response whose body is in memory. Content-Length is set here (omitted for 204 and 304).
  virtual Status Send(int status, const Headers& headers, std::string_view body) = 0;

  // The head with Content-Length: `length`, then `length` bytes read from `body`. With a null
  // `body` (a HEAD answer) only the head is sent. A body shorter than `length` is a broken
  // response: the connection is closed so the client sees it truncated, not complete.
  virtual Status SendStream(int status, const Headers& headers, uint64_t length,
                            ByteSource* body) = 0;

  // An answer of unknown length (a live stream: admin trace): the head with
  // `Transfer-Encoding: chunked`, then each Read of `body` as one chunk until it returns 0 (the
  // last chunk follows) or fails (the connection is cut, so the client sees a broken stream).
  // The connection closes after it. Writers that cannot stream answer kNotImplemented.
  virtual Status SendChunked(int /*status*/, const Headers& /*headers*/, ByteSource& /*body*/) {
    return Status(Code::kNotImplemented, "this writer cannot stream a chunked answer");
  }

  virtual bool sent() const = 0;
};

}  // namespace cairn::http
