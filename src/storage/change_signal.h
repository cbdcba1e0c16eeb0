// A signal that Cairn's own records (IAM, bucket policies, CORS) changed, for the gateways that
// share one store: each reloads at once instead of at its next poll of the change counter
// (RADOS: watch/notify on one object). Best effort: a lost signal is caught by the poll.
#pragma once

#include <functional>

#include "common/status.h"

namespace cairn::storage {

class ChangeSignal {
 public:
  virtual ~ChangeSignal() = default;
  // Wakes the subscribers of every process on the store (this one's too). Never waits on them.
  virtual void Notify() = 0;
  // `wake` runs on a back-end thread for each signal, from any process; keep it short. At most
  // one subscriber per signal object; it must outlive the signal or stop being called by
  // Subscribe(nullptr).
  virtual Status Subscribe(std::function<void()> wake) = 0;
  // Called now and then by the subscriber: mends a subscription the back end lost (a watch
  // that timed out while the cluster was unreachable).
  virtual Status Keep() { return Status::Ok(); }
};

}  // namespace cairn::storage
