// On a store several gateways share (rados://), what a gateway keeps in memory from the
// SystemStore (IAM users, groups, policies and service accounts, bucket policies, CORS rules)
// follows the changes the others make: a thread polls the store's change counter
// (SystemStore::SystemGeneration, one index read) every `period` and reloads when it moved.
// A change through one gateway takes effect on the others within about one period.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/system_store.h"

namespace cairn::server {

class SystemFollower {
 public:
  // `reloads` run in order on the follower's thread; `store` and what they reload outlive it.
  SystemFollower(storage::SystemStore& store, std::chrono::milliseconds period,
                 std::vector<std::function<Status()>> reloads);
  ~SystemFollower();  // stops and joins the thread
  SystemFollower(const SystemFollower&) = delete;
  SystemFollower& operator=(const SystemFollower&) = delete;

 private:
  void Run(uint64_t seen);

  storage::SystemStore& store_;
  const std::chrono::milliseconds period_;
  const std::vector<std::function<Status()>> reloads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace cairn::server
