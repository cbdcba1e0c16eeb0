// MinIO's Prometheus endpoints on the API port: /minio/v2/metrics/cluster, /node, /bucket and
// /resource, in the Prometheus text format 0.0.4 with MinIO's metric names, labels, HELP and
// TYPE lines (docs/metrics.md). Every value is a counter kept as the server works (request
// counters, the store's usage counters) or one system call (statvfs, /proc): a scrape costs
// O(number of metrics), never a walk of the keys.
//
// Auth as MinIO: a bearer JWT (auth/jwt.h) for an access key allowed admin:Prometheus, else 403
// with MinIO's JSON error; MINIO_PROMETHEUS_AUTH_TYPE=public serves without a token.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_target.h"
#include "auth/credentials.h"
#include "common/time.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "iam/authorizer.h"
#include "platform/env.h"
#include "s3/metrics.h"
#include "storage/object_store.h"
#include "storage/store_health.h"

namespace cairn::server {

struct MetricsOptions {
  std::vector<std::string> drive_paths;
  // The store's drives with their states and geometry; when set, these drives are reported
  // (an offline one as offline, usable capacity scaled by data / (data + parity)).
  std::function<storage::StoreHealth()> store_health;
  TimePoint started;
  bool public_access = false;    // MINIO_PROMETHEUS_AUTH_TYPE=public
  std::string server_name;       // the `server` label: host:port of this node
  platform::Env* env = nullptr;  // nullptr: platform::Env::Default()
  // The audit targets' counters by target id (minio_audit_*); unset: none.
  std::function<std::vector<std::pair<std::string, audit::TargetStats>>()> audit_stats;
};

class MetricsEndpoint {
 public:
  MetricsEndpoint(MetricsOptions options, const s3::S3Metrics& requests,
                  storage::ObjectStore& store, const auth::CredentialLookup& keys,
                  const iam::Authorizer& authorizer);

  // Whether the request is for a metrics path (/minio/v2/metrics/...).
  static bool Handles(const http::Request& request);
  void Handle(const http::Request& request, http::ResponseWriter& out) const;

  // The exposition of one group ("cluster", "node", "bucket", "resource"); "" for another name.
  std::string Render(std::string_view group) const;

 private:
  Status Authorize(const http::Request& request) const;
  MetricsOptions options_;
  const s3::S3Metrics& requests_;
  storage::ObjectStore& store_;
  const auth::CredentialLookup& keys_;
  const iam::Authorizer& authorizer_;
};

}  // namespace cairn::server
