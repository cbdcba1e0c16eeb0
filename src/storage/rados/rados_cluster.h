// A connection to a Ceph cluster and a pool in it, through librados' C API (Debian's
// librados-dev): the C API returns error numbers, so nothing throws across this module, and its
// ABI is the stable one. Every call is bounded by the timeouts given at Connect, so a dead
// cluster is an error value, never a hang.
// Thread-safety: a RadosPool's calls may be made from any thread at once (librados' io
// contexts are thread-safe); Connect and the destructor are not concurrent with them.
#pragma once

#include <rados/librados.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "storage/store_health.h"

namespace cairn::storage::rados {

struct RadosConnectOptions {
  std::string conf_path;              // ceph.conf; "" = $CEPH_CONF, else /etc/ceph/ceph.conf
  std::string user = "client.admin";  // the entity name, keyring from the conf
  // Monitor and OSD operations, and the initial connection, give up after this.
  std::chrono::seconds timeout{10};
};

// A librados error number as a Status: ENOENT/ENODATA kNotFound, ETIMEDOUT and connection
// errors kUnavailable, ENOSPC/EDQUOT kNoSpace, others kIOError; `what` says which call.
Status RadosError(int err, const std::string& what);

class RadosCluster {
 public:
  static Result<std::shared_ptr<RadosCluster>> Connect(const RadosConnectOptions& options);
  ~RadosCluster();
  RadosCluster(const RadosCluster&) = delete;
  RadosCluster& operator=(const RadosCluster&) = delete;

  rados_t handle() const { return cluster_; }
  // Creates the pool when `create` and it does not exist.
  Status EnsurePool(const std::string& pool);
  Status DeletePool(const std::string& pool);
  // The cluster's raw capacity and free bytes (as `ceph df` reports them, before replication).
  Result<DriveSpace> Space() const;

 private:
  explicit RadosCluster(rados_t cluster) : cluster_(cluster) {}
  rados_t cluster_;
};

// An io context on one pool; keeps its cluster alive.
class RadosPool {
 public:
  // `ns`: a RADOS namespace in the pool ("" = the default one), so several stores share a pool
  // with disjoint object names, listings included.
  static Result<std::shared_ptr<RadosPool>> Open(std::shared_ptr<RadosCluster> cluster,
                                                 const std::string& pool,
                                                 const std::string& ns = "");
  ~RadosPool();
  RadosPool(const RadosPool&) = delete;
  RadosPool& operator=(const RadosPool&) = delete;

  rados_ioctx_t io() const { return io_; }
  const std::string& name() const { return name_; }
  RadosCluster& cluster() const { return *cluster_; }

 private:
  RadosPool(std::shared_ptr<RadosCluster> cluster, rados_ioctx_t io, std::string name)
      : cluster_(std::move(cluster)), io_(io), name_(std::move(name)) {}
  std::shared_ptr<RadosCluster> cluster_;
  rados_ioctx_t io_;
  std::string name_;
};

// One asynchronous operation's completion, released when destroyed (after waiting for it, so
// librados never writes into a buffer its owner has freed).
class RadosCompletion {
 public:
  RadosCompletion();
  ~RadosCompletion();
  RadosCompletion(const RadosCompletion&) = delete;
  RadosCompletion& operator=(const RadosCompletion&) = delete;

  bool ok() const { return c_ != nullptr; }
  rados_completion_t get() const { return c_; }
  // Called once an aio call accepted the completion: only then is there something to wait for.
  void Submitted() { submitted_ = true; }
  // Waits, then the operation's return value (bytes for a read, 0 or -errno otherwise).
  int Wait();

 private:
  rados_completion_t c_ = nullptr;
  bool submitted_ = false;
  bool waited_ = false;
  int result_ = 0;
};

}  // namespace cairn::storage::rados
