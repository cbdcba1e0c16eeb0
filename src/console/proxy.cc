#include "console/proxy.h"

#include "console/web_security.h"

namespace cairn::console {

namespace {

// "/api/s3" matches "/api/s3" and "/api/s3/..." but not "/api/s3x".
std::optional<std::string_view> AfterPrefix(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return rest;
}

}  // namespace

std::optional<std::string> ApiPathFor(std::string_view console_path) {
  if (auto rest = AfterPrefix(console_path, kS3Prefix)) {
    return rest->empty() ? std::string("/") : std::string(*rest);
  }
  if (auto rest = AfterPrefix(console_path, kAdminPrefix)) {
    return std::string(kAdminApiBase) + (rest->empty() ? std::string("/") : std::string(*rest));
  }
  return std::nullopt;
}

bool ForwardedHeader(std::string_view name, std::string_view value) {
  static constexpr std::string_view kPlain[] = {
      "content-type",     "content-length", "content-md5",       "content-disposition",
      "content-language", "cache-control",  "expires",           "range",
      "if-match",         "if-none-match",  "if-modified-since", "if-unmodified-since",
  };
  for (std::string_view plain : kPlain) {
    if (name == plain) return true;
  }
  if (name == "content-encoding") {
    // aws-chunked framing belongs to a signed stream the console never produces.
    return ToLower(value).find("aws-chunked") == std::string::npos;
  }
  if (name.starts_with("x-amz-")) {
    static constexpr std::string_view kOwnedBySigner[] = {
        "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
        "x-amz-decoded-content-length", "x-amz-trailer"};
    for (std::string_view owned : kOwnedBySigner) {
      if (name == owned) return false;
    }
    return true;
  }
  return false;
}

http::Request BuildProxiedRequest(const http::Request& browser, const std::string& api_path,
                                  std::string_view api_host, const auth::SigningParams& signing,
                                  TimePoint now) {
  http::Request request;
  request.method = browser.method;
  request.path = api_path;
  request.query = browser.query;
  request.target = browser.query.empty() ? api_path : api_path + "?" + browser.query;
  request.content_length = browser.content_length;
  request.chunked = browser.chunked;
  request.remote_ip = browser.remote_ip;
  request.secure = browser.secure;
  request.headers.Add("host", api_host);
  for (const auto& [name, value] : browser.headers.fields()) {
    if (ForwardedHeader(name, value)) request.headers.Add(name, value);
  }
  auth::SignRequest(signing, request.method, request.path, request.query, request.headers,
                    "UNSIGNED-PAYLOAD", now);
  return request;
}

Headers ProxiedResponseWriter::Secured(const Headers& headers) const {
  Headers secured = headers;
  secured.Remove("set-cookie");
  AddProxiedSecurityHeaders(secured);
  return secured;
}

Status ProxiedResponseWriter::Send(int status, const Headers& headers, std::string_view body) {
  return out_.Send(status, Secured(headers), body);
}

Status ProxiedResponseWriter::SendStream(int status, const Headers& headers, uint64_t length,
                                         ByteSource* body) {
  return out_.SendStream(status, Secured(headers), length, body);
}

}  // namespace cairn::console
