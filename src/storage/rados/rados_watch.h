// RadosChangeSignal: storage/change_signal.h on RADOS watch/notify. Every gateway watches one
// object; a change notifies it, and the OSD delivers the notify to every watcher, so the others
// reload in milliseconds instead of at their next poll. Notifies are sent by a thread of their
// own and coalesce, so a PutSystem never waits on another gateway (a dead one's watch lingers
// until the OSD times it out).
// Thread-safety: Notify, Subscribe and Keep may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/change_signal.h"
#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados {

class RadosChangeSignal final : public ChangeSignal {
 public:
  RadosChangeSignal(std::shared_ptr<RadosPool> pool, std::string object);
  ~RadosChangeSignal() override;  // unwatches, waits for callbacks in flight, joins the sender
  RadosChangeSignal(const RadosChangeSignal&) = delete;
  RadosChangeSignal& operator=(const RadosChangeSignal&) = delete;

  void Notify() override;
  Status Subscribe(std::function<void()> wake) override;
  Status Keep() override;

 private:
  // A watch lost by the OSD (the cluster was unreachable longer than the watch timeout) is
  // made again; until then the subscriber's poll covers.
  static constexpr uint32_t kWatchTimeoutSeconds = 30;
  // How long a notify waits for the watchers' acknowledgements (only the sender thread waits).
  static constexpr uint64_t kNotifyTimeoutMs = 5000;

  static void OnNotify(void* arg, uint64_t notify_id, uint64_t handle, uint64_t notifier,
                       void* data, size_t len);
  static void OnWatchError(void* arg, uint64_t handle, int err);
  Status WatchLocked();  // under mu_
  void SendLoop();

  const std::shared_ptr<RadosPool> pool_;
  const std::string object_;
  std::mutex mu_;
  std::function<void()> wake_;  // under mu_
  uint64_t handle_ = 0;         // under mu_; 0: not watching
  bool broken_ = false;         // under mu_: the watch reported an error
  std::condition_variable send_cv_;
  bool pending_ = false;   // under mu_: a notify to send
  bool stopping_ = false;  // under mu_
  std::thread sender_;
};

}  // namespace cairn::storage::rados
