// The console's calls to S3 and the admin API, made as the signed-in user: the browser's request
// is mapped to the API port's path, stripped of everything the browser adds (cookies, Origin,
// the CSRF header), signed with the session's key (UNSIGNED-PAYLOAD, so the body streams through
// unread) and handed to the same in-process handler the API port uses. Authorization is
// therefore exactly the user's policies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4.h"
#include "common/time.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::console {

inline constexpr std::string_view kS3Prefix = "/api/s3";
inline constexpr std::string_view kAdminPrefix = "/api/admin";
inline constexpr std::string_view kAdminApiBase = "/cairn/admin/v1";

// "/api/s3/b/k" -> "/b/k", "/api/s3" -> "/", "/api/admin/users" -> "/cairn/admin/v1/users";
// the rest of the path stays as the browser encoded it. nullopt for any other path.
std::optional<std::string> ApiPathFor(std::string_view console_path);

// True for a browser header that is forwarded to the API: content and conditional headers and
// x-amz-* ones, but not the signature's own (x-amz-date, x-amz-content-sha256, ...).
bool ForwardedHeader(std::string_view lower_name, std::string_view value);

// The request the API handler sees: same method, query, body framing and remote address;
// Host = `api_host`; forwarded headers only; signed with `signing` at `now`.
http::Request BuildProxiedRequest(const http::Request& browser, const std::string& api_path,
                                  std::string_view api_host, const auth::SigningParams& signing,
                                  TimePoint now);

// Passes the API's answer through to the browser with the proxied-content security headers.
class ProxiedResponseWriter final : public http::ResponseWriter {
 public:
  explicit ProxiedResponseWriter(http::ResponseWriter& out) : out_(out) {}
  Status Send(int status, const Headers& headers, std::string_view body) override;
  Status SendStream(int status, const Headers& headers, uint64_t length, ByteSource* body) override;
  bool sent() const override { return out_.sent(); }

 private:
  Headers Secured(const Headers& headers) const;
  http::ResponseWriter& out_;
};

}  // namespace cairn::console
