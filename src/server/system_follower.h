// On a store several gateways share (rados://), what a gateway keeps in memory from the
// SystemStore (IAM users, groups, policies and service accounts, bucket policies, CORS rules)
// follows the changes the others make: a thread reads the store's change counter
// (SystemStore::SystemGeneration, one index read) and reloads when it moved. It reads it at
// once when the store's change signal wakes it (RADOS watch/notify: milliseconds after the
// change), and every `period` besides, which covers a signal lost or never sent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/change_signal.h"
#include "storage/system_store.h"

namespace cairn::server {

class SystemFollower {
 public:
  // `reloads` run in order on the follower's thread; `store` and what they reload outlive it.
  // `signal` may be nullptr (then the period alone).
  SystemFollower(storage::SystemStore& store, std::chrono::milliseconds period,
                 std::vector<std::function<Status()>> reloads,
                 std::shared_ptr<storage::ChangeSignal> signal = nullptr);
  ~SystemFollower();  // stops and joins the thread
  SystemFollower(const SystemFollower&) = delete;
  SystemFollower& operator=(const SystemFollower&) = delete;

 private:
  // Shared with the signal's callback, which may run on a back-end thread after the follower
  // is gone: it holds this weakly.
  struct Wakeup {
    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;     // under mu
    bool stopping = false;  // under mu
  };
  void Run(uint64_t seen);

  storage::SystemStore& store_;
  const std::chrono::milliseconds period_;
  const std::vector<std::function<Status()>> reloads_;
  const std::shared_ptr<storage::ChangeSignal> signal_;
  const std::shared_ptr<Wakeup> wakeup_ = std::make_shared<Wakeup>();
  std::thread thread_;
};

}  // namespace cairn::server
