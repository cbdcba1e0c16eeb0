// MinIO's server-information calls (madmin-go's info-commands.go): ServerInfo (`info`),
// StorageInfo and DataUsageInfo, from the same facts v1 `GET info` reports (server_facts.h).
// Cairn is one server: one drive is reported as MinIO reports a single-node deployment without
// parity; several as its one erasure set, each drive with its state from the store's health.
#include "admin/handlers.h"
#include "admin/iam_ops.h"
#include "admin/records_json.h"
#include "admin/server_facts.h"
#include "common/time.h"

namespace cairn::admin {

namespace {

constexpr int kMinioBackendErasure = 2;  // madmin.BackendType: Unknown, FS, Erasure, Gateway

std::string HostEndpoint(const AdminContext& ctx) {
  auto host = ctx.request().headers.Get("host");
  return host ? std::string(*host) : std::string("127.0.0.1");
}

// madmin.Disk, fields as madmin names them.
// An offline drive is "offline"; a healing one "ok" with the Healing flag, as MinIO shows a
// drive being refilled.
bool Usable(const DriveFacts& drive) { return drive.readable && drive.state != "offline"; }

Json MinioDisk(const DriveFacts& drive, size_t index) {
  return Json{{"endpoint", drive.path},
              {"path", drive.path},
              {"state", drive.state == "offline" ? "offline"
                        : drive.readable         ? "ok"
                                                 : "faulty"},
              {"healing", drive.state == "healing"},
              {"major", 0},
              {"minor", 0},
              {"totalspace", drive.total},
              {"usedspace", drive.used},
              {"availspace", drive.free},
              {"pool_index", 0},
              {"set_index", 0},
              {"disk_index", index}};
}

Json MinioDisks(const ServerFacts& facts) {
  Json disks = Json::array();
  for (size_t i = 0; i < facts.drives.size(); ++i) disks.push_back(MinioDisk(facts.drives[i], i));
  return disks;
}

size_t Online(const ServerFacts& facts) {
  size_t online = 0;
  for (const DriveFacts& drive : facts.drives) online += Usable(drive) ? 1 : 0;
  return online;
}

// madmin.BackendInfo (StorageInfo's Backend, AccountInfo's Server).
Json MinioBackendInfo(const AdminContext& ctx, const ServerFacts& facts) {
  std::string endpoint = HostEndpoint(ctx);
  size_t online = Online(facts);
  return Json{{"Type", kMinioBackendErasure},
              {"GatewayOnline", false},
              {"OnlineDisks", Json{{endpoint, online}}},
              {"OfflineDisks", Json{{endpoint, facts.drives.size() - online}}},
              {"StandardSCData", Json::array({facts.data_drives})},
              {"StandardSCParity", facts.parity_drives},
              {"RRSCData", Json::array({facts.data_drives})},
              {"RRSCParity", facts.parity_drives},
              {"TotalSets", Json::array({1})},
              {"DrivesPerSet", Json::array({facts.drives.size()})}};
}

}  // namespace

Result<Reply> V3ServerInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ServerFacts facts, GatherServerFacts(ctx));
  std::string endpoint = HostEndpoint(ctx);
  size_t online = Online(facts);
  // madmin.InfoMessage with one madmin.ServerProperties.
  Json server{{"state", "online"},
              {"endpoint", endpoint},
              {"scheme", ctx.request().secure ? "https" : "http"},
              {"uptime", facts.uptime_seconds},
              {"version", facts.version},
              {"network", Json{{endpoint, "online"}}},
              {"drives", MinioDisks(facts)},
              {"poolNumber", 1},
              {"mem_stats", Json::object()}};
  return Reply::Ok(Json{{"mode", "online"},
                        {"region", facts.region},
                        {"buckets", Json{{"count", facts.buckets.size()}}},
                        {"objects", Json{{"count", facts.objects}}},
                        {"versions", Json{{"count", facts.versions}}},
                        {"usage", Json{{"size", facts.bytes}}},
                        {"backend", Json{{"backendType", "Erasure"},
                                         {"onlineDisks", online},
                                         {"offlineDisks", facts.drives.size() - online},
                                         {"standardSCParity", facts.parity_drives},
                                         {"rrSCParity", facts.parity_drives}}},
                        {"servers", Json::array({std::move(server)})}});
}

Result<Reply> V3StorageInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ServerFacts facts, GatherServerFacts(ctx));
  // madmin.StorageInfo: Go's default field names (no json tags on these structs).
  return Reply::Ok(Json{{"Disks", MinioDisks(facts)}, {"Backend", MinioBackendInfo(ctx, facts)}});
}

Result<Reply> V3AccountInfo(AdminContext& ctx) {
  // madmin.AccountInfo for the caller itself (no admin action, as MinIO): its name (a service
  // account's parent), its policies merged into one document (a service account's own policy
  // when it has one), and the buckets it may list or write to with their usage.
  CAIRN_ASSIGN_OR_RETURN(ServerFacts facts, GatherServerFacts(ctx));
  const iam::Principal& caller = ctx.caller();
  Json policy{{"Version", "2012-10-17"}, {"Statement", Json::array()}};
  if (caller.root) {
    policy["Statement"].push_back(Json{{"Effect", "Allow"},
                                       {"Action", Json::array({"admin:*", "s3:*"})},
                                       {"Resource", Json::array({"arn:aws:s3:::*"})}});
  } else if (!caller.session_policy.empty()) {
    CAIRN_ASSIGN_OR_RETURN(policy, PolicyDocumentJson(caller.session_policy));
  } else {
    for (const std::string& name : caller.policies) {
      auto text = PolicyText(ctx, name);
      if (!text.ok()) continue;  // detached or removed meanwhile
      CAIRN_ASSIGN_OR_RETURN(Json document, PolicyDocumentJson(*text));
      Json statements = document.value("Statement", Json::array());
      if (!statements.is_array()) statements = Json::array({statements});
      for (Json& statement : statements) policy["Statement"].push_back(std::move(statement));
    }
  }
  Json buckets = Json::array();
  for (const auto& [name, bucket] : facts.buckets) {
    // As MinIO asks: s3:ListBucket on the bucket, s3:PutObject on its objects ("*" stands for
    // any key, as MinIO's empty object name does).
    bool read = ctx.Allowed("s3:ListBucket", name);
    bool write = ctx.Allowed("s3:PutObject", name, "*");
    if (!read && !write) continue;
    buckets.push_back(Json{{"name", name},
                           {"size", bucket.bytes},
                           {"objects", bucket.objects},
                           {"created", FormatIso8601(bucket.created)},
                           {"access", Json{{"read", read}, {"write", write}}}});
  }
  return Reply::Ok(Json{{"AccountName", caller.user},
                        {"Server", MinioBackendInfo(ctx, facts)},
                        {"Policy", std::move(policy)},
                        {"Buckets", std::move(buckets)}});
}

Result<Reply> V3DataUsageInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ServerFacts facts, GatherServerFacts(ctx));
  Json usage = Json::object();
  Json sizes = Json::object();
  for (const auto& [name, bucket] : facts.buckets) {
    usage[name] = Json{{"size", bucket.bytes},
                       {"objectsCount", bucket.objects},
                       {"versionsCount", bucket.versions},
                       {"deleteMarkersCount", bucket.delete_markers}};
    sizes[name] = bucket.bytes;
  }
  // madmin.DataUsageInfo, from the counters kept at every commit: current as of now.
  return Reply::Ok(Json{{"lastUpdate", FormatIso8601(Now())},
                        {"objectsCount", facts.objects},
                        {"objectsTotalSize", facts.bytes},
                        {"bucketsCount", facts.buckets.size()},
                        {"bucketsUsageInfo", std::move(usage)},
                        {"bucketsSizes", std::move(sizes)}});
}

Result<Reply> V3Service(AdminContext& ctx) {
  // Authorized by the pipeline for the action asked. Restart and stop run only when the server
  // allows them (a service manager usually owns the process); anything else is never done, since
  // an admin call that silently did nothing would lie.
  std::string action(ctx.Param("action").value_or(""));
  const auto& service_action = ctx.services().options.service_action;
  if ((action == "restart" || action == "stop") && service_action) {
    CAIRN_RETURN_IF_ERROR(service_action(action));
    return Reply::Ok(Json{{"action", action}});
  }
  std::string hint = action == "restart" || action == "stop"
                         ? " (set CAIRN_ADMIN_SERVICE_ACTIONS=on to allow it)"
                         : "";
  return Status(Code::kNotImplemented,
                "Cairn does not " + (action.empty() ? std::string("run service actions") : action) +
                    " itself through the admin API; use the service manager that runs it "
                    "(systemctl, docker, kubectl)" +
                    hint + ".");
}

}  // namespace cairn::admin
