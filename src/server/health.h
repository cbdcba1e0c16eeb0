#pragma once

#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::server {

// MinIO's unauthenticated health endpoints (GET or HEAD): /minio/health/live, /ready, /cluster
// and /cluster/read answer 200 once the store is open, 503 before. Returns false when `request`
// is not a health check, leaving it to the S3 API.
bool ServeHealth(const http::Request& request, http::ResponseWriter& out, bool store_open);

}  // namespace cairn::server
