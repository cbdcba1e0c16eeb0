// Server information: version, uptime, drives with their capacity, and what the store and IAM
// hold. Object counts and bytes are the store's usage counters (GetBucketUsage, O(1) per
// bucket), never a walk of the keys.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "admin/handlers.h"
#include "admin/server_facts.h"
#include "iam/policy/policy.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "dev"
#endif

namespace cairn::admin {

namespace {

Status CountStore(storage::ObjectStore& store, ServerFacts& facts) {
  CAIRN_ASSIGN_OR_RETURN(auto buckets, store.ListBuckets());
  for (const storage::BucketInfo& bucket : buckets) {
    auto usage = store.GetBucketUsage(bucket.name);
    if (!usage.ok() && usage.status().code() == Code::kNoSuchBucket) continue;  // removed meanwhile
    if (!usage.ok()) return usage.status();
    BucketFacts& counted = facts.buckets[bucket.name];
    counted.created = bucket.created;
    counted.objects = usage->objects;
    counted.bytes = usage->current_bytes;
    counted.versions = usage->versions;
    counted.version_bytes = usage->bytes;
    counted.delete_markers = usage->delete_markers;
    facts.objects += counted.objects;
    facts.bytes += counted.bytes;
    facts.versions += counted.versions;
    facts.version_bytes += counted.version_bytes;
  }
  return Status::Ok();
}

DriveFacts SpaceFacts(const std::string& path, const storage::DriveSpace& space) {
  DriveFacts drive;
  drive.path = path;
  drive.total = space.total;
  drive.free = space.available;
  drive.used = space.total > space.available ? space.total - space.available : 0;
  return drive;
}

DriveFacts ReadDrive(platform::Env& env, const std::string& path) {
  DriveFacts drive;
  drive.path = path;
  auto space = env.GetDiskSpace(path);
  if (!space.ok()) {
    // An unreadable drive is reported empty rather than failing the whole answer.
    spdlog::warn("admin info: cannot read the capacity of {}: {}", path, space.status().ToString());
    drive.readable = false;
    return drive;
  }
  return SpaceFacts(path, {space->total, space->available});
}

}  // namespace

Result<ServerFacts> GatherServerFacts(AdminContext& ctx) {
  const AdminOptions& options = ctx.services().options;
  platform::Env& env = options.env ? *options.env : *platform::Env::Default();
  ServerFacts facts;
  facts.version = CAIRN_VERSION;
  facts.region = options.region;
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(Now() - options.started);
  facts.uptime_seconds = std::max<int64_t>(0, uptime.count());
  if (options.store_health) {
    storage::StoreHealth health = options.store_health();
    facts.data_drives = health.data_drives;
    facts.parity_drives = health.parity_drives;
    for (const storage::DriveHealth& d : health.drives) {
      DriveFacts drive = d.space ? SpaceFacts(d.path, *d.space) : ReadDrive(env, d.path);
      drive.state = d.state == storage::DriveHealthState::kOnline    ? "online"
                    : d.state == storage::DriveHealthState::kHealing ? "healing"
                                                                     : "offline";
      drive.detail = d.detail;
      facts.drives.push_back(std::move(drive));
    }
  } else {
    for (const std::string& path : options.drive_paths) {
      facts.drives.push_back(ReadDrive(env, path));
    }
    facts.data_drives = static_cast<int>(facts.drives.size());
  }
  CAIRN_RETURN_IF_ERROR(CountStore(ctx.services().store, facts));
  facts.users = ctx.iam().ListUsers().size();
  facts.groups = ctx.iam().ListGroups().size();
  facts.policies = iam::policy::CannedPolicyNames().size() + ctx.iam().ListPolicies().size();
  return facts;
}

Result<Reply> ServerInfo(AdminContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ServerFacts facts, GatherServerFacts(ctx));
  Json drives = Json::array();
  for (const DriveFacts& drive : facts.drives) {
    drives.push_back(Json{{"path", drive.path},
                          {"state", drive.state},
                          {"detail", drive.detail},
                          {"totalBytes", drive.total},
                          {"freeBytes", drive.free},
                          {"usedBytes", drive.used}});
  }
  Json usage = Json::array();
  for (const auto& [name, bucket] : facts.buckets) {
    usage.push_back(Json{{"name", name},
                         {"objects", bucket.objects},
                         {"objectBytes", bucket.bytes},
                         {"versions", bucket.versions},
                         {"versionBytes", bucket.version_bytes},
                         {"deleteMarkers", bucket.delete_markers}});
  }
  return Reply::Ok(Json{{"version", facts.version},
                        {"uptimeSeconds", facts.uptime_seconds},
                        {"region", facts.region},
                        {"drives", std::move(drives)},
                        {"dataDrives", facts.data_drives},
                        {"parityDrives", facts.parity_drives},
                        {"buckets", facts.buckets.size()},
                        {"objects", facts.objects},
                        {"objectBytes", facts.bytes},
                        {"versions", facts.versions},
                        {"versionBytes", facts.version_bytes},
                        {"users", facts.users},
                        {"groups", facts.groups},
                        {"policies", facts.policies},
                        {"bucketUsage", std::move(usage)}});
}

}  // namespace cairn::admin
