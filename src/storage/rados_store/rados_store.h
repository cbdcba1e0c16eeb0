// The engine (storage/local's LocalStoreImpl, through OpenStoreOn) on a Ceph pool: its index in
// RADOS omap (storage/rados_index) and its blobs in 4 MiB stripes (storage/rados_blobs), so a
// gateway keeps nothing of the store on its own disk. `cairn server rados://POOL` opens it.
// Several gateways may open one pool at once (docs/rados.md, "Several gateways on one pool").
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "storage/local_store.h"
#include "storage/rados_index/bucket_sharded_index.h"

namespace cairn::storage::rados_store {

struct RadosStoreOptions {
  std::string pool;                   // created when absent
  std::string ns;                     // a RADOS namespace in it ("" = the default)
  std::string conf_path;              // "" = $CEPH_CONF, else /etc/ceph/ceph.conf
  std::string user = "client.admin";  // the entity name; its keyring comes from the conf
  std::chrono::seconds timeout{10};   // every cluster call gives up after this
  // This gateway's name, the same on every start (the server gives its state folder): the
  // lifecycle lease's holder, so a restarted gateway takes its own lease back at once.
  std::string gateway_id;
  // The shard count of a bucket made from now on (its bucket index's omap objects); 0 keeps new
  // buckets in the root object, as a pool made before bucket indexes has them.
  int bucket_shards = 16;
  LocalStoreOptions store;
};

// "rados://POOL[/NAMESPACE]" as options (pool and namespace); nullopt for anything else (a
// data folder); kInvalidArgument for a rados:// location without a pool or with more parts.
std::optional<Result<RadosStoreOptions>> ParseRadosLocation(const std::string& location);

Result<std::unique_ptr<LocalStore>> OpenRadosStore(const RadosStoreOptions& options);

// The engine's key schema (records.h) as the bucket-sharded index needs it: which records are
// a bucket's, and what keeps one object's records in one shard (its escaped key).
rados_index::KeyRole RecordRole(std::string_view key);

}  // namespace cairn::storage::rados_store
