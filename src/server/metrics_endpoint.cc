#include "server/metrics_endpoint.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "auth/jwt.h"
#include "auth/sigv4.h"
#include "platform/process_limits.h"
#include "s3/api.h"

namespace cairn::server {

namespace {

constexpr std::string_view kPrefix = "/minio/v2/metrics/";

// Writes families in the text format: HELP and TYPE once, then the samples.
class Exposition {
 public:
  explicit Exposition(std::string server) : server_(std::move(server)) {}

  void Family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // A sample of the current family; `labels` as (name, value) pairs, `server` added first.
  void Sample(double value,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels = {},
              std::string_view suffix = "") {
    out_ += name_;
    out_ += suffix;
    out_ += "{server=\"";
    Escape(server_);
    out_ += '"';
    for (const auto& [label, text] : labels) {
      out_ += ',';
      out_ += label;
      out_ += "=\"";
      Escape(text);
      out_ += '"';
    }
    out_ += "} ";
    out_ += Number(value);
    out_ += '\n';
  }
  void One(std::string_view name, std::string_view type, std::string_view help, double value) {
    Family(name, type, help);
    Sample(value);
  }
  std::string Take() { return std::move(out_); }

  static std::string Number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (std::isnan(v)) return "NaN";
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 1e17) {
      std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
      std::snprintf(buf, sizeof buf, "%.9g", v);
    }
    return buf;
  }

 private:
  void Escape(std::string_view text) {
    for (char c : text) {
      if (c == '\\') {
        out_ += "\\\\";
      } else if (c == '"') {
        out_ += "\\\"";
      } else if (c == '\n') {
        out_ += "\\n";
      } else {
        out_ += c;
      }
    }
  }
  std::string server_;
  std::string name_;
  std::string out_;
};

struct Usage {
  std::vector<std::pair<std::string, storage::BucketUsage>> buckets;
  storage::BucketUsage total;
};

Usage ReadUsage(storage::ObjectStore& store) {
  Usage u;
  auto buckets = store.ListBuckets();
  if (!buckets.ok()) return u;
  for (const storage::BucketInfo& bucket : *buckets) {
    auto usage = store.GetBucketUsage(bucket.name);
    if (!usage.ok()) continue;  // removed meanwhile
    u.total.objects += usage->objects;
    u.total.versions += usage->versions;
    u.total.delete_markers += usage->delete_markers;
    u.total.bytes += usage->bytes;
    u.buckets.emplace_back(bucket.name, *usage);
  }
  return u;
}

struct Drive {
  std::string path;
  bool online = false;
  uint64_t total = 0;
  uint64_t free = 0;
};

struct Drives {
  std::vector<Drive> drives;
  double usable_share = 1.0;  // data / (data + parity)
};

Drives ReadDrives(platform::Env& env, const MetricsOptions& options) {
  Drives out;
  std::vector<std::string> paths = options.drive_paths;
  std::vector<bool> offline(paths.size(), false);
  std::vector<std::optional<storage::DriveSpace>> reported(paths.size());
  if (options.store_health) {
    storage::StoreHealth health = options.store_health();
    paths.clear();
    offline.clear();
    reported.clear();
    for (const storage::DriveHealth& d : health.drives) {
      paths.push_back(d.path);
      offline.push_back(d.state == storage::DriveHealthState::kOffline);
      reported.push_back(d.space);
    }
    out.usable_share = static_cast<double>(health.data_drives) /
                       std::max(1, health.data_drives + health.parity_drives);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    Drive d;
    d.path = paths[i];
    auto space = offline[i]    ? Result<platform::DiskSpace>(Status(Code::kUnavailable, "offline"))
                 : reported[i] ? Result<platform::DiskSpace>(platform::DiskSpace{
                                     reported[i]->total, reported[i]->available})
                               : env.GetDiskSpace(paths[i]);
    if (space.ok()) {
      d.online = true;
      d.total = space->total;
      d.free = space->available;
    }
    out.drives.push_back(std::move(d));
  }
  return out;
}

void BucketUsageMetrics(Exposition& x, const Usage& usage) {
  x.Family("minio_bucket_usage_total_bytes", "gauge", "Total bucket size in bytes");
  for (const auto& [name, u] : usage.buckets) {
    x.Sample(static_cast<double>(u.bytes), {{"bucket", name}});
  }
  x.Family("minio_bucket_usage_object_total", "gauge", "Total number of objects");
  for (const auto& [name, u] : usage.buckets) {
    x.Sample(static_cast<double>(u.objects), {{"bucket", name}});
  }
  x.Family("minio_bucket_usage_version_total", "gauge",
           "Total number of versions (includes delete marker)");
  for (const auto& [name, u] : usage.buckets) {
    x.Sample(static_cast<double>(u.versions), {{"bucket", name}});
  }
  x.Family("minio_bucket_usage_deletemarker_total", "gauge", "Total number of delete markers");
  for (const auto& [name, u] : usage.buckets) {
    x.Sample(static_cast<double>(u.delete_markers), {{"bucket", name}});
  }
}

void ClusterMetrics(Exposition& x, const Usage& usage, const Drives& set) {
  const std::vector<Drive>& drives = set.drives;
  uint64_t total = 0, free = 0, online = 0;
  for (const Drive& d : drives) {
    total += d.total;
    free += d.free;
    online += d.online ? 1 : 0;
  }
  // One drive, no parity: raw and usable capacity are the same; a set keeps data / all of it.
  x.One("minio_cluster_capacity_raw_total_bytes", "gauge", "Total capacity online in the cluster",
        static_cast<double>(total));
  x.One("minio_cluster_capacity_raw_free_bytes", "gauge",
        "Total free capacity online in the cluster", static_cast<double>(free));
  x.One("minio_cluster_capacity_usable_total_bytes", "gauge",
        "Total usable capacity online in the cluster",
        static_cast<double>(total) * set.usable_share);
  x.One("minio_cluster_capacity_usable_free_bytes", "gauge",
        "Total free usable capacity online in the cluster",
        static_cast<double>(free) * set.usable_share);
  x.One("minio_cluster_drive_online_total", "gauge", "Total drives online in this cluster",
        static_cast<double>(online));
  x.One("minio_cluster_drive_offline_total", "gauge", "Total drives offline in this cluster",
        static_cast<double>(drives.size() - online));
  x.One("minio_cluster_drive_total", "gauge", "Total drives in this cluster",
        static_cast<double>(drives.size()));
  x.One("minio_cluster_nodes_online_total", "gauge", "Total number of MinIO nodes online", 1);
  x.One("minio_cluster_nodes_offline_total", "gauge", "Total number of MinIO nodes offline", 0);
  x.One("minio_cluster_bucket_total", "gauge", "Total number of buckets in the cluster",
        static_cast<double>(usage.buckets.size()));
  x.One("minio_cluster_usage_object_total", "gauge", "Total number of objects in a cluster",
        static_cast<double>(usage.total.objects));
  x.One("minio_cluster_usage_version_total", "gauge",
        "Total number of versions (includes delete marker) in a cluster",
        static_cast<double>(usage.total.versions));
  x.One("minio_cluster_usage_deletemarker_total", "gauge",
        "Total number of delete markers in a cluster",
        static_cast<double>(usage.total.delete_markers));
  x.One("minio_cluster_usage_total_bytes", "gauge", "Total cluster usage in bytes",
        static_cast<double>(usage.total.bytes));
}

void S3RequestMetrics(Exposition& x, const s3::S3Metrics::Totals& t) {
  using s3::Operation;
  auto per_api = [&](std::string_view name, std::string_view type, std::string_view help,
                     auto value) {
    x.Family(name, type, help);
    for (size_t i = 0; i < s3::kOperationCount; ++i) {
      const auto& api = t.apis[i];
      if (api.requests == 0 && api.inflight == 0) continue;  // MinIO shows apis seen only
      x.Sample(static_cast<double>(value(api)),
               {{"api", s3::MetricApiName(static_cast<Operation>(i))}});
    }
  };
  per_api("minio_s3_requests_total", "counter", "Total number of S3 requests",
          [](const auto& a) { return a.requests; });
  per_api("minio_s3_requests_errors_total", "counter",
          "Total number of S3 requests with (4xx and 5xx) errors",
          [](const auto& a) { return a.errors_4xx + a.errors_5xx; });
  per_api("minio_s3_requests_4xx_errors_total", "counter",
          "Total number of S3 requests with (4xx) errors",
          [](const auto& a) { return a.errors_4xx; });
  per_api("minio_s3_requests_5xx_errors_total", "counter",
          "Total number of S3 requests with (5xx) errors",
          [](const auto& a) { return a.errors_5xx; });
  per_api("minio_s3_requests_inflight_total", "gauge",
          "Total number of S3 requests currently in flight",
          [](const auto& a) { return a.inflight; });
  x.One("minio_s3_traffic_received_bytes", "counter", "Total number of s3 bytes received",
        static_cast<double>(t.received_bytes));
  x.One("minio_s3_traffic_sent_bytes", "counter", "Total number of s3 bytes sent",
        static_cast<double>(t.sent_bytes));
  // Cumulative per `le`, as MinIO renders its histogram.
  x.Family("minio_s3_requests_ttfb_seconds_distribution", "gauge",
           "Distribution of the time to first byte across API calls");
  for (size_t i = 0; i < s3::kOperationCount; ++i) {
    const auto& api = t.apis[i];
    if (api.requests == 0) continue;
    std::string_view name = s3::MetricApiName(static_cast<Operation>(i));
    uint64_t cumulative = 0;
    for (size_t b = 0; b < api.ttfb.size(); ++b) {
      cumulative += api.ttfb[b];
      std::string le = b < s3::kTtfbBounds.size() ? Exposition::Number(s3::kTtfbBounds[b]) : "+Inf";
      x.Sample(static_cast<double>(cumulative), {{"api", name}, {"le", le}});
    }
  }
}

void NodeMetrics(Exposition& x, const std::vector<Drive>& drives, TimePoint started) {
  uint64_t online = 0;
  for (const Drive& d : drives) online += d.online ? 1 : 0;
  x.Family("minio_node_drive_total_bytes", "gauge", "Total storage on a drive");
  for (const Drive& d : drives) x.Sample(static_cast<double>(d.total), {{"drive", d.path}});
  x.Family("minio_node_drive_free_bytes", "gauge", "Total storage available on a drive");
  for (const Drive& d : drives) x.Sample(static_cast<double>(d.free), {{"drive", d.path}});
  x.Family("minio_node_drive_used_bytes", "gauge", "Total storage used on a drive");
  for (const Drive& d : drives) {
    x.Sample(static_cast<double>(d.total > d.free ? d.total - d.free : 0), {{"drive", d.path}});
  }
  x.One("minio_node_drive_online_total", "gauge", "Total drives online in this node",
        static_cast<double>(online));
  x.One("minio_node_drive_offline_total", "gauge", "Total drives offline in this node",
        static_cast<double>(drives.size() - online));
  x.One("minio_node_drive_total", "gauge", "Total drives in this node",
        static_cast<double>(drives.size()));
  const double uptime = std::max(0.0, std::chrono::duration<double>(Now() - started).count());
  x.One("minio_node_process_uptime_seconds", "gauge", "Uptime for MinIO process in seconds",
        std::floor(uptime));
  x.One("minio_node_process_starttime_seconds", "gauge",
        "Start time for MinIO process per node, time in seconds since Unix epoc",
        static_cast<double>(ToUnixNanos(started) / 1000000000));
  x.One("minio_node_process_resident_memory_bytes", "gauge", "Resident memory size in bytes",
        static_cast<double>(platform::ResidentMemoryBytes()));
}

// MinIO's audit target families, one sample per target, labelled target_id.
void AuditMetrics(Exposition& x,
                  const std::vector<std::pair<std::string, audit::TargetStats>>& targets) {
  if (targets.empty()) return;
  auto family = [&](std::string_view name, std::string_view type, std::string_view help,
                    uint64_t audit::TargetStats::*field) {
    x.Family(name, type, help);
    for (const auto& [id, stats] : targets) {
      x.Sample(static_cast<double>(stats.*field), {{"target_id", id}});
    }
  };
  family("minio_audit_failed_messages", "counter",
         "Total number of messages that failed to send since start",
         &audit::TargetStats::failed_messages);
  family("minio_audit_target_queue_length", "gauge",
         "Number of unsent messages in queue for target", &audit::TargetStats::queue_length);
  family("minio_audit_total_messages", "counter", "Total number of messages sent since start",
         &audit::TargetStats::total_messages);
}

void SendJsonError(http::ResponseWriter& out, int status, std::string_view code,
                   const std::string& message, const http::Request& request) {
  Headers headers;
  std::string request_id = s3::NewRequestId();
  headers.Add("content-type", "application/json");
  headers.Add("x-amz-request-id", request_id);
  nlohmann::json body{{"Code", code},
                      {"Message", message},
                      {"Resource", request.path},
                      {"RequestId", request_id},
                      {"HostId", ""}};
  out.Send(status, headers, request.method == "HEAD" ? std::string() : body.dump()).IgnoreError();
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(MetricsOptions options, const s3::S3Metrics& requests,
                                 storage::ObjectStore& store, const auth::CredentialLookup& keys,
                                 const iam::Authorizer& authorizer)
    : options_(std::move(options)),
      requests_(requests),
      store_(store),
      keys_(keys),
      authorizer_(authorizer) {}

bool MetricsEndpoint::Handles(const http::Request& request) {
  return std::string_view(request.path).substr(0, kPrefix.size()) == kPrefix;
}

Status MetricsEndpoint::Authorize(const http::Request& request) const {
  if (options_.public_access) return Status::Ok();
  auto header = request.headers.Get("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), header->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    return Status(Code::kAccessDenied, "JWT token missing");
  }
  std::string_view token = header->substr(kBearer.size());
  const int64_t now = ToUnixNanos(Now()) / 1000000000;
  auto access_key = auth::VerifyPrometheusToken(token, keys_, now);
  if (!access_key.ok()) {
    return Status(Code::kAccessDenied, access_key.status().message().empty()
                                           ? "Access Denied."
                                           : access_key.status().message());
  }
  auth::Identity identity;
  identity.anonymous = false;
  identity.access_key = *access_key;
  iam::AccessRequest access;
  access.identity = &identity;
  access.action = "admin:Prometheus";
  access.remote_ip = request.remote_ip;
  access.secure_transport = request.secure;
  if (!authorizer_.IsAllowed(access)) {
    return Status(Code::kAccessDenied,
                  "Access Denied: " + *access_key + " is not allowed admin:Prometheus");
  }
  return Status::Ok();
}

std::string MetricsEndpoint::Render(std::string_view group) const {
  platform::Env& env = options_.env != nullptr ? *options_.env : *platform::Env::Default();
  Exposition x(options_.server_name);
  if (group == "cluster") {
    Usage usage = ReadUsage(store_);
    Drives drives = ReadDrives(env, options_);
    ClusterMetrics(x, usage, drives);
    BucketUsageMetrics(x, usage);
    S3RequestMetrics(x, requests_.Read());
    NodeMetrics(x, drives.drives, options_.started);
    if (options_.audit_stats) AuditMetrics(x, options_.audit_stats());
  } else if (group == "node") {
    S3RequestMetrics(x, requests_.Read());
    NodeMetrics(x, ReadDrives(env, options_).drives, options_.started);
  } else if (group == "bucket") {
    BucketUsageMetrics(x, ReadUsage(store_));
  } else if (group == "resource") {
    NodeMetrics(x, ReadDrives(env, options_).drives, options_.started);
  } else {
    return "";
  }
  return x.Take();
}

void MetricsEndpoint::Handle(const http::Request& request, http::ResponseWriter& out) const {
  std::string_view group = std::string_view(request.path).substr(kPrefix.size());
  if (request.method != "GET" && request.method != "HEAD") {
    return SendJsonError(out, 405, "MethodNotAllowed",
                         "The specified method is not allowed against this resource.", request);
  }
  if (Status auth = Authorize(request); !auth.ok()) {
    return SendJsonError(out, 403, "AccessDenied", auth.message(), request);
  }
  std::string body = Render(group);
  if (body.empty()) {
    return SendJsonError(out, 404, "NotFound",
                         "No such metrics group: use cluster, node, bucket or resource", request);
  }
  Headers headers;
  headers.Add("content-type", "text/plain; version=0.0.4; charset=utf-8");
  headers.Add("x-amz-request-id", s3::NewRequestId());
  out.Send(200, headers, request.method == "HEAD" ? std::string() : body).IgnoreError();
}

}  // namespace cairn::server
