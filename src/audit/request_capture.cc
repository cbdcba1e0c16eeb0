#include "audit/request_capture.h"

#include "audit/redact.h"

namespace cairn::audit {

RequestCapture::RequestCapture(const http::Request& request, ByteSource& body,
                               http::ResponseWriter& out)
    : request_(request),
      body_(body),
      out_(out),
      wall_start_(Now()),
      start_(std::chrono::steady_clock::now()) {}

void RequestCapture::Answered(int status, const Headers& headers) {
  if (status_ != 0) return;
  status_ = status;
  response_headers_ = headers;
  ttfb_ = std::chrono::steady_clock::now() - start_;
}

Status RequestCapture::Send(int status, const Headers& headers, std::string_view body) {
  Answered(status, headers);
  Status s = out_.Send(status, headers, body);
  if (s.ok() && request_.method != "HEAD") sent_ += body.size();
  return s;
}

Status RequestCapture::SendStream(int status, const Headers& headers, uint64_t length,
                                  ByteSource* body) {
  Answered(status, headers);
  Status s = out_.SendStream(status, headers, length, body);
  if (s.ok() && body != nullptr) sent_ += length;
  return s;
}

Status RequestCapture::SendChunked(int status, const Headers& headers, ByteSource& body) {
  Answered(status, headers);
  return out_.SendChunked(status, headers, body);
}

Result<size_t> RequestCapture::Read(char* buf, size_t n) {
  Result<size_t> got = body_.Read(buf, n);
  if (got.ok()) received_ += *got;
  return got;
}

RequestRecord RequestCapture::Finish() {
  RequestRecord r;
  r.time = wall_start_;
  r.status = status_;
  r.rx = received_;
  r.tx = sent_;
  r.time_to_response = std::chrono::steady_clock::now() - start_;
  r.time_to_first_byte = status_ != 0 ? ttfb_ : r.time_to_response;
  r.remote_host = request_.remote_ip;
  r.user_agent = std::string(request_.headers.Get("user-agent").value_or(""));
  r.method = request_.method;
  r.path = request_.path;
  r.raw_query = RedactQuery(request_.query);
  r.host = std::string(request_.headers.Get("host").value_or(""));
  r.request_headers = RedactHeaders(request_.headers);
  r.response_headers = std::move(response_headers_);
  if (auto id = r.response_headers.Get("x-amz-request-id")) r.request_id = std::string(*id);
  return r;
}

}  // namespace cairn::audit
