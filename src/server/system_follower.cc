#include "server/system_follower.h"

#include <spdlog/spdlog.h>

namespace cairn::server {

SystemFollower::SystemFollower(storage::SystemStore& store, std::chrono::milliseconds period,
                               std::vector<std::function<Status()>> reloads)
    : store_(store), period_(period), reloads_(std::move(reloads)) {
  // What was loaded at start-up is as new as the generation read now or later.
  Result<uint64_t> now = store_.SystemGeneration();
  thread_ = std::thread([this, seen = now.ok() ? *now : 0] { Run(seen); });
}

SystemFollower::~SystemFollower() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SystemFollower::Run(uint64_t seen) {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
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
