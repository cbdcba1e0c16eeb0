#pragma once

#include "http/request.h"
#include "http/response_writer.h"
#include "storage/store_health.h"

namespace cairn::server {

// MinIO's unauthenticated health endpoints (GET or HEAD), all 503 until the store is open
// (`health` nullptr):
//   /minio/health/live, /ready   200 once the store is open;
//   /minio/health/cluster        200 while the drives that answer reach write quorum, with
//                                X-Minio-Write-Quorum (and X-Minio-Healing-Drives while some
//                                heal); ?maintenance=true is 412: Cairn is one node, so taking
//                                it down always loses quorum;
//   /minio/health/cluster/read   200 while they reach read quorum, with X-Minio-Read-Quorum.
// Returns false when `request` is not a health check, leaving it to the S3 API.
bool ServeHealth(const http::Request& request, http::ResponseWriter& out,
                 const storage::StoreHealth* health);

}  // namespace cairn::server
