#include "storage/rados/rados_cluster.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cairn::storage::rados {

Status RadosError(int err, const std::string& what) {
  const int e = err < 0 ? -err : err;
  std::string message = what + ": " + std::strerror(e);
  switch (e) {
    case ENOENT:
    case ENODATA: return Status(Code::kNotFound, message);
    case ETIMEDOUT:
    case ECONNREFUSED:
    case ECONNRESET:
    case ENOTCONN:
    case ESHUTDOWN:
    case EHOSTUNREACH: return Status(Code::kUnavailable, message);
    case ENOSPC:
    case EDQUOT: return Status(Code::kNoSpace, message);
    default: return Status(Code::kIOError, message);
  }
}

Result<std::shared_ptr<RadosCluster>> RadosCluster::Connect(const RadosConnectOptions& options) {
  rados_t cluster = nullptr;
  // "client.admin" → cluster "ceph", name "client.admin".
  if (int r = rados_create2(&cluster, "ceph", options.user.c_str(), 0); r < 0) {
    return RadosError(r, "rados_create2 as " + options.user);
  }
  auto fail = [&](int r, const std::string& what) {
    rados_shutdown(cluster);
    return RadosError(r, what);
  };
  std::string conf = options.conf_path;
  if (conf.empty()) {
    const char* env = std::getenv("CEPH_CONF");
    conf = env != nullptr && *env != '\0' ? env : "/etc/ceph/ceph.conf";
  }
  if (int r = rados_conf_read_file(cluster, conf.c_str()); r < 0) {
    return fail(r, "reading the Ceph configuration " + conf);
  }
  const std::string seconds = std::to_string(options.timeout.count());
  for (const char* key : {"rados_osd_op_timeout", "rados_mon_op_timeout", "client_mount_timeout"}) {
    if (int r = rados_conf_set(cluster, key, seconds.c_str()); r < 0) {
      return fail(r, std::string("setting ") + key);
    }
  }
  if (int r = rados_connect(cluster); r < 0) {
    return fail(r, "connecting to the Ceph cluster of " + conf);
  }
  return std::shared_ptr<RadosCluster>(new RadosCluster(cluster));
}

RadosCluster::~RadosCluster() { rados_shutdown(cluster_); }

Status RadosCluster::EnsurePool(const std::string& pool) {
  if (rados_pool_lookup(cluster_, pool.c_str()) >= 0) return Status::Ok();
  int r = rados_pool_create(cluster_, pool.c_str());
  if (r < 0 && r != -EEXIST) return RadosError(r, "creating pool " + pool);
  return Status::Ok();
}

Status RadosCluster::DeletePool(const std::string& pool) {
  int r = rados_pool_delete(cluster_, pool.c_str());
  if (r < 0 && r != -ENOENT) return RadosError(r, "deleting pool " + pool);
  return Status::Ok();
}

Result<DriveSpace> RadosCluster::Space() const {
  rados_cluster_stat_t stat{};
  if (int r = rados_cluster_stat(cluster_, &stat); r < 0) return RadosError(r, "cluster stat");
  return DriveSpace{stat.kb * 1024, stat.kb_avail * 1024};
}

Result<std::shared_ptr<RadosPool>> RadosPool::Open(std::shared_ptr<RadosCluster> cluster,
                                                   const std::string& pool, const std::string& ns) {
  rados_ioctx_t io = nullptr;
  if (int r = rados_ioctx_create(cluster->handle(), pool.c_str(), &io); r < 0) {
    return RadosError(r, "opening pool " + pool);
  }
  rados_ioctx_set_namespace(io, ns.c_str());
  return std::shared_ptr<RadosPool>(new RadosPool(std::move(cluster), io, pool));
}

RadosPool::~RadosPool() { rados_ioctx_destroy(io_); }

RadosCompletion::RadosCompletion() {
  if (rados_aio_create_completion2(nullptr, nullptr, &c_) < 0) c_ = nullptr;
}

RadosCompletion::~RadosCompletion() {
  if (c_ == nullptr) return;
  if (submitted_ && !waited_) rados_aio_wait_for_complete(c_);
  rados_aio_release(c_);
}

int RadosCompletion::Wait() {
  if (!submitted_) return -EINVAL;
  if (!waited_) {
    rados_aio_wait_for_complete(c_);
    result_ = rados_aio_get_return_value(c_);
    waited_ = true;
  }
  return result_;
}

}  // namespace cairn::storage::rados
