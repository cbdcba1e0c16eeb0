#include "server/health.h"

#include <array>
#include <string_view>

#include "s3/api.h"

namespace cairn::server {

bool ServeHealth(const http::Request& request, http::ResponseWriter& out, bool store_open) {
  constexpr std::array<std::string_view, 4> kPaths = {"/minio/health/live", "/minio/health/ready",
                                                      "/minio/health/cluster",
                                                      "/minio/health/cluster/read"};
  bool known = false;
  for (std::string_view path : kPaths) known = known || request.path == path;
  if (!known || (request.method != "GET" && request.method != "HEAD")) return false;
  Headers headers;
  headers.Add("cache-control", "no-store");
  headers.Add("x-amz-request-id", s3::NewRequestId());
  out.Send(store_open ? 200 : 503, headers, "").IgnoreError();
  return true;
}

}  // namespace cairn::server
