#include "server/health.h"

#include <string>
#include <string_view>

#include "common/encoding.h"
#include "s3/api.h"

namespace cairn::server {

bool ServeHealth(const http::Request& request, http::ResponseWriter& out,
                 const storage::StoreHealth* health) {
  const std::string_view path = request.path;
  const bool cluster = path == "/minio/health/cluster";
  const bool cluster_read = path == "/minio/health/cluster/read";
  if (!cluster && !cluster_read && path != "/minio/health/live" && path != "/minio/health/ready") {
    return false;
  }
  if (request.method != "GET" && request.method != "HEAD") return false;
  Headers headers;
  headers.Add("cache-control", "no-store");
  headers.Add("x-amz-request-id", s3::NewRequestId());
  int status = health != nullptr ? 200 : 503;
  if (health != nullptr && cluster) {
    headers.Add("x-minio-write-quorum", std::to_string(health->write_quorum));
    if (int healing = health->Count(storage::DriveHealthState::kHealing); healing > 0) {
      headers.Add("x-minio-healing-drives", std::to_string(healing));
    }
    bool maintenance = false;
    if (auto params = ParseQuery(request.query)) {
      for (const auto& [name, value] : *params)
        maintenance |= name == "maintenance" && value == "true";
    }
    status = maintenance ? 412 : health->CanWrite() ? 200 : 503;
  }
  if (health != nullptr && cluster_read) {
    headers.Add("x-minio-read-quorum", std::to_string(health->read_quorum));
    status = health->CanRead() ? 200 : 503;
  }
  out.Send(status, headers, "").IgnoreError();
  return true;
}

}  // namespace cairn::server
