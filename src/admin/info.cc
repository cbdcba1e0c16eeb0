// Server information: version, uptime, drives with their capacity, and what the store and IAM
// hold. Object counts come from walking every bucket's listing, which costs a scan per call:
// acceptable while stores are small and `info` is an operator's command; a counter kept by the
// store is the way forward when that stops being true.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "admin/handlers.h"
#include "iam/policy/policy.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "dev"
#endif

namespace cairn::admin {

namespace {

struct StoreTotals {
  uint64_t buckets = 0;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

Result<StoreTotals> CountStore(storage::ObjectStore& store) {
  StoreTotals totals;
  CAIRN_ASSIGN_OR_RETURN(auto buckets, store.ListBuckets());
  totals.buckets = buckets.size();
  for (const storage::BucketInfo& bucket : buckets) {
    storage::ListQuery query;
    for (;;) {
      auto page = store.ListObjects(bucket.name, query);
      if (!page.ok() && page.status().code() == Code::kNoSuchBucket) break;  // removed meanwhile
      if (!page.ok()) return page.status();
      for (const storage::ObjectInfo& object : page->objects) {
        ++totals.objects;
        totals.bytes += object.size;
      }
      if (!page->truncated) break;
      query.after = page->next_marker;
    }
  }
  return totals;
}

Json DriveJson(platform::Env& env, const std::string& path) {
  auto space = env.GetDiskSpace(path);
  if (!space.ok()) {
    // An unreadable drive is reported empty rather than failing the whole answer.
    spdlog::warn("admin info: cannot read the capacity of {}: {}", path, space.status().ToString());
    return Json{{"path", path}, {"totalBytes", 0}, {"freeBytes", 0}, {"usedBytes", 0}};
  }
  uint64_t used = space->total > space->available ? space->total - space->available : 0;
  return Json{{"path", path},
              {"totalBytes", space->total},
              {"freeBytes", space->available},
              {"usedBytes", used}};
}

}  // namespace

Result<Reply> ServerInfo(AdminContext& ctx) {
  const AdminOptions& options = ctx.services().options;
  platform::Env& env = options.env ? *options.env : *platform::Env::Default();
  Json drives = Json::array();
  for (const std::string& path : options.drive_paths) drives.push_back(DriveJson(env, path));
  CAIRN_ASSIGN_OR_RETURN(StoreTotals totals, CountStore(ctx.services().store));
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(Now() - options.started);
  size_t policies = iam::policy::CannedPolicyNames().size() + ctx.iam().ListPolicies().size();
  return Reply::Ok(Json{{"version", CAIRN_VERSION},
                        {"uptimeSeconds", std::max<int64_t>(0, uptime.count())},
                        {"region", options.region},
                        {"drives", std::move(drives)},
                        {"buckets", totals.buckets},
                        {"objects", totals.objects},
                        {"objectBytes", totals.bytes},
                        {"users", ctx.iam().ListUsers().size()},
                        {"groups", ctx.iam().ListGroups().size()},
                        {"policies", policies}});
}

}  // namespace cairn::admin
