#include "storage/rados_store/rados_store.h"

#include <algorithm>

#include "storage/rados/rados_cluster.h"
#include "storage/rados/rados_lease.h"
#include "storage/rados_blobs/rados_blob_store.h"
#include "storage/rados_index/rados_index.h"

namespace cairn::storage::rados_store {

namespace {

constexpr std::string_view kScheme = "rados://";
// Object names in the pool (docs/rados.md, "Objects in the pool").
constexpr const char* kIndexName = "cairn.index";
constexpr const char* kBlobPrefix = "cairn.";
constexpr const char* kLeaseObject = "cairn.scanner";  // the lifecycle scanner's lease
// A write's intent lives from its blob's publish to its commit: a moment, unless the gateway
// died in between. Ten minutes spares every live one.
constexpr std::chrono::seconds kIntentGrace{600};
// Bucket configuration another gateway changed is seen within this (the issue: within a second).
constexpr std::chrono::milliseconds kBucketRefresh{500};

}  // namespace

std::optional<Result<RadosStoreOptions>> ParseRadosLocation(const std::string& location) {
  if (location.rfind(kScheme, 0) != 0) return std::nullopt;
  std::string rest = location.substr(kScheme.size());
  RadosStoreOptions options;
  const size_t slash = rest.find('/');
  options.pool = rest.substr(0, slash);
  if (slash != std::string::npos) options.ns = rest.substr(slash + 1);
  if (options.pool.empty() || (slash != std::string::npos && options.ns.empty()) ||
      options.ns.find('/') != std::string::npos) {
    return Result<RadosStoreOptions>(
        Status(Code::kInvalidArgument,
               "name a pool: rados://POOL or rados://POOL/NAMESPACE, not " + location));
  }
  return Result<RadosStoreOptions>(std::move(options));
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

  // One shard: every batch of the engine is atomic in it. Sharding by bucket and key needs the
  // engine's batches kept to one partition first (docs/storage-format.md, "The index seam").
  rados_index::RadosIndexOptions index_options;
  index_options.name = kIndexName;
  CAIRN_ASSIGN_OR_RETURN(auto index, rados_index::RadosIndex::Open(pool, index_options));
  rados_blobs::RadosBlobStoreOptions blob_options;
  blob_options.prefix = kBlobPrefix;
  CAIRN_ASSIGN_OR_RETURN(auto blobs, rados_blobs::RadosBlobStore::Open(pool, blob_options));

  const std::string location =
      std::string(kScheme) + options.pool + (options.ns.empty() ? "" : "/" + options.ns);
  auto health = [location] {
    StoreHealth h;
    // The cluster heals itself; the gateway reports the pool as its one "drive".
    h.drives.push_back({location, DriveHealthState::kOnline, ""});
    return h;
  };
  // Other gateways on the pool may be between publishing a blob and committing it right now.
  LocalStoreOptions store = options.store;
  store.intent_grace = std::max(store.intent_grace, kIntentGrace);
  if (store.bucket_refresh.count() <= 0) store.bucket_refresh = kBucketRefresh;
  if (!store.scan_lease) {
    store.scan_lease =
        std::make_shared<rados::RadosLease>(pool, kLeaseObject, "lifecycle", options.gateway_id);
  }
  return OpenStoreOn(std::move(index), std::move(blobs), store, std::move(health));
}

}  // namespace cairn::storage::rados_store
