// ScanLease on RADOS: an exclusive lock with a duration on one object of the pool, so one
// gateway at a time runs the lifecycle scanner, and a gateway that died loses it when the
// duration runs out. The holder is named by its cookie: a gateway gives the same one on every
// start (its identity), so a gateway killed and restarted takes its own lease back at once.
#pragma once

#include <memory>
#include <string>

#include "storage/rados/rados_cluster.h"
#include "storage/scan_lease.h"

namespace cairn::storage::rados {

class RadosLease final : public ScanLease {
 public:
  // `object`: the object the lock is on (made when absent); `name`: the lock's name on it;
  // `holder`: who holds it ("" = a random name, this object's alone).
  RadosLease(std::shared_ptr<RadosPool> pool, std::string object, std::string name,
             std::string holder = "");
  ~RadosLease() override;

  Result<bool> Hold(std::chrono::seconds duration) override;
  void Release() override;

 private:
  // Breaks the lock when its one locker carries this holder's cookie (its previous run).
  bool BreakOwnStaleLock();

  std::shared_ptr<RadosPool> pool_;
  const std::string object_;
  const std::string name_;
  std::string cookie_;
  bool named_ = false;  // the holder was named (a stable identity), not a random cookie
};

}  // namespace cairn::storage::rados
