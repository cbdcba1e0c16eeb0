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
  LocalStoreOptions store;
};

// "rados://POOL[/NAMESPACE]" as options (pool and namespace); nullopt for anything else (a
// data folder); kInvalidArgument for a rados:// location without a pool or with more parts.
std::optional<Result<RadosStoreOptions>> ParseRadosLocation(const std::string& location);

Result<std::unique_ptr<LocalStore>> OpenRadosStore(const RadosStoreOptions& options);

}  // namespace cairn::storage::rados_store
