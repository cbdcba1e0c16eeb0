#include "storage/rados_store/rados_store.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "common/time.h"

#include "storage/rados/rados_cluster.h"
#include "storage/rados/rados_lease.h"
#include "storage/rados/rados_watch.h"
#include "storage/rados_blobs/rados_blob_store.h"
#include "storage/rados_index/bucket_sharded_index.h"
#include "storage/rados_index/rados_index.h"
#include "storage/records.h"

namespace cairn::storage::rados_store {

namespace {

constexpr std::string_view kScheme = "rados://";
// Object names in the pool (docs/rados.md, "Objects in the pool").
constexpr const char* kIndexObject = "cairn.index.0";  // every record but Cairn's own
constexpr const char* kSystemObject = "cairn.system";  // IAM, policies, CORS: SystemStore records
constexpr const char* kShardPrefix = "cairn.bucket.";  // <incarnation>.<n>: a bucket's shards
constexpr const char* kBlobPrefix = "cairn.";
constexpr const char* kLeaseObject = "cairn.scanner";    // the lifecycle scanner's lease
constexpr const char* kChangesObject = "cairn.changes";  // watched: IAM and configuration moved
// A write's intent lives from its blob's publish to its commit: a moment, unless the gateway
// died in between. Ten minutes spares every live one.
constexpr std::chrono::seconds kIntentGrace{600};
// Bucket configuration another gateway changed is seen within this (the issue: within a second).
constexpr std::chrono::milliseconds kBucketRefresh{500};
// Health checks may come every second; the capacity they report changes slowly.
constexpr std::chrono::seconds kSpaceRefresh{10};

bool IsSystemRecord(std::string_view key) {
  return key.starts_with(kSystemPrefix) || key == kSystemGenerationKey;
}

}  // namespace

rados_index::KeyRole RecordRole(std::string_view key) {
  using Kind = rados_index::KeyRole::Kind;
  rados_index::KeyRole role;
  if (IsSystemRecord(key)) {
    role.kind = Kind::kSystem;
    if (key.starts_with(kSystemPrefix)) role.scope = kSystemPrefix;
    return role;
  }
  if (key.size() < 2 || key[1] != '/') return role;  // the root, scope unknown
  const std::string_view family = key.substr(0, 2);
  const std::string_view rest = key.substr(2);
  if (family == kBucketPrefix || family == "c/") {
    role.kind = family == kBucketPrefix ? Kind::kBucketRecord : Kind::kBucketCounter;
    role.bucket = rest;
    role.scope = family;
    return role;
  }
  const bool objects = family == "o/";
  const bool bucket_scoped = objects || family == "v/" || family == "u/";
  const bool object_scoped =
      family == kPartPrefix || family == kIntentPrefix || family == kGarbagePrefix;
  if (!bucket_scoped && !object_scoped) return role;
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return role;  // a cairn-2 intent or garbage record: root
  const std::string_view bucket = rest.substr(0, slash);
  const std::string_view after = rest.substr(slash + 1);
  const size_t end = objects ? std::string_view::npos : after.find(kEscapedKeyEnd);
  // Parts, intents and garbage of a cairn-2 store (no escaped key) stay in the root.
  if (object_scoped && end == std::string_view::npos) return role;
  role.kind = Kind::kInBucket;
  role.bucket = bucket;
  role.content = family != kIntentPrefix && family != kGarbagePrefix;
  role.scope = key.substr(0, 2 + slash + 1);
  if (objects) {
    role.spread = EscapeKey(after);
  } else if (end != std::string_view::npos) {
    role.spread = after.substr(0, end);
    role.spread_scope = key.substr(0, 2 + slash + 1 + end + kEscapedKeyEnd.size());
  }
  return role;
}

namespace {

// A pool made before Cairn's own records had their object keeps them in the index object:
// each is moved unless the new place has it already (then it is newer), and the change counter
// is carried over as an add. Safe to run again after a crash part way.
Status MoveSystemRecords(const std::shared_ptr<rados::RadosPool>& pool, index::Index& index) {
  rados_index::RadosIndexOptions old_options;
  old_options.shard_names = {kIndexObject};
  CAIRN_ASSIGN_OR_RETURN(auto old, rados_index::RadosIndex::Open(pool, old_options));
  index::IndexBatch removed;
  auto it = old->NewIterator(meta::PrefixSuccessor(kSystemPrefix));
  for (it->Seek(kSystemPrefix); it->Valid(); it->Next()) {
    index::IndexBatch moved;
    moved.ExpectAbsent(it->key());
    moved.Put(it->key(), it->value());
    Status s = index.Write(moved, /*sync=*/true);
    if (!s.ok() && s.code() != Code::kConditionalRequestConflict) return s;
    removed.Delete(it->key());
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  std::vector<int64_t> generation;
  CAIRN_RETURN_IF_ERROR(old->GetCounters(kSystemGenerationKey, &generation));
  if (!generation.empty() && generation[0] != 0) {
    index::IndexBatch counted;
    counted.AddCounters(kSystemGenerationKey, {generation[0]});
    CAIRN_RETURN_IF_ERROR(index.Write(counted, /*sync=*/true));
    removed.Delete(kSystemGenerationKey);
  }
  return old->Write(removed, /*sync=*/true);
}

}  // namespace

std::optional<Result<RadosStoreOptions>> ParseRadosLocation(const std::string& location) {
  if (location.rfind(kScheme, 0) != 0) return std::nullopt;
  std::string rest = location.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string pool = rest.substr(0, slash);
  std::string ns = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
  if (pool.empty() || (slash != std::string::npos && ns.empty()) ||
      ns.find('/') != std::string::npos) {
    return std::optional<Result<RadosStoreOptions>>(
        std::in_place,
        Status(Code::kInvalidArgument,
               "name a pool: rados://POOL or rados://POOL/NAMESPACE, not " + location));
  }
  // Built in place: moving a Result of these options into the optional trips a false
  // maybe-uninitialized warning in GCC 12.
  std::optional<Result<RadosStoreOptions>> parsed(std::in_place, RadosStoreOptions{});
  (*parsed)->pool = std::move(pool);
  (*parsed)->ns = std::move(ns);
  return parsed;
}

Result<std::unique_ptr<LocalStore>> OpenRadosStore(const RadosStoreOptions& options) {
  if (options.pool.empty()) return Status(Code::kInvalidArgument, "name a pool: rados://POOL");
  rados::RadosConnectOptions connect;
  connect.conf_path = options.conf_path;
  connect.user = options.user;
  connect.timeout = options.timeout;
  CAIRN_ASSIGN_OR_RETURN(auto cluster, rados::RadosCluster::Connect(connect));
  CAIRN_RETURN_IF_ERROR(cluster->EnsurePool(options.pool));
  CAIRN_ASSIGN_OR_RETURN(auto pool, rados::RadosPool::Open(cluster, options.pool, options.ns));

  // A bucket index per bucket, sharded; Cairn's own records (and their change counter, changed
  // in the same batches) in an object of their own; the rest in the root object.
  rados_index::BucketIndexOptions index_options;
  index_options.root = kIndexObject;
  index_options.system = kSystemObject;
  index_options.shard_prefix = kShardPrefix;
  index_options.bucket_shards = options.bucket_shards;
  index_options.role = RecordRole;
  index_options.bucket_key = [](std::string_view bucket) { return BucketKey(bucket); };
  CAIRN_ASSIGN_OR_RETURN(auto index,
                         rados_index::BucketShardedIndex::Open(pool, std::move(index_options)));
  CAIRN_RETURN_IF_ERROR(MoveSystemRecords(pool, *index));
  rados_blobs::RadosBlobStoreOptions blob_options;
  blob_options.prefix = kBlobPrefix;
  CAIRN_ASSIGN_OR_RETURN(auto blobs, rados_blobs::RadosBlobStore::Open(pool, blob_options));

  const std::string location =
      std::string(kScheme) + options.pool + (options.ns.empty() ? "" : "/" + options.ns);
  // The cluster heals itself; the gateway reports the pool as its one "drive", with the
  // cluster's capacity, asked of the monitors at most every kSpaceRefresh.
  struct SpaceCache {
    std::mutex mu;
    TimePoint read;
    std::optional<DriveSpace> space;
  };
  auto cache = std::make_shared<SpaceCache>();
  auto health = [location, cluster, cache] {
    StoreHealth h;
    DriveHealth drive{location, DriveHealthState::kOnline, ""};
    std::lock_guard lock(cache->mu);
    if (!cache->space || Now() - cache->read >= kSpaceRefresh) {
      auto space = cluster->Space();
      if (space.ok()) cache->space = *space;
      cache->read = Now();
    }
    drive.space = cache->space;
    h.drives.push_back(std::move(drive));
    return h;
  };
  // Other gateways on the pool may be between publishing a blob and committing it right now.
  LocalStoreOptions store = options.store;
  store.intent_grace = std::max(store.intent_grace, kIntentGrace);
  if (store.bucket_refresh.count() <= 0) store.bucket_refresh = kBucketRefresh;
  if (!store.change_signal) {
    store.change_signal = std::make_shared<rados::RadosChangeSignal>(pool, kChangesObject);
  }
  if (!store.scan_lease) {
    store.scan_lease =
        std::make_shared<rados::RadosLease>(pool, kLeaseObject, "lifecycle", options.gateway_id);
  }
  return OpenStoreOn(std::move(index), std::move(blobs), store, std::move(health));
}

}  // namespace cairn::storage::rados_store
