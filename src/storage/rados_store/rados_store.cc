#include "storage/rados_store/rados_store.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "common/time.h"

#include "storage/rados/rados_cluster.h"
#include "storage/rados/rados_lease.h"
#include "storage/rados/rados_watch.h"
#include "storage/rados_blobs/rados_blob_store.h"
#include "storage/rados_index/rados_index.h"
#include "storage/records.h"

namespace cairn::storage::rados_store {

namespace {

constexpr std::string_view kScheme = "rados://";
// Object names in the pool (docs/rados.md, "Objects in the pool").
constexpr const char* kIndexObject = "cairn.index.0";  // every record but Cairn's own
constexpr const char* kSystemObject = "cairn.system";  // IAM, policies, CORS: SystemStore records
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

  // Two shards: Cairn's own records (and their change counter, changed in the same batches) in
  // an object of their own, and the rest in one, where every batch of the engine is atomic.
  // Sharding the rest by bucket and key needs the engine's batches kept to one partition first
  // (docs/storage-format.md, "The index seam").
  rados_index::RadosIndexOptions index_options;
  index_options.shards = 2;
  index_options.shard_names = {kIndexObject, kSystemObject};
  index_options.shard_of = [](std::string_view key) { return IsSystemRecord(key) ? 1 : 0; };
  CAIRN_ASSIGN_OR_RETURN(auto index, rados_index::RadosIndex::Open(pool, index_options));
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
