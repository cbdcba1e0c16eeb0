// A lease that lets one process at a time do a store-wide job (the lifecycle scanner) when
// several gateways share one store (RADOS: an exclusive lock with a duration on one object).
// A holder that dies loses it when the duration runs out; nobody waits on a dead gateway.
#pragma once

#include <chrono>

#include "common/status.h"

namespace cairn::storage {

class ScanLease {
 public:
  virtual ~ScanLease() = default;
  // Takes the lease, or renews it when this holder has it, for `duration` from now. False when
  // another holder has it.
  virtual Result<bool> Hold(std::chrono::seconds duration) = 0;
  // Gives it up (a no-op when not held).
  virtual void Release() = 0;
};

}  // namespace cairn::storage
