// Wraps one request's body and writer to catch what its record needs: the status, the response
// headers, the moment the answer started, and the bytes each way. Lives on the handler's stack,
// and only while RecordHub::wanted() — otherwise the request runs unwrapped.
#pragma once

#include <chrono>
#include <optional>

#include "audit/request_record.h"
#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::audit {

class RequestCapture final : public http::ResponseWriter, public ByteSource {
 public:
  RequestCapture(const http::Request& request, ByteSource& body, http::ResponseWriter& out);
  RequestCapture(const RequestCapture&) = delete;
  RequestCapture& operator=(const RequestCapture&) = delete;

  // The record so far: the request's redacted head, timings, status and sizes. The caller adds
  // what only it knows (api name, bucket, object, access key, request id).
  RequestRecord Finish();

  // ResponseWriter
  Status Send(int status, const Headers& headers, std::string_view body) override;
  Status SendStream(int status, const Headers& headers, uint64_t length, ByteSource* body) override;
  Status SendChunked(int status, const Headers& headers, ByteSource& body) override;
  bool sent() const override { return out_.sent(); }

  // ByteSource (the request body)
  Result<size_t> Read(char* buf, size_t n) override;
  std::optional<FileRegion> RemainingFileRegion() override { return body_.RemainingFileRegion(); }
  std::optional<std::string_view> RemainingMemory() override { return body_.RemainingMemory(); }
  const Headers* trailers() const override { return body_.trailers(); }

 private:
  void Answered(int status, const Headers& headers);
  const http::Request& request_;
  ByteSource& body_;
  http::ResponseWriter& out_;
  TimePoint wall_start_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::nanoseconds ttfb_{0};
  int status_ = 0;
  Headers response_headers_;
  uint64_t received_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace cairn::audit
