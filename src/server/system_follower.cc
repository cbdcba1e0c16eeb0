#include "server/system_follower.h"

#include <spdlog/spdlog.h>

namespace cairn::server {

SystemFollower::SystemFollower(storage::SystemStore& store, std::chrono::milliseconds period,
                               std::vector<std::function<Status()>> reloads,
                               std::shared_ptr<storage::ChangeSignal> signal)
    : store_(store), period_(period), reloads_(std::move(reloads)), signal_(std::move(signal)) {
  if (signal_) {
    Status s = signal_->Subscribe([weak = std::weak_ptr<Wakeup>(wakeup_)] {
      if (auto w = weak.lock()) {
        std::lock_guard lock(w->mu);
        w->woken = true;
        w->cv.notify_all();
      }
    });
    if (!s.ok()) spdlog::warn("cannot hear of other gateways' changes at once: {}", s.ToString());
  }
  // What was loaded at start-up is as new as the generation read now or later.
  Result<uint64_t> now = store_.SystemGeneration();
  thread_ = std::thread([this, seen = now.ok() ? *now : 0] { Run(seen); });
}

SystemFollower::~SystemFollower() {
  if (signal_) (void)signal_->Subscribe(nullptr);
  {
    std::lock_guard lock(wakeup_->mu);
    wakeup_->stopping = true;
  }
  wakeup_->cv.notify_all();
  thread_.join();
}

void SystemFollower::Run(uint64_t seen) {
  Wakeup& w = *wakeup_;
  std::unique_lock lock(w.mu);
  for (;;) {
    w.cv.wait_for(lock, period_, [&w] { return w.woken || w.stopping; });
    if (w.stopping) return;
    w.woken = false;
    lock.unlock();
    if (signal_) {
      if (Status s = signal_->Keep(); !s.ok()) {
        spdlog::warn("cannot mend the watch for other gateways' changes: {}", s.ToString());
      }
    }
    Result<uint64_t> generation = store_.SystemGeneration();
    if (!generation.ok()) {
      spdlog::warn("cannot read the store's change counter: {}", generation.status().ToString());
    } else if (*generation != seen) {
      bool reloaded = true;
      for (const auto& reload : reloads_) {
        if (Status s = reload(); !s.ok()) {
          spdlog::warn("cannot reload records another gateway changed: {}", s.ToString());
          reloaded = false;
        }
      }
      if (reloaded) seen = *generation;  // else tried again next period
    }
    lock.lock();
  }
}

}  // namespace cairn::server
